"""``Schedule``: run a Lambda function on an EventBridge schedule."""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import cdk
from .errors import InvalidParameterError
from .lambda_python_function import LambdaPythonFunction
from .limits import tags_argument, validate_description
from .tokens import is_token

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
    """An EventBridge rule that invokes ``function`` on ``schedule_expression``.

    Parameters
    ----------
    rule_name
        Name of the rule. Required.
    schedule_expression
        ``rate(...)`` or ``cron(...)``, checked at synth. Required.
    function
        The function to invoke. Required.
    description
        Rule description. Default: ``"Runs <function> on <expression>"``.
    enabled
        Whether the rule is enabled. Default: ``True``.
    input
        Constant JSON text passed as the event instead of the scheduled event. Default: none (the scheduled event).
    tags
        Tags of the rule. Default: ``{}``.

    Attributes
    ----------
    rule, target, permission
        The ``aws_cloudwatch_event_rule``, its ``aws_cloudwatch_event_target`` and the ``aws_lambda_permission``
        letting ``events.amazonaws.com`` invoke the function, scoped to this rule's ARN.
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
    ) -> None:
        super().__init__(scope, id_)
        validate_schedule_expression(schedule_expression)
        validate_description(description)
        tags = tags_argument(tags)
        self.rule = cdk.CloudwatchEventRule(
            self,
            "rule",
            name=rule_name,
            schedule_expression=schedule_expression,
            description=description or f"Runs the function on {schedule_expression}",
            state="ENABLED" if enabled else "DISABLED",
            tags=tags,
        )
        self.target = cdk.CloudwatchEventTarget(
            self, "target", rule=self.rule.name, arn=function.function_arn, input=input
        )
        self.permission = cdk.LambdaPermission(
            self,
            "permission",
            statement_id="AllowEventBridgeSchedule",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
        )
