"""Schedule: expression syntax is checked at synth; the rule, target and scoped permission; EventBridge Scheduler
with a time zone."""

from __future__ import annotations

import json
import re

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


# ------------------------------------------------------------------------------------------ EventBridge Scheduler


def _scheduler(**options):
    scope = stack()
    target = function(scope, publish=True, alias_name="live")
    kwargs = {"rule_name": "nightly", "schedule_expression": "cron(15 0 * * ? *)", "function": target}
    Schedule(scope, "s", **{**kwargs, "schedule_expression_timezone": "Europe/Madrid", **options})
    return synth_json(scope)


@pytest.fixture(scope="module")
def scheduled():
    return _scheduler(flexible_time_window_minutes=15, maximum_retry_attempts=3, maximum_event_age_in_seconds=3600)


def test_a_time_zone_selects_eventbridge_scheduler(scheduled):
    schedule = only(resources(scheduled, "aws_scheduler_schedule"))
    assert (schedule["name"], schedule["schedule_expression_timezone"], schedule["state"]) == (
        "nightly",
        "Europe/Madrid",
        "ENABLED",
    )
    assert not {"aws_cloudwatch_event_rule", "aws_lambda_permission"} & set(scheduled["resource"])


def test_scheduler_invokes_the_alias_with_its_own_role(scheduled):
    (alias_id,) = resources(scheduled, "aws_lambda_alias")
    ((role_id, role),) = resources(scheduled, "aws_iam_role").items()
    target = only(resources(scheduled, "aws_scheduler_schedule"))["target"]
    assert (target["arn"], target["role_arn"]) == (
        f"${{aws_lambda_alias.{alias_id}.arn}}",
        f"${{aws_iam_role.{role_id}.arn}}",
    )
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    (policy,) = resources(scheduled, "aws_iam_role_policy").values()
    invoke, send = json.loads(policy["policy"])["Statement"]
    assert (invoke["Action"], invoke["Resource"]) == (
        ["lambda:InvokeFunction"],
        [f"${{aws_lambda_alias.{alias_id}.arn}}"],
    )
    assert send["Action"] == ["sqs:SendMessage"] and send["Resource"] == [target["dead_letter_config"]["arn"]]


def test_flexible_window_retry_policy_and_a_dead_letter_queue_created_here(scheduled):
    schedule = only(resources(scheduled, "aws_scheduler_schedule"))
    assert schedule["flexible_time_window"] == {"mode": "FLEXIBLE", "maximum_window_in_minutes": 15}
    assert schedule["target"]["retry_policy"] == {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600}
    ((queue_id, queue),) = resources(scheduled, "aws_sqs_queue").items()
    assert (queue["name"], queue["sqs_managed_sse_enabled"]) == ("nightly-dlq", True)
    assert schedule["target"]["dead_letter_config"] == {"arn": f"${{aws_sqs_queue.{queue_id}.arn}}"}


def test_scheduler_defaults_off_window_and_schedulers_retry_policy():
    schedule = only(
        resources(_scheduler(dead_letter_arn="arn:aws:sqs:us-east-1:123456789012:dlq"), "aws_scheduler_schedule")
    )
    assert schedule["flexible_time_window"] == {"mode": "OFF"}
    assert schedule["target"]["retry_policy"] == {"maximum_retry_attempts": 185, "maximum_event_age_in_seconds": 86400}
    assert schedule["target"]["dead_letter_config"] == {"arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}


def test_default_input_is_the_shape_of_the_scheduler_sample_event(scheduled):
    raw = only(resources(scheduled, "aws_scheduler_schedule"))["target"]["input"]
    event = json.loads(re.sub(r"\$\{[^}]*\}", "x", raw))
    assert {k: event[k] for k in ("source", "detail-type", "detail", "time")} == {
        "source": "aws.scheduler",
        "detail-type": "Scheduled Event",
        "detail": "{}",
        "time": "<aws.scheduler.scheduled-time>",
    }


def test_one_time_at_expression_with_scheduler():
    schedule = only(resources(_scheduler(schedule_expression="at(2027-01-31T09:30:00)"), "aws_scheduler_schedule"))
    assert schedule["schedule_expression"] == "at(2027-01-31T09:30:00)"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schedule_expression_timezone": "Mars/Olympus"}, "Invalid schedule_expression_timezone: 'Mars/Olympus'"),
        ({"schedule_expression_timezone": "europe/madrid"}, "Invalid schedule_expression_timezone: 'europe/madrid'"),
        (
            {"schedule_expression": "at(2027-02-30T09:30:00)"},
            r"Invalid schedule_expression: 'at\(2027-02-30T09:30:00\)'",
        ),
        ({"schedule_expression": "at(2027-01-31)"}, r"Invalid schedule_expression: 'at\(2027-01-31\)'"),
        (
            {"flexible_time_window_minutes": 0},
            "Invalid flexible_time_window_minutes: 0. Allowed: an integer from 1 to 1440",
        ),
        ({"maximum_retry_attempts": 186}, "Invalid maximum_retry_attempts: 186. Allowed: an integer from 0 to 185"),
        ({"maximum_event_age_in_seconds": 59}, "Invalid maximum_event_age_in_seconds: 59"),
        ({"rule_name": "n" * 55}, "Invalid rule_name: .*at most 54 characters with Scheduler"),
    ],
)
def test_scheduler_refusals_name_the_parameter(options, message):
    with pytest.raises(InvalidParameterError, match=message):
        _scheduler(**options)


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"flexible_time_window_minutes": 10}, "flexible_time_window_minutes"),
        ({"kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k"}, "kms_key_arn"),
        ({"maximum_retry_attempts": 1}, "maximum_retry_attempts"),
        ({"dead_letter_arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}, "dead_letter_arn"),
        ({"schedule_expression": "at(2027-01-31T09:30:00)"}, "schedule_expression"),
    ],
)
def test_scheduler_settings_without_a_time_zone_are_refused(options, parameter):
    scope = stack()
    kwargs = {"rule_name": "r", "schedule_expression": "rate(1 day)", "function": function(scope), **options}
    with pytest.raises(InvalidParameterError, match=f"Invalid {parameter}: "):
        Schedule(scope, "s", **kwargs)
    assert "aws_cloudwatch_event_rule" not in synth_json(scope)["resource"]


def test_the_rule_invokes_the_alias_and_its_permission_is_scoped_to_it():
    scope = stack()
    target = function(scope, publish=True, alias_name="live")
    Schedule(scope, "s", rule_name="r", schedule_expression="rate(1 day)", function=target)
    synthesized = synth_json(scope)
    (alias_id,) = resources(synthesized, "aws_lambda_alias")
    assert only(resources(synthesized, "aws_cloudwatch_event_target"))["arn"] == f"${{aws_lambda_alias.{alias_id}.arn}}"
    assert (
        only(resources(synthesized, "aws_lambda_permission"))["qualifier"] == f"${{aws_lambda_alias.{alias_id}.name}}"
    )


def test_scheduler_kms_key():
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert only(resources(_scheduler(kms_key_arn=key), "aws_scheduler_schedule"))["kms_key_arn"] == key
