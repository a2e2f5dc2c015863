"""LambdaFastapiServer / LambdaPythonFunction: the seed component's variables, defaults and outputs."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda import (
    HandlerNotFoundError,
    InvalidParameterError,
    LambdaFastapiServer,
    LambdaPythonFunction,
    LayerIncompatibleError,
    LayerInfo,
    PackageInfo,
    PackageTooLargeError,
    cdk,
)
from tests.conftest import only, resources, synth_json

ROLE = "arn:aws:iam::123456789012:role/practice-dev-api-server-role"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:practice-util:1"


def _stack():
    return cdk.TerraformStack(cdk.Testing.app(), "test")


@pytest.fixture(scope="module")
def defaults():
    """Only the seed's four required variables: everything else takes the seed's default."""
    stack = _stack()
    server = LambdaFastapiServer(
        stack,
        "api",
        function_name="practice-dev-api-server",
        package_zip_path="../../../out/api_server.zip",
        package_zip_hash="ZmFrZQ==",
        execution_role_arn=ROLE,
    )
    cdk.TerraformOutput(stack, "function_arn", value=server.function_arn)
    cdk.TerraformOutput(stack, "function_name", value=server.function_name)
    cdk.TerraformOutput(stack, "invoke_arn", value=server.invoke_arn)
    return server, synth_json(stack)


@pytest.fixture(scope="module")
def configured():
    """Every seed variable set to a non-default value."""
    stack = _stack()
    server = LambdaFastapiServer(
        stack,
        "api",
        function_name="orders-prod-api",
        package_zip_path="../../../out/orders.zip",
        package_zip_hash="b3JkZXJz",
        execution_role_arn=ROLE,
        handler="orders.lambda_handler",
        runtime="python3.12",
        memory_size=512,
        timeout=60,
        log_retention_days=30,
        environment_variables={"LOG_LEVEL": "DEBUG"},
        layers=[LAYER],
        tags={"Team": "orders"},
    )
    return server, synth_json(stack)


def test_function_takes_the_seed_defaults(defaults):
    function = only(resources(defaults[1], "aws_lambda_function"))
    assert function["handler"] == "api_server.lambda_handler"
    assert function["runtime"] == "python3.13"
    assert function["memory_size"] == 128
    assert function["timeout"] == 30
    assert "layers" not in function and "environment" not in function and "tags" not in function


def test_function_uses_the_package_and_role(defaults):
    function = only(resources(defaults[1], "aws_lambda_function"))
    assert function["function_name"] == "practice-dev-api-server"
    assert function["filename"] == "../../../out/api_server.zip"
    assert function["source_code_hash"] == "ZmFrZQ=="
    assert function["role"] == ROLE


def test_log_group_is_named_after_the_function_with_default_retention(defaults):
    log_group = only(resources(defaults[1], "aws_cloudwatch_log_group"))
    assert log_group["name"] == "/aws/lambda/practice-dev-api-server"
    assert log_group["retention_in_days"] == 14


def test_function_depends_on_its_log_group(defaults):
    (log_group_id,) = resources(defaults[1], "aws_cloudwatch_log_group")
    function = only(resources(defaults[1], "aws_lambda_function"))
    assert function["depends_on"] == [f"aws_cloudwatch_log_group.{log_group_id}"]


def test_outputs_reference_the_function(defaults):
    (function_id,) = resources(defaults[1], "aws_lambda_function")
    outputs = defaults[1]["output"]
    assert outputs["function_arn"]["value"] == f"${{aws_lambda_function.{function_id}.arn}}"
    assert outputs["function_name"]["value"] == f"${{aws_lambda_function.{function_id}.function_name}}"
    assert outputs["invoke_arn"]["value"] == f"${{aws_lambda_function.{function_id}.invoke_arn}}"


def test_underlying_resources_are_exposed(defaults):
    server = defaults[0]
    assert server.function.node.id == "function" and server.log_group.node.id == "log_group"


def test_every_seed_variable_is_passed_through(configured):
    function = only(resources(configured[1], "aws_lambda_function"))
    assert (function["handler"], function["runtime"]) == ("orders.lambda_handler", "python3.12")
    assert (function["memory_size"], function["timeout"]) == (512, 60)
    assert function["environment"] == {"variables": {"LOG_LEVEL": "DEBUG"}}
    assert function["layers"] == [LAYER]
    assert function["tags"] == {"Team": "orders"}
    log_group = only(resources(configured[1], "aws_cloudwatch_log_group"))
    assert (log_group["retention_in_days"], log_group["tags"]) == (30, {"Team": "orders"})


def test_package_info_replaces_the_two_package_arguments_and_brings_handler_and_layers():
    stack = _stack()
    package = PackageInfo(
        zip_path="assets/x/api.zip",
        zip_hash="aGFzaA==",
        handler="lambda_handler.lambda_handler",
        modules=("__init__", "lambda_handler"),
        layers=(LAYER,),
    )
    LambdaFastapiServer(
        stack, "api", function_name="f", package=package, execution_role_arn=ROLE, layers=[LAYER.replace(":1", ":2")]
    )
    function = only(resources(synth_json(stack), "aws_lambda_function"))
    assert (function["filename"], function["source_code_hash"]) == ("assets/x/api.zip", "aGFzaA==")
    assert function["handler"] == "lambda_handler.lambda_handler"
    assert function["layers"] == [LAYER, LAYER.replace(":1", ":2")]


def test_generic_function_requires_a_handler_without_a_package():
    with pytest.raises(InvalidParameterError, match="Invalid handler: None"):
        LambdaPythonFunction(
            _stack(),
            "fn",
            function_name="f",
            package_zip_path="a.zip",
            package_zip_hash="aA==",
            execution_role_arn=ROLE,
        )


BASE = {"function_name": "f", "package_zip_path": "a.zip", "package_zip_hash": "aA==", "execution_role_arn": ROLE}


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"function_name": "bad name"}, InvalidParameterError, "Invalid function_name: 'bad name'"),
        ({"memory_size": 64}, InvalidParameterError, "Invalid memory_size: 64"),
        ({"timeout": 1000}, InvalidParameterError, "Invalid timeout: 1000"),
        ({"log_retention_days": 15}, InvalidParameterError, "Invalid log_retention_days: 15"),
        ({"runtime": "nodejs20.x"}, InvalidParameterError, "Invalid runtime: 'nodejs20.x'"),
        ({"layers": [LAYER] * 6}, InvalidParameterError, "at most 5 layers"),
        ({"execution_role_arn": "my-role"}, InvalidParameterError, "Invalid execution_role_arn: 'my-role'"),
        ({"environment_variables": {"AWS_REGION": "x"}}, InvalidParameterError, "key: 'AWS_REGION'"),
        ({"package_zip_path": ""}, InvalidParameterError, "Invalid package_zip_path: ''"),
        ({"handler": "nohandler"}, InvalidParameterError, "Invalid handler: 'nohandler'"),
        ({"tracing_mode": "On"}, InvalidParameterError, "Invalid tracing_mode: 'On'"),
        (
            {"package": PackageInfo("a.zip", "aA==", modules=("api_server",)), "package_zip_path": "b.zip"},
            InvalidParameterError,
            "either package= or package_zip_path=",
        ),
    ],
)
def test_invalid_arguments_raise_before_any_resource(overrides, error, message):
    stack = _stack()
    kwargs = {**BASE, **overrides}
    if "package" in overrides:
        kwargs.pop("package_zip_hash")
    with pytest.raises(error, match=message):
        LambdaFastapiServer(stack, "api", **kwargs)
    assert "resource" not in synth_json(stack)


def test_handler_that_matches_no_module_of_the_package_is_refused():
    package = PackageInfo("a.zip", "aA==", handler="api_server.lambda_handler", modules=("__init__", "api_server"))
    with pytest.raises(HandlerNotFoundError, match=r"handler='apiserver.lambda_handler' names module 'apiserver'"):
        LambdaFastapiServer(
            _stack(),
            "api",
            function_name="f",
            package=package,
            execution_role_arn=ROLE,
            handler="apiserver.lambda_handler",
        )


def test_synthesized_json_is_plain_data(defaults):
    json.dumps(defaults[1])  # no tokens left unresolved as objects
    assert "${TfToken" not in json.dumps(defaults[1])


ARM_LAYER = LayerInfo(arn=LAYER, compatible_runtimes=("python3.13",), compatible_architectures=("arm64",), name="deps")


def test_architecture_follows_the_layers():
    stack = _stack()
    LambdaFastapiServer(stack, "api", **BASE, layers=[ARM_LAYER])
    function = only(resources(synth_json(stack), "aws_lambda_function"))
    assert function["architectures"] == ["arm64"]


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"architecture": "x86_64"}, LayerIncompatibleError, "built for arm64, not for the function's architecture"),
        ({"runtime": "python3.12"}, LayerIncompatibleError, "built for python3.13, not for the function's runtime"),
    ],
)
def test_incompatible_layer_is_refused(overrides, error, message):
    with pytest.raises(error, match=message):
        LambdaFastapiServer(_stack(), "api", **BASE, layers=[ARM_LAYER], **overrides)


def test_code_and_layers_over_250_mb_unzipped_are_refused():
    big = LayerInfo(arn=LAYER, unzipped_size=200 * 2**20, name="deps")
    package = PackageInfo(
        "a.zip", "aA==", handler="api_server.lambda_handler", modules=("api_server",), unzipped_size=60 * 2**20
    )
    with pytest.raises(PackageTooLargeError, match=r"260.0 MiB unzipped \(function code 60.0 MiB, layer deps 200.0"):
        LambdaFastapiServer(_stack(), "api", function_name="f", package=package, execution_role_arn=ROLE, layers=[big])
