"""EventBridge Scheduler for :class:`~cdktf_lambda.Schedule`: validation of its settings and the
``aws_scheduler_schedule`` with its own role, retry policy and dead-letter queue.

Unlike a scheduled rule, a Scheduler schedule runs in a time zone (IANA names, daylight saving included), can run
once (``at(...)``), retries with its own policy and keeps undeliverable events in a dead-letter queue. It invokes
the function with an IAM role (trusted by ``scheduler.amazonaws.com``, allowed ``lambda:InvokeFunction`` on exactly
the function or its alias): no resource-based permission on the function is involved.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Any

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.execution_role import policy_document
from cdktf_lambda.tokens import is_token

__all__ = [
    "MAX_SCHEDULER_EVENT_AGE_S",
    "MAX_SCHEDULER_RETRY_ATTEMPTS",
    "add_scheduler_schedule",
    "scheduler_event_input",
    "validate_at_expression",
    "validate_timezone",
]

MAX_SCHEDULER_RETRY_ATTEMPTS = 185
MIN_SCHEDULER_EVENT_AGE_S, MAX_SCHEDULER_EVENT_AGE_S = 60, 86_400
MAX_FLEXIBLE_WINDOW_MINUTES = 1440
_AT = re.compile(r"^at\((?P<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")

SCHEDULER_TRUST_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def scheduler_event_input(function_arn: str) -> str:
    """The event the function receives: the shape of AWS's sample Scheduler event (``source: aws.scheduler``,
    ``detail-type: Scheduled Event``, ``detail: "{}"``), filled by Scheduler's context attributes at each run."""
    parts = cdk.Fn.split(":", function_arn)
    return json.dumps(
        {
            "version": "0",
            "id": "<aws.scheduler.execution-id>",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": cdk.Fn.element(parts, 4),
            "time": "<aws.scheduler.scheduled-time>",
            "region": cdk.Fn.element(parts, 3),
            "resources": ["<aws.scheduler.schedule-arn>"],
            "detail": "{}",
        },
        separators=(",", ":"),
    )


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: Any, parameter: str = "schedule_expression_timezone") -> None:
    """An IANA time zone name known to :mod:`zoneinfo` (e.g. ``"Europe/Madrid"``, ``"UTC"``)."""
    if value is None or is_token(value):
        return
    allowed = "an IANA time zone name such as 'Europe/Madrid', 'America/New_York' or 'UTC'"
    if not isinstance(value, str) or value not in _timezones():
        raise InvalidParameterError(parameter, value, allowed)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidParameterError(parameter, value, allowed) from None


def validate_at_expression(value: str, parameter: str = "schedule_expression") -> bool:
    """True for a valid one-time ``at(yyyy-mm-ddThh:mm:ss)`` expression; False when it is not an ``at(...)`` at all."""
    if not isinstance(value, str) or not value.startswith("at("):
        return False
    match = _AT.match(value)
    try:
        if match is None:
            raise ValueError(value)
        datetime.fromisoformat(match["time"])
    except ValueError:
        raise InvalidParameterError(
            parameter, value, "'at(yyyy-mm-ddThh:mm:ss)', a real date and time, e.g. 'at(2027-01-31T09:30:00)'"
        ) from None
    return True


def add_scheduler_schedule(
    scope: cdk.Construct,
    *,
    name: str,
    schedule_expression: str,
    timezone: str,
    target_arn: str,
    description: str,
    enabled: bool,
    input_text: str | None,
    flexible_time_window_minutes: int | None,
    maximum_retry_attempts: int,
    maximum_event_age_in_seconds: int,
    dead_letter_arn: str | None,
    kms_key_arn: str | None,
    tags: Any,
) -> tuple[Any, Any, Any, Any]:
    """The schedule, its role, the role's policy and the dead-letter queue it created (``None`` if given)."""
    dead_letter_queue = None
    if dead_letter_arn is None:
        dead_letter_queue = cdk.SqsQueue(
            scope,
            "dlq",
            name=f"{name}-dlq",
            message_retention_seconds=1_209_600,
            sqs_managed_sse_enabled=True,
            tags=tags,
        )
        dead_letter_arn = dead_letter_queue.arn
    role = cdk.IamRole(
        scope,
        "role",
        name=f"{name}-scheduler",
        assume_role_policy=json.dumps(SCHEDULER_TRUST_POLICY, sort_keys=True),
        tags=tags,
    )
    policy = cdk.IamRolePolicy(
        scope,
        "role_policy",
        name="invoke",
        role=role.name,
        policy=policy_document(
            [
                {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": [target_arn]},
                {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [dead_letter_arn]},
            ]
        ),
    )
    window = (
        cdk.SchedulerScheduleFlexibleTimeWindow(mode="FLEXIBLE", maximum_window_in_minutes=flexible_time_window_minutes)
        if flexible_time_window_minutes
        else cdk.SchedulerScheduleFlexibleTimeWindow(mode="OFF")
    )
    schedule = cdk.SchedulerSchedule(
        scope,
        "schedule",
        name=name,
        description=description,
        schedule_expression=schedule_expression,
        schedule_expression_timezone=timezone,
        state="ENABLED" if enabled else "DISABLED",
        kms_key_arn=kms_key_arn,
        flexible_time_window=window,
        target=cdk.SchedulerScheduleTarget(
            arn=target_arn,
            role_arn=role.arn,
            input=input_text if input_text is not None else scheduler_event_input(target_arn),
            retry_policy=cdk.SchedulerScheduleTargetRetryPolicy(
                maximum_retry_attempts=maximum_retry_attempts,
                maximum_event_age_in_seconds=maximum_event_age_in_seconds,
            ),
            dead_letter_config=cdk.SchedulerScheduleTargetDeadLetterConfig(arn=dead_letter_arn),
        ),
        depends_on=[policy],
    )
    return schedule, role, policy, dead_letter_queue
