"""Tests for the scheduled retention-plan function."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from cron_server import cron_server
from practice_util import Settings

LoadEvent = Callable[[str], dict[str, Any]]


@pytest.fixture(autouse=True)
def _known_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cron_server, "SETTINGS", Settings(app_name="practice-test", environment="test"))


@pytest.mark.parametrize("event_name", ["eventbridge_schedule", "eventbridge_scheduler_schedule"])
def test_schedule_event_returns_retention_plan(
    event_name: str, load_event: LoadEvent, lambda_context: LambdaContext, capture_logs: Any
) -> None:
    """A scheduled rule's event (``source: aws.events``) and AWS's EventBridge Scheduler sample event
    (``source: aws.scheduler``, ``detail`` the string ``"{}"``) plan the same run."""
    logs = capture_logs(cron_server.logger)

    summary = cron_server.lambda_handler(load_event(event_name), lambda_context)

    duration_ms = summary.pop("duration_ms")  # type: ignore[misc]
    assert isinstance(duration_ms, float) and duration_ms >= 0
    # Event time 2024-03-01T06:00:00Z, RETENTION_DAYS=30 (2024 is a leap year).
    assert summary == {
        "status": "ok",
        "job": "retention-plan",
        "scheduled_at": "2024-03-01T06:00:00Z",
        "report_window": {"start": "2024-02-29T00:00:00Z", "end": "2024-03-01T00:00:00Z"},
        "retention_days": 30,
        "retention_cutoff": "2024-01-31T00:00:00Z",
        "expired_partitions": ["dt=2024-01-28", "dt=2024-01-29", "dt=2024-01-30"],
        "expired_count": 3,
    }
    (record,) = logs.records()
    assert record["message"] == "Retention plan computed"
    assert record["summary"]["retention_cutoff"] == "2024-01-31T00:00:00Z"
    assert record["function_name"] == lambda_context.function_name


def test_retention_days_come_from_settings(
    load_event: LoadEvent, lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cron_server, "SETTINGS", Settings.from_env({"RETENTION_DAYS": "1"}))

    summary = cron_server.lambda_handler(load_event("eventbridge_schedule"), lambda_context)

    assert summary["retention_cutoff"] == "2024-02-29T00:00:00Z"
    assert summary["expired_partitions"] == ["dt=2024-02-26", "dt=2024-02-27", "dt=2024-02-28"]


def test_plan_crosses_year_boundary() -> None:
    summary = cron_server.plan_retention(datetime(2024, 1, 2, 23, 59, 59, tzinfo=UTC), 1)

    assert summary["report_window"] == {"start": "2024-01-01T00:00:00Z", "end": "2024-01-02T00:00:00Z"}
    assert summary["retention_cutoff"] == "2024-01-01T00:00:00Z"
    assert summary["expired_partitions"] == ["dt=2023-12-29", "dt=2023-12-30", "dt=2023-12-31"]


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
            "expected an EventBridge 'Scheduled Event' from 'aws.events' or 'aws.scheduler', "
            "got detail-type=None, source=None",
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


def test_scheduler_event_detail_is_the_string_of_an_empty_object(load_event: LoadEvent) -> None:
    event = load_event("eventbridge_scheduler_schedule")
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.scheduler", "Scheduled Event", "{}")
    assert cron_server.parse_schedule_event(event) == datetime(2024, 3, 1, 6, 0, tzinfo=UTC)


def test_invalid_schedule_event_is_a_value_error() -> None:
    assert issubclass(cron_server.InvalidScheduleEventError, ValueError)
