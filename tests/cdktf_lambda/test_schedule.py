"""Schedule: expression syntax is checked at synth; the rule, target and scoped permission."""

from __future__ import annotations

import pytest

from cdktf_lambda import InvalidParameterError, Schedule, validate_schedule_expression
from tests.cdktf_lambda._builders import function, stack
from tests.conftest import only, resources, synth_json


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "rate(7 days)",
        "cron(15 0 * * ? *)",
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 12 L * ? 2030)",
        "cron(0 10 ? * 6#3 *)",
    ],
)
def test_valid_expressions(expression):
    validate_schedule_expression(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(5 minute)",
        "rate(1 minutes)",
        "rate(0 minutes)",
        "rate(5 weeks)",
        "rate(five minutes)",
        "every day",
        "cron(15 0 * * *)",
        "cron(15 0 * * * *)",
        "cron(15 0 ? * ? *)",
        "cron()",
        "",
        "rate(5 minutes) ",
        5,
    ],
)
def test_invalid_expressions_name_the_parameter_and_the_allowed_syntax(expression):
    with pytest.raises(InvalidParameterError, match=r"Invalid schedule_expression: .*Allowed: 'rate\(<n> minute"):
        validate_schedule_expression(expression)


def test_invalid_expression_fails_before_any_resource():
    scope = stack()
    target = function(scope)
    with pytest.raises(InvalidParameterError, match="Invalid schedule_expression: 'daily'"):
        Schedule(scope, "s", rule_name="r", schedule_expression="daily", function=target)
    assert "aws_cloudwatch_event_rule" not in synth_json(scope)["resource"]


def test_rule_target_and_permission():
    scope = stack()
    Schedule(
        scope,
        "s",
        rule_name="nightly",
        schedule_expression="rate(1 day)",
        function=function(scope),
        enabled=False,
        input='{"job": "report"}',
    )
    synthesized = synth_json(scope)
    rule = only(resources(synthesized, "aws_cloudwatch_event_rule"))
    assert (rule["name"], rule["state"], rule["schedule_expression"]) == ("nightly", "DISABLED", "rate(1 day)")
    assert only(resources(synthesized, "aws_cloudwatch_event_target"))["input"] == '{"job": "report"}'
    permission = only(resources(synthesized, "aws_lambda_permission"))
    assert permission["principal"] == "events.amazonaws.com"
    assert permission["source_arn"].startswith("${aws_cloudwatch_event_rule.") and permission["source_arn"].endswith(
        ".arn}"
    )
