"""``Schedule``: run a Lambda function on an EventBridge scheduled rule, or on an EventBridge Scheduler schedule in a
time zone."""

from __future__ import annotations

import re
from collections.abc import Mapping

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction
from cdktf_lambda.limits import tags_argument, validate_description, validate_int_range
from cdktf_lambda.tokens import is_token
from cdktf_lambda.triggers.eventbridge_scheduler import (
    MAX_FLEXIBLE_WINDOW_MINUTES,
    MAX_SCHEDULER_EVENT_AGE_S,
    MAX_SCHEDULER_RETRY_ATTEMPTS,
    MIN_SCHEDULER_EVENT_AGE_S,
    add_scheduler_schedule,
    validate_at_expression,
    validate_timezone,
)

__all__ = ["Schedule", "validate_schedule_expression"]

_RATE = re.compile(r"^rate\((?P<value>[1-9]\d*) (?P<unit>minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((?P<fields>[^()]+)\)$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?,/\-#L W]+$")
ALLOWED = (
    "'rate(<n> minute|minutes|hour|hours|day|days)' (singular unit for 1, e.g. 'rate(1 day)', 'rate(5 minutes)') "
    "or 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)' with '?' in day-of-month or "
    "day-of-week, e.g. 'cron(15 0 * * ? *)'"
)


def validate_schedule_expression(value: str, parameter: str = "schedule_expression") -> None:
    """Check EventBridge ``rate()``/``cron()`` syntax; raise :class:`InvalidParameterError` otherwise."""
    if is_token(value):
        return
    if not isinstance(value, str):
        raise InvalidParameterError(parameter, value, ALLOWED)
    rate = _RATE.match(value)
    if rate:
        singular = not rate["unit"].endswith("s")
        if singular != (rate["value"] == "1"):
            raise InvalidParameterError(parameter, value, ALLOWED)
        return
    cron = _CRON.match(value)
    if cron:
        fields = cron["fields"].split()
        if len(fields) == 6 and all(_CRON_FIELD.match(f) for f in fields) and "?" in (fields[2], fields[4]):
            if not (fields[2] == "?" and fields[4] == "?"):
                return
    raise InvalidParameterError(parameter, value, ALLOWED)


class Schedule(cdk.Construct):
    """Invoke ``function`` (its alias when it has one) on ``schedule_expression``.

    Without ``schedule_expression_timezone``: an EventBridge scheduled rule (UTC), as before. With it: an EventBridge
    Scheduler schedule in that time zone, with its own role, a flexible time window, a retry policy and a
    dead-letter queue (see :mod:`cdktf_lambda.triggers.eventbridge_scheduler`).

    Parameters
    ----------
    rule_name
        Name of the rule (or of the Scheduler schedule; its role is ``<rule_name>-scheduler``). Required.
    schedule_expression
        ``rate(...)`` or ``cron(...)``, checked at synth; with a time zone also ``at(yyyy-mm-ddThh:mm:ss)`` (once).
        Required.
    function
        The function to invoke; its alias when it has one (the permission or role is scoped to it). Required.
    description
        Rule description. Default: ``"Runs <function> on <expression>"``.
    enabled
        Whether the rule is enabled. Default: ``True``.
    input
        Constant JSON text passed as the event instead of the scheduled event. Default: none (the scheduled event;
        with Scheduler, an event of AWS's Scheduler sample shape, ``source: aws.scheduler``, filled by Scheduler's
        context attributes: ``time`` is the scheduled time).
    tags
        Tags of the rule (of the Scheduler's role and queue). Default: ``{}``.
    schedule_expression_timezone
        IANA time zone name (checked with :mod:`zoneinfo`), e.g. ``"Europe/Madrid"``: selects EventBridge Scheduler.
        Default: none (a scheduled rule, UTC).
    flexible_time_window_minutes
        Scheduler only: run within this many minutes after the scheduled time (1–1440). Default: none (``OFF``).
    maximum_retry_attempts
        Scheduler only: retries of a failed delivery, 0–185. Default: ``185`` (Scheduler's default).
    maximum_event_age_in_seconds
        Scheduler only: how long an undelivered event is retried, 60–86400 s. Default: ``86400`` (Scheduler's).
    dead_letter_arn
        Scheduler only: the SQS queue that keeps events Scheduler could not deliver; the role may send to it.
        Default: a queue ``<rule_name>-dlq`` created here.
    kms_key_arn
        Scheduler only: customer managed KMS key encrypting the schedule's target input. Default: an AWS owned key.

    Attributes
    ----------
    rule, target, permission
        The ``aws_cloudwatch_event_rule``, its ``aws_cloudwatch_event_target`` and the ``aws_lambda_permission``
        letting ``events.amazonaws.com`` invoke the function, scoped to this rule's ARN (``None`` with Scheduler).
    schedule, role, role_policy, dead_letter_queue
        With Scheduler: the ``aws_scheduler_schedule``, its ``aws_iam_role`` and inline policy, and the dead-letter
        ``aws_sqs_queue`` when created here (else ``None``). ``None`` for a scheduled rule.

    Raises
    ------
    InvalidParameterError
        A rule name, schedule expression, time zone or retry setting outside what EventBridge allows.
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        rule_name: str,
        schedule_expression: str,
        function: LambdaPythonFunction,
        description: str | None = None,
        enabled: bool = True,
        input: str | None = None,  # noqa: A002 - the EventBridge target's own name
        tags: Mapping[str, str] | None = None,
        schedule_expression_timezone: str | None = None,
        flexible_time_window_minutes: int | None = None,
        maximum_retry_attempts: int | None = None,
        maximum_event_age_in_seconds: int | None = None,
        dead_letter_arn: str | None = None,
        kms_key_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        scheduler = schedule_expression_timezone is not None
        validate_timezone(schedule_expression_timezone)
        if not (scheduler and validate_at_expression(schedule_expression)):
            validate_schedule_expression(schedule_expression)
        validate_description(description)
        scheduler_only = {
            "flexible_time_window_minutes": flexible_time_window_minutes,
            "maximum_retry_attempts": maximum_retry_attempts,
            "maximum_event_age_in_seconds": maximum_event_age_in_seconds,
            "dead_letter_arn": dead_letter_arn,
            "kms_key_arn": kms_key_arn,
        }
        for parameter, value in scheduler_only.items():
            if value is not None and not scheduler:
                raise InvalidParameterError(
                    parameter, value, "a value only with schedule_expression_timezone= (EventBridge Scheduler)"
                )
        validate_int_range(
            "flexible_time_window_minutes", flexible_time_window_minutes, 1, MAX_FLEXIBLE_WINDOW_MINUTES, "minutes"
        )
        validate_int_range("maximum_retry_attempts", maximum_retry_attempts, 0, MAX_SCHEDULER_RETRY_ATTEMPTS, "retries")
        validate_int_range(
            "maximum_event_age_in_seconds",
            maximum_event_age_in_seconds,
            MIN_SCHEDULER_EVENT_AGE_S,
            MAX_SCHEDULER_EVENT_AGE_S,
            "seconds",
        )
        if not is_token(rule_name) and isinstance(rule_name, str) and scheduler and len(rule_name) > 54:
            raise InvalidParameterError(
                "rule_name", rule_name, "at most 54 characters with Scheduler (its role is '<rule_name>-scheduler')"
            )
        tags = tags_argument(tags)
        description = description or f"Runs the function on {schedule_expression}"
        self.rule = self.target = self.permission = None
        self.schedule = self.role = self.role_policy = self.dead_letter_queue = None
        if schedule_expression_timezone is not None:
            self.schedule, self.role, self.role_policy, self.dead_letter_queue = add_scheduler_schedule(
                self,
                name=rule_name,
                schedule_expression=schedule_expression,
                timezone=schedule_expression_timezone,
                target_arn=function.invoke_target_arn,
                description=description,
                enabled=enabled,
                input_text=input,
                flexible_time_window_minutes=flexible_time_window_minutes,
                maximum_retry_attempts=MAX_SCHEDULER_RETRY_ATTEMPTS
                if maximum_retry_attempts is None
                else maximum_retry_attempts,
                maximum_event_age_in_seconds=MAX_SCHEDULER_EVENT_AGE_S
                if maximum_event_age_in_seconds is None
                else maximum_event_age_in_seconds,
                dead_letter_arn=dead_letter_arn,
                kms_key_arn=kms_key_arn,
                tags=tags,
            )
            return
        self.rule = cdk.CloudwatchEventRule(
            self,
            "rule",
            name=rule_name,
            schedule_expression=schedule_expression,
            description=description,
            state="ENABLED" if enabled else "DISABLED",
            tags=tags,
        )
        self.target = cdk.CloudwatchEventTarget(
            self, "target", rule=self.rule.name, arn=function.invoke_target_arn, input=input
        )
        self.permission = cdk.LambdaPermission(
            self,
            "permission",
            statement_id="AllowEventBridgeSchedule",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            qualifier=function.qualifier,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
        )
