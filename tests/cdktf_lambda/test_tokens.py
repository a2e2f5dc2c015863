"""Tokens of every shape pass synth-time validation: values Terraform knows only at apply time (variables,
remote state, other resources' attributes) are never checked, and the function gets them as they are."""

from __future__ import annotations

import pytest

from cdktf_lambda import (
    ExecutionRole,
    HttpApi,
    LambdaFastapiServer,
    LambdaPythonFunction,
    LayerInfo,
    QueueWorker,
    Schedule,
    cdk,
    is_token,
)
from tests.conftest import only, resources, synth_json

ROLE = "arn:aws:iam::123456789012:role/r"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:l:1"


def _variable(stack: cdk.TerraformStack, name: str, type_: str) -> cdk.TerraformVariable:
    return cdk.TerraformVariable(stack, name, type=type_)


@pytest.fixture
def stack() -> cdk.TerraformStack:
    return cdk.TerraformStack(cdk.Testing.app(), "tokens")


def _function(stack, **kwargs) -> LambdaPythonFunction:
    base = {
        "function_name": "f",
        "package_zip_path": "a.zip",
        "package_zip_hash": "aA==",
        "handler": "app.handler",
        "execution_role_arn": ROLE,
    }
    return LambdaPythonFunction(stack, kwargs.pop("id_", "fn"), **{**base, **kwargs})


SHAPES = {
    "string": lambda s: _variable(s, "v", "string").string_value,
    "list(string)": lambda s: _variable(s, "v", "list(string)").list_value,
    "Token.as_list": lambda s: cdk.Token.as_list(_variable(s, "v", "list(string)").value),
    "number": lambda s: _variable(s, "v", "number").number_value,
    "list(number)": lambda s: cdk.Token.as_number_list(_variable(s, "v", "list(number)").value),
    "map(string)": lambda s: cdk.Token.as_string_map(_variable(s, "v", "map(string)").value),
    "map(number)": lambda s: cdk.Token.as_number_map(_variable(s, "v", "map(number)").value),
    "map(any)": lambda s: cdk.Token.as_any_map(_variable(s, "v", "map(any)").value),
    "any": lambda s: _variable(s, "v", "any").value,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_is_token_agrees_with_cdktf(stack, shape):
    value = SHAPES[shape](stack)
    assert is_token(value) and cdk.Token.is_unresolved(value)


@pytest.mark.parametrize(
    "value", ["arn:aws:iam::123456789012:role/r", "", ["a", "b"], {"k": "v"}, 5, -1.5e289, 0.0, None, True]
)
def test_plain_values_are_not_tokens(value):
    assert not is_token(value)


def test_a_list_holding_a_token_is_checked_item_by_item(stack):
    token = SHAPES["string"](stack)
    assert not is_token([token, LAYER]) and not cdk.Token.is_unresolved([token, LAYER])
    assert is_token(token)


def test_layers_from_a_list_variable_are_passed_through(stack):
    layers = SHAPES["list(string)"](stack)
    _function(stack, layers=layers)
    function = only(resources(synth_json(stack), "aws_lambda_function"))
    assert function["layers"] == "${var.v}"


def test_layers_from_token_as_list_are_passed_through(stack):
    _function(stack, layers=SHAPES["Token.as_list"](stack))
    assert only(resources(synth_json(stack), "aws_lambda_function"))["layers"] == "${var.v}"


def test_a_list_variable_after_a_package_layer_is_concatenated(stack):
    from cdktf_lambda import PackageInfo

    package = PackageInfo("a.zip", "aA==", handler="app.handler", modules=("app",), layers=(LayerInfo(arn=LAYER),))
    LambdaPythonFunction(
        stack, "fn", function_name="f", package=package, execution_role_arn=ROLE, layers=SHAPES["list(string)"](stack)
    )
    layers = only(resources(synth_json(stack), "aws_lambda_function"))["layers"]
    assert layers == f'${{concat(["{LAYER}"], var.v)}}'


@pytest.mark.parametrize(
    ("parameter", "shape"),
    [
        ("function_name", "string"),
        ("execution_role_arn", "string"),
        ("memory_size", "number"),
        ("timeout", "number"),
        ("log_retention_days", "number"),
        ("reserved_concurrent_executions", "number"),
        ("environment_variables", "map(string)"),
        ("tags", "map(string)"),
        ("description", "string"),
        ("runtime", "string"),
    ],
)
def test_function_parameters_take_tokens(stack, parameter, shape):
    _function(stack, **{parameter: SHAPES[shape](stack)})
    assert only(resources(synth_json(stack), "aws_lambda_function"))


def test_secrets_merge_into_an_environment_map_variable(stack):
    _function(stack, environment_variables=SHAPES["map(string)"](stack), secret_environment_variables=("API_KEY",))
    variables = only(resources(synth_json(stack), "aws_lambda_function"))["environment"]["variables"]
    assert variables == '${merge(var.v, {"API_KEY" = var.f_API_KEY})}'


def test_queue_worker_schedule_and_api_take_tokens(stack):
    role = ExecutionRole(stack, "role", role_name="r", tags=SHAPES["map(string)"](stack))
    api = LambdaFastapiServer(
        stack, "api", function_name="a", package_zip_path="a.zip", package_zip_hash="aA==", execution_role_arn=role.arn
    )
    batch = cdk.TerraformVariable(stack, "batch", type="number").number_value
    QueueWorker(
        stack, "q", queue_name="q", function=api, role=role, batch_size=batch, maximum_batching_window_in_seconds=5
    )
    rate = cdk.TerraformVariable(stack, "rate", type="string").string_value
    Schedule(stack, "s", rule_name="r", schedule_expression=rate, function=api)
    HttpApi(stack, "http", api_name="api", function=api)
    synthesized = synth_json(stack)
    assert only(resources(synthesized, "aws_lambda_event_source_mapping"))["batch_size"] == "${var.batch}"
    assert only(resources(synthesized, "aws_cloudwatch_event_rule"))["schedule_expression"] == "${var.rate}"


def test_vpc_ids_known_only_at_apply_give_the_function_its_vpc_config(stack):
    """Subnets and security groups from a variable (a module's outputs) reach ``vpc_config`` as references."""
    subnets = _variable(stack, "subnets", "list(string)").list_value
    groups = _variable(stack, "groups", "list(string)").list_value
    _function(stack, vpc_subnet_ids=subnets, vpc_security_group_ids=groups)
    function = only(resources(synth_json(stack), "aws_lambda_function"))
    assert function["vpc_config"] == {"subnet_ids": "${var.subnets}", "security_group_ids": "${var.groups}"}
