"""The production options of LambdaPythonFunction: the JSON each produces, what the role gets, what is refused."""

from __future__ import annotations

import json
import re

import pytest

from cdktf_lambda import (
    ExecutionRole,
    FunctionUrl,
    HttpApi,
    InvalidParameterError,
    LambdaPythonFunction,
    QueueWorker,
    cdk,
)
from cdktf_lambda.function.options import lambda_log_level
from cdktf_lambda.function.permissions import resolved_in
from tests.cdktf_lambda._builders import ROLE_ARN, stack
from tests.conftest import only, resources, synth_json

BASE = {
    "function_name": "orders",
    "package_zip_path": "a.zip",
    "package_zip_hash": "aA==",
    "handler": "worker.lambda_handler",
}
SUBNET, GROUP = "subnet-0123456789abcdef0", "sg-0123456789abcdef0"
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders-done"


def _build(**options):
    scope = stack()
    role = ExecutionRole(scope, "role", role_name="orders-role")
    fn = LambdaPythonFunction(scope, "fn", **BASE, role=role, **options)
    return scope, role, fn


@pytest.fixture(scope="module")
def full():
    """Every option set, as a demanding team would."""
    scope = stack()
    role = ExecutionRole(scope, "role", role_name="orders-role")
    queue = cdk.SqsQueue(scope, "failures", name="orders-failures")
    fn = LambdaPythonFunction(
        scope,
        "fn",
        **BASE,
        role=role,
        runtime="python3.13",
        publish=True,
        alias_name="live",
        snap_start=True,
        logging_log_format="JSON",
        logging_application_log_level="WARN",
        logging_system_log_level="DEBUG",
        recursive_loop="Terminate",
        maximum_retry_attempts=1,
        maximum_event_age_in_seconds=600,
        destination_on_success=TOPIC,
        destination_on_failure=queue.arn,
        vpc_subnet_ids=[SUBNET],
        vpc_security_group_ids=[GROUP],
    )
    HttpApi(scope, "api", api_name="orders", function=fn)
    FunctionUrl(scope, "url", function=fn)
    QueueWorker(scope, "jobs", queue_name="jobs", function=fn, role=role)
    cdk.TerraformOutput(scope, "alias_arn", value=fn.alias_arn)
    cdk.TerraformOutput(scope, "alias_invoke_arn", value=fn.alias_invoke_arn)
    return fn, synth_json(scope)


def _id(synthesized, resource_type):
    (logical_id,) = resources(synthesized, resource_type)
    return logical_id


def _queue_id(synthesized, name="orders-failures"):
    (queue_id,) = [k for k, q in resources(synthesized, "aws_sqs_queue").items() if q["name"] == name]
    return queue_id


def _policy(synthesized, name):
    (policy,) = [p for p in resources(synthesized, "aws_iam_role_policy").values() if p["name"] == name]
    return json.loads(policy["policy"])["Statement"]


# ------------------------------------------------------------------------------------------------ defaults


def test_defaults_add_text_logs_into_the_own_log_group_and_512_mb_of_storage():
    scope, _, _ = _build()
    synthesized = synth_json(scope)
    function = only(resources(synthesized, "aws_lambda_function"))
    assert function["logging_config"] == {"log_format": "Text", "log_group": "/aws/lambda/orders"}
    assert function["ephemeral_storage"] == {"size": 512}
    assert not {"publish", "snap_start", "vpc_config"} & set(function)
    extras = ("aws_lambda_alias", "aws_lambda_function_event_invoke_config", "aws_lambda_function_recursion_config")
    assert not set(extras) & set(synthesized["resource"])


def test_without_an_alias_consumers_invoke_the_function():
    scope, _, fn = _build()
    assert (fn.qualifier, fn.alias_arn, fn.alias_invoke_arn) == (None, None, None)
    targets = [resolved_in(scope, value) for value in (fn.invoke_target_arn, fn.invoke_target_invoke_arn)]
    function_id = _id(synth_json(scope), "aws_lambda_function")
    assert targets == [
        f"${{aws_lambda_function.{function_id}.arn}}",
        f"${{aws_lambda_function.{function_id}.invoke_arn}}",
    ]


# ------------------------------------------------------------------------------------------------ the JSON


def test_publish_and_snap_start_on_published_versions(full):
    function = only(resources(full[1], "aws_lambda_function"))
    assert (function["publish"], function["snap_start"]) == (True, {"apply_on": "PublishedVersions"})


def test_alias_points_at_the_published_version(full):
    function_id = _id(full[1], "aws_lambda_function")
    alias = only(resources(full[1], "aws_lambda_alias"))
    assert (alias["name"], alias["function_version"]) == ("live", f"${{aws_lambda_function.{function_id}.version}}")


def test_alias_arn_and_invoke_arn_attributes(full):
    alias_id = _id(full[1], "aws_lambda_alias")
    assert full[1]["output"]["alias_arn"]["value"] == f"${{aws_lambda_alias.{alias_id}.arn}}"
    assert full[1]["output"]["alias_invoke_arn"]["value"] == f"${{aws_lambda_alias.{alias_id}.invoke_arn}}"


def test_json_logging_config_with_both_levels(full):
    assert only(resources(full[1], "aws_lambda_function"))["logging_config"] == {
        "log_format": "JSON",
        "log_group": "/aws/lambda/orders",
        "application_log_level": "WARN",
        "system_log_level": "DEBUG",
    }


def test_json_logs_default_to_info_levels():
    scope, _, _ = _build(logging_log_format="JSON")
    config = only(resources(synth_json(scope), "aws_lambda_function"))["logging_config"]
    assert (config["application_log_level"], config["system_log_level"]) == ("INFO", "INFO")


def test_recursion_config(full):
    function_id = _id(full[1], "aws_lambda_function")
    assert only(resources(full[1], "aws_lambda_function_recursion_config")) == {
        "function_name": f"${{aws_lambda_function.{function_id}.function_name}}",
        "recursive_loop": "Terminate",
    }


def test_async_config_on_the_alias_with_both_destinations(full):
    config = only(resources(full[1], "aws_lambda_function_event_invoke_config"))
    queue_id = _queue_id(full[1])
    assert config["qualifier"] == f"${{aws_lambda_alias.{_id(full[1], 'aws_lambda_alias')}.name}}"
    assert (config["maximum_retry_attempts"], config["maximum_event_age_in_seconds"]) == (1, 600)
    assert config["destination_config"] == {
        "on_success": {"destination": TOPIC},
        "on_failure": {"destination": f"${{aws_sqs_queue.{queue_id}.arn}}"},
    }


def test_the_role_gets_exactly_the_permission_each_destination_needs(full):
    queue_id = _queue_id(full[1])
    assert _policy(full[1], "destinations") == [
        {"Action": ["sns:Publish"], "Effect": "Allow", "Resource": [TOPIC]},
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": [f"${{aws_sqs_queue.{queue_id}.arn}}"]},
    ]


@pytest.mark.parametrize(
    ("destination", "action"),
    [
        ("arn:aws:sqs:us-east-1:123456789012:q", "sqs:SendMessage"),
        ("arn:aws:sns:us-east-1:123456789012:t", "sns:Publish"),
        ("arn:aws:lambda:us-east-1:123456789012:function:next", "lambda:InvokeFunction"),
        ("arn:aws:events:us-east-1:123456789012:event-bus/orders", "events:PutEvents"),
    ],
)
def test_destination_permission_by_service(destination, action):
    scope, _, _ = _build(destination_on_failure=destination)
    assert _policy(synth_json(scope), "destinations") == [
        {"Action": [action], "Effect": "Allow", "Resource": [destination]}
    ]


def test_vpc_config_and_network_interface_permissions(full):
    synthesized = full[1]
    function = only(resources(synthesized, "aws_lambda_function"))
    assert function["vpc_config"] == {"subnet_ids": [SUBNET], "security_group_ids": [GROUP]}
    create, manage, describe = _policy(synthesized, "vpc_access")
    assert create["Action"] == ["ec2:CreateNetworkInterface"]
    assert create["Resource"] == [
        f"arn:aws:ec2:*:*:subnet/{SUBNET}",
        f"arn:aws:ec2:*:*:security-group/{GROUP}",
        "arn:aws:ec2:*:*:network-interface/*",
    ]
    assert manage == {
        "Action": ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
        "Effect": "Allow",
        "Resource": ["arn:aws:ec2:*:*:network-interface/*"],
    }
    assert describe == {
        "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        "Effect": "Allow",
        "Resource": "*",
    }, "the two describe actions have no resource-level permissions"


def test_function_in_a_vpc_waits_for_its_network_permissions(full):
    function = only(resources(full[1], "aws_lambda_function"))
    (vpc_policy_id,) = [k for k, p in resources(full[1], "aws_iam_role_policy").items() if p["name"] == "vpc_access"]
    assert f"aws_iam_role_policy.{vpc_policy_id}" in function["depends_on"]


def test_ephemeral_storage_size():
    scope, _, _ = _build(ephemeral_storage_size=10240)
    assert only(resources(synth_json(scope), "aws_lambda_function"))["ephemeral_storage"] == {"size": 10240}


def test_provisioned_concurrency_on_the_alias():
    scope, _, _ = _build(publish=True, alias_name="live", provisioned_concurrent_executions=5)
    synthesized = synth_json(scope)
    config = only(resources(synthesized, "aws_lambda_provisioned_concurrency_config"))
    assert config["qualifier"] == f"${{aws_lambda_alias.{_id(synthesized, 'aws_lambda_alias')}.name}}"
    assert config["provisioned_concurrent_executions"] == 5


# ------------------------------------------------------------------------------------------------ consumers


def test_http_api_integrates_the_alias_and_scopes_its_permission(full):
    alias_id = _id(full[1], "aws_lambda_alias")
    integration = only(resources(full[1], "aws_apigatewayv2_integration"))
    assert integration["integration_uri"] == f"${{aws_lambda_alias.{alias_id}.invoke_arn}}"
    (permission,) = [p for p in resources(full[1], "aws_lambda_permission").values()]
    assert permission["qualifier"] == f"${{aws_lambda_alias.{alias_id}.name}}"


def test_function_url_serves_the_alias(full):
    url = only(resources(full[1], "aws_lambda_function_url"))
    assert url["qualifier"] == f"${{aws_lambda_alias.{_id(full[1], 'aws_lambda_alias')}.name}}"


def test_queue_worker_maps_the_queue_to_the_alias(full):
    mapping = only(resources(full[1], "aws_lambda_event_source_mapping"))
    assert mapping["function_name"] == f"${{aws_lambda_alias.{_id(full[1], 'aws_lambda_alias')}.arn}}"


# ------------------------------------------------------------------------------------------------ the role API


def test_grant_configuration_access_for_a_role_passed_by_arn():
    scope = stack()
    role = ExecutionRole(scope, "role", role_name="r")
    fn = LambdaPythonFunction(scope, "fn", **BASE, execution_role_arn=ROLE_ARN, destination_on_failure=TOPIC)
    assert "aws_iam_role_policy" not in synth_json(scope)["resource"], "nothing granted without role="
    assert sorted(fn.grant_configuration_access(role)) == ["destinations"]
    assert _policy(synth_json(scope), "destinations")[0]["Action"] == ["sns:Publish"]


def test_role_and_execution_role_arn_are_exclusive():
    scope = stack()
    role = ExecutionRole(scope, "role", role_name="r")
    with pytest.raises(InvalidParameterError, match="Invalid role: .*either role= or execution_role_arn="):
        LambdaPythonFunction(scope, "fn", **BASE, role=role, execution_role_arn=ROLE_ARN)


def test_a_destination_token_of_unknown_type_is_refused_by_name():
    scope = stack()
    variable = cdk.TerraformVariable(scope, "target", type="string")
    role = ExecutionRole(scope, "role", role_name="r")
    with pytest.raises(InvalidParameterError, match=r"Invalid destination_on_failure: '\$\{var.target\}'"):
        LambdaPythonFunction(scope, "fn", **BASE, role=role, destination_on_failure=variable.string_value)


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"snap_start": True, "publish": True, "runtime": "python3.11"},
            "Invalid snap_start: True. Allowed: False for runtime='python3.11': SnapStart supports Python 3.12 and "
            "later",
        ),
        ({"snap_start": True}, "Invalid snap_start: True. Allowed: True only with publish=True"),
        (
            {"snap_start": True, "publish": True, "alias_name": "live", "provisioned_concurrent_executions": 2},
            "Allowed: False with provisioned_concurrent_executions: Lambda does not support SnapStart with "
            "provisioned concurrency",
        ),
        (
            {"snap_start": True, "publish": True, "ephemeral_storage_size": 1024},
            "SnapStart does not support ephemeral storage greater than 512 MB",
        ),
        (
            {"provisioned_concurrent_executions": 2},
            "Invalid provisioned_concurrent_executions: 2. Allowed: a value only with alias_name=",
        ),
        (
            {"publish": True, "alias_name": "live", "provisioned_concurrent_executions": 0},
            "Invalid provisioned_concurrent_executions: 0",
        ),
        ({"alias_name": "live"}, "Invalid alias_name: 'live'. Allowed: an alias only with publish=True"),
        ({"publish": True, "alias_name": "123"}, "Invalid alias_name: '123'"),
        ({"logging_log_format": "XML"}, "Invalid logging_log_format: 'XML'. Allowed: one of 'Text', 'JSON'"),
        (
            {"logging_log_format": "JSON", "logging_application_log_level": "LOUD"},
            "Invalid logging_application_log_level: 'LOUD'",
        ),
        (
            {"logging_log_format": "JSON", "logging_system_log_level": "ERROR"},
            "Invalid logging_system_log_level: 'ERROR'",
        ),
        (
            {"logging_application_log_level": "WARN"},
            "Invalid logging_application_log_level: 'WARN'. Allowed: a log level only with logging_log_format='JSON'",
        ),
        ({"recursive_loop": "Maybe"}, "Invalid recursive_loop: 'Maybe'. Allowed: one of 'Allow', 'Terminate'"),
        ({"maximum_retry_attempts": 3}, "Invalid maximum_retry_attempts: 3. Allowed: an integer from 0 to 2"),
        (
            {"maximum_event_age_in_seconds": 59},
            "Invalid maximum_event_age_in_seconds: 59. Allowed: an integer from 60 to 21600",
        ),
        ({"maximum_event_age_in_seconds": 21601}, "Invalid maximum_event_age_in_seconds: 21601"),
        ({"destination_on_failure": "arn:aws:s3:::bucket"}, "Invalid destination_on_failure: 'arn:aws:s3:::bucket'"),
        ({"destination_on_success": "orders-queue"}, "Invalid destination_on_success: 'orders-queue'"),
        ({"ephemeral_storage_size": 511}, "Invalid ephemeral_storage_size: 511. Allowed: an integer from 512 to 10240"),
        ({"ephemeral_storage_size": 10241}, "Invalid ephemeral_storage_size: 10241"),
        (
            {"vpc_subnet_ids": [SUBNET]},
            "Invalid vpc_subnet_ids: .*both or neither: vpc_subnet_ids needs vpc_security_group_ids",
        ),
        ({"vpc_security_group_ids": [GROUP]}, "Invalid vpc_security_group_ids: .*needs vpc_subnet_ids"),
        ({"vpc_subnet_ids": ["net-1"], "vpc_security_group_ids": [GROUP]}, "Invalid vpc_subnet_ids item: 'net-1'"),
        ({"vpc_subnet_ids": [], "vpc_security_group_ids": [GROUP]}, "Invalid vpc_subnet_ids: \\[\\]"),
    ],
)
def test_refused_with_the_parameter_named(options, message):
    scope = stack()
    with pytest.raises(
        InvalidParameterError, match=message if "\\" in message or ".*" in message else re.escape(message)
    ):
        LambdaPythonFunction(scope, "fn", **BASE, execution_role_arn=ROLE_ARN, **options)
    assert synth_json(scope).get("resource", {}) == {}, "nothing half-built"


def test_snap_start_on_arm64_is_accepted():
    """Lambda's current documentation lists no architecture limit for SnapStart (arm64 is supported)."""
    scope, _, _ = _build(snap_start=True, publish=True, architecture="arm64")
    assert only(resources(synth_json(scope), "aws_lambda_function"))["architectures"] == ["arm64"]


def test_tokens_are_not_validated():
    scope = stack()
    size = cdk.TerraformVariable(scope, "size", type="number")
    LambdaPythonFunction(scope, "fn", **BASE, execution_role_arn=ROLE_ARN, ephemeral_storage_size=size.number_value)
    assert only(resources(synth_json(scope), "aws_lambda_function"))["ephemeral_storage"] == {"size": "${var.size}"}


@pytest.mark.parametrize(
    ("python", "lambda_level"),
    [
        ("DEBUG", "DEBUG"),
        ("INFO", "INFO"),
        ("WARNING", "WARN"),
        ("ERROR", "ERROR"),
        ("CRITICAL", "FATAL"),
        ("info", "INFO"),
    ],
)
def test_python_level_names_map_to_lambda_levels(python, lambda_level):
    assert lambda_log_level(python) == lambda_level


def test_unknown_python_level_is_refused():
    with pytest.raises(InvalidParameterError, match="Invalid log_level: 'LOUD'"):
        lambda_log_level("LOUD")
