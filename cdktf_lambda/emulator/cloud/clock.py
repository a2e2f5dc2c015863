"""Schedules fire: EventBridge rules with a ``ScheduleExpression`` and EventBridge Scheduler schedules.

:class:`Scheduler` (a thread in the moto process) computes when each enabled schedule fires next (:mod:`.cron`;
``rate()`` counts from when it first saw the rule, or from a schedule's creation) and then sends each target its
event: a Lambda function is invoked asynchronously through the same path as ``Invoke`` with ``InvocationType=Event``
(:mod:`.asynchronous`: retries, destinations, dead-letter queue), an SQS queue or SNS topic gets the event as a
message. :func:`fire` does the same at once, for ``cdktf-lambda local fire NAME``. With IAM enforced, a schedule
invokes with its role (trusted by ``scheduler.amazonaws.com``, allowed ``lambda:InvokeFunction``; an event it may not
deliver goes to its dead-letter queue, sent with the same role) and a rule only what the function's resource-based
policy lets ``events.amazonaws.com`` invoke for it.

What a target gets: for a rule, the ``Scheduled Event`` EventBridge sends (``detail-type``, ``source`` ``aws.events``,
``time``, ``resources`` = the rule's ARN), or the target's constant ``Input``, or the part of the event its
``InputPath`` (``$.a.b``) selects; for a Scheduler schedule, the target's ``Input`` (default ``{}``) with the
``<aws.scheduler.*>`` context attributes filled in. Not modelled: input transformers, flexible time windows (a
schedule fires at the start of its window), start and end dates, and the targets' own retry policies.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cdktf_lambda.emulator.cloud.asynchronous import deliver, submit
from cdktf_lambda.emulator.cloud.cron import next_fire
from cdktf_lambda.emulator.cloud.iam.services import rule_may_invoke, schedule_may_invoke
from cdktf_lambda.emulator.cloud.loops import Every
from cdktf_lambda.logs import room_logger

__all__ = ["Scheduled", "Scheduler", "deployed_schedules", "fire", "install"]

log = room_logger(__name__)


@dataclass(frozen=True)
class Scheduled:
    """An enabled-or-not schedule of a rule or of EventBridge Scheduler, with its targets."""

    kind: str  # "rule" | "schedule"
    name: str
    arn: str
    account: str
    region: str
    expression: str
    timezone: str
    enabled: bool
    targets: tuple[dict[str, Any], ...]
    created: float | None

    def event_for(self, target: dict[str, Any], when: datetime) -> str:
        """The JSON text ``target`` receives for a firing at ``when``."""
        if self.kind == "schedule":
            text = target.get("Input") or "{}"
            replacements = {
                "<aws.scheduler.schedule-arn>": self.arn,
                "<aws.scheduler.scheduled-time>": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "<aws.scheduler.execution-id>": uuid.uuid4().hex[:16],
                "<aws.scheduler.attempt-number>": "1",
            }
            for placeholder, value in replacements.items():
                text = text.replace(placeholder, value)
            return text
        if target.get("Input"):
            return str(target["Input"])
        event: Any = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.account,
            "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": [self.arn],
            "detail": {},
        }
        for key in (target.get("InputPath") or "$").removeprefix("$").strip(".").split("."):
            if key:
                event = event.get(key) if isinstance(event, dict) else None
        return json.dumps(event)


def deployed_schedules() -> list[Scheduled]:
    """Every rule with a schedule expression and every Scheduler schedule in moto, in every account and region."""
    from moto.events.models import events_backends
    from moto.scheduler.models import scheduler_backends

    found: list[Scheduled] = []
    for account, regions in list(events_backends.items()):
        for region, backend in list(regions.items()):
            rules = [rule for bus in list(backend.event_buses.values()) for rule in list(bus.rules.values())]
            found += [
                Scheduled(
                    kind="rule",
                    name=rule.name,
                    arn=rule.arn,
                    account=account,
                    region=region,
                    expression=rule.scheduled_expression,
                    timezone="UTC",
                    enabled=rule.state != "DISABLED",
                    targets=tuple(rule.targets),
                    created=None,
                )
                for rule in rules
                if rule.scheduled_expression
            ]
    for account, regions in list(scheduler_backends.items()):
        for region, backend in list(regions.items()):
            schedules = [s for group in list(backend.schedule_groups.values()) for s in list(group.schedules.values())]
            found += [
                Scheduled(
                    kind="schedule",
                    name=schedule.name,
                    arn=schedule.arn,
                    account=account,
                    region=region,
                    expression=schedule.schedule_expression,
                    timezone=schedule.schedule_expression_timezone or "UTC",
                    enabled=schedule.state != "DISABLED",
                    targets=(schedule.target,),
                    created=schedule.creation_date,
                )
                for schedule in schedules
            ]
    return found


def _send(scheduled: Scheduled, when: datetime) -> list[dict[str, Any]]:
    """Send every target of ``scheduled`` its event; what was sent (request ids of Lambda targets)."""
    from moto.awslambda.models import lambda_backends

    sent = []
    for target in scheduled.targets:
        arn = str(target.get("Arn", ""))
        body = scheduled.event_for(target, when)
        record: dict[str, Any] = {"source": scheduled.arn, "target": arn}
        role = str(target["RoleArn"]) if scheduled.kind == "schedule" and target.get("RoleArn") else None
        if ":lambda:" in arn:
            try:
                fn = lambda_backends[arn.split(":")[4]][arn.split(":")[3]].get_function(arn)
            except Exception as exc:
                record["error"] = f"no function {arn}: {exc}"
            else:
                denied = _may_not_invoke(scheduled, role, fn, arn)
                if denied:
                    record["error"] = denied
                    _to_dead_letter_queue(scheduled, target, role, body, denied, when)
                else:
                    record["invocation"] = submit(fn, body.encode())
                    record["request_id"] = record["invocation"].request_id
        else:
            deliver(arn, body, role=role)
        sent.append(record)
    return sent


def _may_not_invoke(scheduled: Scheduled, role: str | None, fn: Any, arn: str) -> str | None:
    """Why the schedule may not invoke ``fn`` (IAM: a schedule's role, a rule's resource-based permission)."""
    if scheduled.kind == "schedule":
        return schedule_may_invoke(role, arn, scheduled.arn)
    if rule_may_invoke(fn, arn, scheduled.arn):
        return None
    return f"no resource-based policy of {arn} allows events.amazonaws.com to invoke it for {scheduled.arn}"


def _to_dead_letter_queue(
    scheduled: Scheduled, target: dict[str, Any], role: str | None, body: str, error: str, when: datetime
) -> None:
    """A Scheduler schedule's event it could not deliver goes to its target's dead-letter queue, sent with its
    role, with the error in the message attributes."""
    queue = (target.get("DeadLetterConfig") or {}).get("Arn")
    if scheduled.kind != "schedule" or not queue:
        return
    values = {
        "ERROR_CODE": "AccessDeniedException",
        "ERROR_MESSAGE": error[:1024],
        "EXECUTION_ID": uuid.uuid4().hex[:16],
        "SCHEDULE_ARN": scheduled.arn,
        "SCHEDULED_TIME": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "TARGET_ARN": str(target.get("Arn", "")),
    }
    attributes = {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}
    deliver(str(queue), body, attributes=attributes, role=role)


def fire(name: str) -> list[dict[str, Any]]:
    """Fire the rules and schedules named ``name`` (or with that ARN) now, enabled or not."""
    now = datetime.now(UTC)
    matches = [s for s in deployed_schedules() if name in (s.name, s.arn)]
    return [record for scheduled in matches for record in _send(scheduled, now)]


class Scheduler(Every):
    """Fires every enabled schedule when it is due."""

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__("scheduler", interval)
        self.due: dict[tuple[str, str], datetime | None] = {}
        self.first_seen: dict[str, float] = {}

    def step(self) -> None:
        self.tick(datetime.now(UTC))

    def tick(self, now: datetime) -> list[dict[str, Any]]:
        """Fire what is due at ``now``; compute the next time of what is new."""
        sent: list[dict[str, Any]] = []
        current = {}
        for scheduled in deployed_schedules():
            key = (scheduled.arn, f"{scheduled.expression}@{scheduled.timezone}")
            current[key] = scheduled
            if key not in self.due:
                started = scheduled.created or self.first_seen.setdefault(scheduled.arn, now.timestamp())
                anchor = datetime.fromtimestamp(started, UTC)
                self.due[key] = self._next(scheduled, now, anchor)
            when = self.due[key]
            if when is not None and when <= now:
                if scheduled.enabled:
                    sent += _send(scheduled, when)
                anchor = datetime.fromtimestamp(scheduled.created or self.first_seen[scheduled.arn], UTC)
                self.due[key] = self._next(scheduled, now, anchor)
        for key in [key for key in self.due if key not in current]:
            del self.due[key]
        return sent

    @staticmethod
    def _next(scheduled: Scheduled, now: datetime, anchor: datetime) -> datetime | None:
        try:
            return next_fire(scheduled.expression, now, anchor=anchor, timezone=scheduled.timezone)
        except Exception as exc:
            log.error("%s: %r is not understood: %s", scheduled.arn, scheduled.expression, exc)
            return None


def install() -> str:
    """Start the scheduler thread; ``applied``."""
    Scheduler().start()
    return "applied"
