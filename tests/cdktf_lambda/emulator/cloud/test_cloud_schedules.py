"""Schedules fire by their expression, through the asynchronous invoke path; /_local/fire fires one now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cdktf_lambda.emulator.cloud import clock as schedules
from cdktf_lambda.emulator.cloud.clock import Scheduled, Scheduler
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud

pytestmark = pytest.mark.slow


def test_fire_sends_a_rule_target_the_scheduled_event(cloud: Cloud) -> None:
    arn = cloud.function("nightly-fn", "echo")
    events = cloud.client("events")
    rule_arn = events.put_rule(Name="nightly", ScheduleExpression="cron(15 0 * * ? *)")["RuleArn"]
    events.put_targets(Rule="nightly", Targets=[{"Id": "fn", "Arn": arn}])
    by_rule = {"Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com", "SourceArn": rule_arn}
    cloud.client("lambda").add_permission(FunctionName="nightly-fn", StatementId="nightly", **by_rule)

    status, answer = cloud.local("fire?name=nightly&wait=30", method="POST")

    assert status == 200
    (fired,) = answer["fired"]
    assert (fired["source"], fired["target"], fired["finished"], fired["condition"]) == (rule_arn, arn, True, None)
    event = fired["response"]["event"]
    assert (event["detail-type"], event["source"], event["resources"], event["detail"]) == (
        "Scheduled Event",
        "aws.events",
        [rule_arn],
        {},
    )
    fired_at = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - fired_at) < timedelta(minutes=1)


def test_a_scheduler_schedule_gets_its_input_with_the_context_attributes(cloud: Cloud) -> None:
    arn = cloud.function("scheduled-fn", "echo")
    cloud.client("scheduler").create_schedule(
        Name="reports",
        ScheduleExpression="rate(1 day)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": arn,
            "RoleArn": cloud.role_arn,
            "Input": json.dumps({"at": "<aws.scheduler.scheduled-time>", "by": "<aws.scheduler.schedule-arn>"}),
        },
    )

    (fired,) = cloud.local("fire?name=reports&wait=30", method="POST")[1]["fired"]

    payload = fired["response"]["event"]
    assert payload["by"] == fired["source"] and payload["by"].endswith(":schedule/default/reports")
    assert payload["at"].endswith("Z") and "<aws" not in json.dumps(payload)


def test_unknown_schedules_are_404(cloud: Cloud) -> None:
    assert cloud.local("fire?name=no-such-rule", method="POST")[0] == 404
    assert cloud.local("fire", method="POST")[0] == 400


def test_the_scheduler_fires_what_is_due_and_only_that(cloud: Cloud) -> None:
    arn = cloud.function("every-minute-fn", "echo")
    events = cloud.client("events")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="every-minute", Targets=[{"Id": "fn", "Arn": arn, "Input": '{"constant": true}'}])
    events.put_rule(Name="disabled", ScheduleExpression="rate(1 minute)", State="DISABLED")
    events.put_targets(Rule="disabled", Targets=[{"Id": "fn", "Arn": arn}])
    status, inventory = cloud.local("inventory")
    schedules = {item["name"]: item for item in inventory["schedules"]}
    assert status == 200 and schedules["every-minute"]["enabled"] and not schedules["disabled"]["enabled"]
    assert schedules["every-minute"]["next"] is not None and schedules["disabled"]["next"] is None


def test_scheduler_fires_once_when_due(monkeypatch: pytest.MonkeyPatch) -> None:
    """First sight sets the next time; a tick at or after it fires once, then the next time is computed."""
    sent: list[tuple[str, datetime]] = []
    item = Scheduled("rule", "r", "arn:r", "1", "us-east-1", "rate(5 minutes)", "UTC", True, (), None)
    monkeypatch.setattr(schedules, "deployed_schedules", lambda: [item])
    monkeypatch.setattr(schedules, "_send", lambda scheduled, when: sent.append((scheduled.name, when)) or [])
    scheduler, start = Scheduler(), datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

    scheduler.tick(start)
    scheduler.tick(start + timedelta(minutes=4))
    assert sent == []
    scheduler.tick(start + timedelta(minutes=5, seconds=1))
    assert sent == [("r", start + timedelta(minutes=5))]
    scheduler.tick(start + timedelta(minutes=6))
    assert len(sent) == 1
