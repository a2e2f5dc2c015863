"""Tests for the scheduled retention job: greetings older than RETENTION_DAYS are deleted."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from cron_server import cron_server
from practice_util import Settings

LoadEvent = Callable[[str], dict[str, Any]]
pytestmark = pytest.mark.usefixtures("greetings_backend")


@pytest.fixture(autouse=True)
def _known_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cron_server, "SETTINGS", Settings(app_name="practice-test", environment="test"))


def _put(request_id: str, created_at: str) -> None:
    item = {"request_id": request_id, "name": "Ada", "language": "en", "greeting": "Hello, Ada!"}
    cron_server.get_store().put_once({**item, "created_at": created_at})  # type: ignore[typeddict-item]


@pytest.mark.parametrize("event_name", ["eventbridge_schedule", "eventbridge_scheduler_schedule"])
def test_greetings_older_than_the_retention_are_deleted(
    event_name: str, load_event: LoadEvent, lambda_context: LambdaContext, capture_logs: Any, greetings_backend: Any
) -> None:
    """A scheduled rule's event (``source: aws.events``) and AWS's EventBridge Scheduler sample event
    (``source: aws.scheduler``, ``detail`` the string ``"{}"``) run the same job."""
    # The event fired at 2024-03-01T06:00:00Z; RETENTION_DAYS=30 keeps what was created from 2024-01-31T06:00:00Z.
    for request_id, created_at in {
        "old-1": "2023-12-24T10:00:00Z",
        "old-2": "2024-01-31T05:59:59Z",
        "kept-1": "2024-01-31T06:00:00Z",
        "kept-2": "2024-02-29T23:00:00Z",
    }.items():
        _put(request_id, created_at)
    logs = capture_logs(cron_server.logger)

    summary = cron_server.lambda_handler(load_event(event_name), lambda_context)

    duration_ms = summary.pop("duration_ms")  # type: ignore[misc]
    assert isinstance(duration_ms, float) and duration_ms >= 0
    assert summary == {
        "status": "ok",
        "job": "greetings-retention",
        "scheduled_at": "2024-03-01T06:00:00Z",
        "retention_days": 30,
        "cutoff": "2024-01-31T06:00:00Z",
        "deleted": 2,
    }
    assert sorted(item["request_id"] for item in greetings_backend.items()) == ["kept-1", "kept-2"]
    (record,) = logs.records()
    assert (record["message"], record["deleted"], record["cutoff"]) == (
        "Expired greetings deleted",
        2,
        "2024-01-31T06:00:00Z",
    )
    assert record["function_name"] == lambda_context.function_name


def test_a_second_run_deletes_nothing(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any
) -> None:
    _put("old", "2020-01-01T00:00:00Z")
    assert cron_server.lambda_handler(load_event("eventbridge_schedule"), lambda_context)["deleted"] == 1
    assert cron_server.lambda_handler(load_event("eventbridge_schedule"), lambda_context)["deleted"] == 0


def test_retention_days_come_from_settings(
    load_event: LoadEvent, lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch, greetings_backend: Any
) -> None:
    wired = Settings.from_env({"RETENTION_DAYS": "1", "GREETINGS_TABLE": greetings_backend.table})
    monkeypatch.setattr(cron_server, "SETTINGS", wired)
    _put("two-days-old", "2024-02-28T06:00:00Z")
    _put("today", "2024-03-01T05:00:00Z")

    summary = cron_server.lambda_handler(load_event("eventbridge_schedule"), lambda_context)

    assert (summary["cutoff"], summary["deleted"]) == ("2024-02-29T06:00:00Z", 1)
    assert [item["request_id"] for item in greetings_backend.items()] == ["today"]


def _schedule(**changes: Any) -> Callable[[LoadEvent], dict[str, Any]]:
    def build(load_event: LoadEvent) -> dict[str, Any]:
        event = load_event("eventbridge_schedule")
        for key, value in changes.items():
            if value is None:
                del event[key.replace("_", "-")]
            else:
                event[key.replace("_", "-")] = value
        return event

    return build


@pytest.mark.parametrize(
    ("make_event", "message"),
    [
        (
            lambda load: load("sqs_batch_all_good"),
            "expected an EventBridge 'Scheduled Event' from 'aws.events' or 'aws.scheduler', got detail-type=None, "
            "source=None",
        ),
        (
            _schedule(detail_type="Object Created", source="aws.s3"),
            "expected an EventBridge 'Scheduled Event' from 'aws.events' or 'aws.scheduler', "
            "got detail-type='Object Created', source='aws.s3'",
        ),
        (_schedule(time=None), "scheduled event 'time' must be a string, got None"),
        (_schedule(time="soon"), "scheduled event 'time' 'soon' is not an ISO 8601 timestamp"),
        (lambda load: ["not", "an", "object"], "expected an EventBridge event object, got list"),
    ],
)
def test_non_schedule_event_raises_clear_error(
    make_event: Callable[[LoadEvent], Any],
    message: str,
    load_event: LoadEvent,
    lambda_context: LambdaContext,
    capture_logs: Any,
) -> None:
    logs = capture_logs(cron_server.logger)

    with pytest.raises(cron_server.InvalidScheduleEventError, match=f"^{re.escape(message)}$"):
        cron_server.lambda_handler(make_event(load_event), lambda_context)

    (record,) = logs.records()
    assert (record["level"], record["message"], record["reason"]) == ("ERROR", "Rejected non-schedule event", message)


def test_invalid_schedule_event_is_a_value_error() -> None:
    assert issubclass(cron_server.InvalidScheduleEventError, ValueError)
