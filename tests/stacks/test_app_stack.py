"""The reference app stack: resources, names, permissions, outputs, portability and the snapshot."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda import AWS_PROVIDER_VERSION, cdk
from stacks import AppStack, AppStackConfig
from tests.conftest import PROJECT_ROOT, resources, synth_json

FUNCTIONS = ("api_server", "cron_server", "worker")


@pytest.fixture(scope="module")
def app_stack():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig())
    return stack, synth_json(stack)


def _by_name(synthesized, resource_type, key="function_name"):
    return {r[key]: r for r in resources(synthesized, resource_type).values()}


def test_snapshot(app_stack, snapshot):
    assert app_stack[1] == snapshot


def test_three_functions_named_project_env_function(app_stack):
    functions = _by_name(app_stack[1], "aws_lambda_function")
    assert sorted(functions) == ["practice-dev-api-server", "practice-dev-cron-server", "practice-dev-worker"]
    assert {f["handler"] for f in functions.values()} == {f"{n}.lambda_handler" for n in FUNCTIONS}


def test_log_groups_per_function_with_retention_14(app_stack):
    log_groups = _by_name(app_stack[1], "aws_cloudwatch_log_group", "name")
    assert sorted(log_groups) == sorted(f"/aws/lambda/practice-dev-{n.replace('_', '-')}" for n in FUNCTIONS)
    assert {g["retention_in_days"] for g in log_groups.values()} == {14}


def test_every_function_uses_the_practice_util_layer(app_stack):
    (layer_id,) = resources(app_stack[1], "aws_lambda_layer_version")
    for function in resources(app_stack[1], "aws_lambda_function").values():
        assert function["layers"] == [f"${{aws_lambda_layer_version.{layer_id}.arn}}"]


def test_each_function_has_its_own_role_trusting_lambda(app_stack):
    roles = resources(app_stack[1], "aws_iam_role")
    functions = resources(app_stack[1], "aws_lambda_function")
    assert len({f["role"] for f in functions.values()}) == 3
    for role in roles.values():
        trust = json.loads(role["assume_role_policy"])
        assert trust["Statement"] == [
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
        ]


def test_logs_permissions_are_scoped_to_the_functions_own_log_group(app_stack):
    synthesized = app_stack[1]
    log_group_ids = {
        g["name"].rsplit("/", 1)[1]: gid for gid, g in resources(synthesized, "aws_cloudwatch_log_group").items()
    }
    role_ids = {r["name"]: rid for rid, r in resources(synthesized, "aws_iam_role").items()}
    policies = resources(synthesized, "aws_iam_role_policy").values()
    assert len(policies) == 3
    for function_name, log_group_id in log_group_ids.items():
        role_ref = f"${{aws_iam_role.{role_ids[function_name + '-role']}.name}}"
        (policy,) = [p for p in policies if p["role"] == role_ref]
        (statement,) = json.loads(policy["policy"])["Statement"]
        assert statement["Resource"] == [f"${{aws_cloudwatch_log_group.{log_group_id}.arn}}:*"]
        assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


def test_environment_tells_the_code_where_it_runs(app_stack):
    for function in resources(app_stack[1], "aws_lambda_function").values():
        variables = function["environment"]["variables"]
        assert (variables["APP_NAME"], variables["ENVIRONMENT"], variables["LOG_LEVEL"]) == ("practice", "dev", "INFO")


def test_common_tags_through_provider_default_tags(app_stack):
    (aws,) = app_stack[1]["provider"]["aws"]
    assert aws["default_tags"] == [{"tags": {"Environment": "dev", "ManagedBy": "cdktf", "Project": "practice"}}]
    assert aws["region"] == "us-east-1"


def test_provider_constraint_admits_the_local_mirror_and_the_bindings_major(app_stack):
    assert app_stack[1]["terraform"]["required_providers"]["aws"] == {"source": "aws", "version": ">= 5.100, < 7"}
    assert AWS_PROVIDER_VERSION == ">= 5.100, < 7"


def test_state_path_is_relative(app_stack):
    assert app_stack[1]["terraform"]["backend"] == {"local": {"path": "../../../terraform.practice-dev.tfstate"}}


def test_outputs_for_every_function_arn_and_package_hash(app_stack):
    outputs = app_stack[1]["output"]
    for name in FUNCTIONS:
        assert outputs[f"{name}_function_arn"]["value"].endswith(".arn}")
        assert len(outputs[f"{name}_zip_hash"]["value"]) == 44
    assert outputs["api_server_invoke_arn"]["value"].endswith(".invoke_arn}")
    assert outputs["runtime_layer_arn"]["value"].startswith("${aws_lambda_layer_version.")


def test_no_absolute_path_of_this_machine(app_stack):
    text = json.dumps(app_stack[1])
    assert str(PROJECT_ROOT) not in text and '"/tmp' not in text and "/root" not in text


def test_synthesizing_twice_gives_identical_json(app_stack):
    again = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig())
    assert synth_json(again) == app_stack[1]


def test_archive_file_mode_stack_synthesizes_with_seed_output_dir():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig(packaging_mode="archive_file"))
    synthesized = synth_json(stack)
    outputs = sorted(a["output_path"] for a in synthesized["data"]["archive_file"].values())
    assert outputs == sorted(f"../../../out/{n}.zip" for n in (*FUNCTIONS, "practice_util"))
