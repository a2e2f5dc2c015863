"""HttpApi and FunctionUrl: CORS, access logs, and the function URL alternative."""

from __future__ import annotations

import pytest

from cdktf_lambda import CorsOptions, FunctionUrl, HttpApi, InvalidParameterError
from tests.cdktf_lambda._builders import function, stack
from tests.conftest import only, resources, synth_json

CORS = CorsOptions(allow_origins=("https://app.example.com",), max_age=600)


def test_cors_settings_reach_the_api():
    scope = stack()
    HttpApi(scope, "api", api_name="shop", function=function(scope), cors=CORS, access_log_retention_days=30)
    synthesized = synth_json(scope)
    api = only(resources(synthesized, "aws_apigatewayv2_api"))
    assert api["cors_configuration"] == {
        "allow_credentials": False,
        "allow_headers": ["content-type", "authorization"],
        "allow_methods": ["GET", "POST", "OPTIONS"],
        "allow_origins": ["https://app.example.com"],
        "max_age": 600,
    }
    log_group = next(
        g for g in resources(synthesized, "aws_cloudwatch_log_group").values() if "apigateway" in g["name"]
    )
    assert (log_group["name"], log_group["retention_in_days"]) == ("/aws/apigateway/shop", 30)


def test_no_cors_block_by_default():
    scope = stack()
    HttpApi(scope, "api", api_name="shop", function=function(scope))
    assert "cors_configuration" not in only(resources(synth_json(scope), "aws_apigatewayv2_api"))


def test_bad_access_log_retention_is_refused():
    scope = stack()
    with pytest.raises(InvalidParameterError, match="Invalid access_log_retention_days: 10"):
        HttpApi(scope, "api", api_name="shop", function=function(scope), access_log_retention_days=10)


def test_function_url_alternative():
    scope = stack()
    url = FunctionUrl(scope, "url", function=function(scope), authorization_type="NONE", cors=CORS)
    synthesized = synth_json(scope)
    resource = only(resources(synthesized, "aws_lambda_function_url"))
    assert resource["authorization_type"] == "NONE"
    assert resource["cors"]["allow_origins"] == ["https://app.example.com"]
    assert url.url.startswith("${TfToken")
    # Public only with the resource-based permission AWS requires (without it: 403 Forbidden).
    permission = only(resources(synthesized, "aws_lambda_permission"))
    assert (permission["action"], permission["principal"], permission["function_url_auth_type"]) == (
        "lambda:InvokeFunctionUrl",
        "*",
        "NONE",
    )


def test_an_aws_iam_function_url_grants_nothing_itself():
    scope = stack()
    assert FunctionUrl(scope, "url", function=function(scope)).permission is None
    assert "aws_lambda_permission" not in synth_json(scope)["resource"]


def test_function_url_auth_type_is_checked():
    scope = stack()
    with pytest.raises(InvalidParameterError, match="Invalid authorization_type: 'PUBLIC'"):
        FunctionUrl(scope, "url", function=function(scope), authorization_type="PUBLIC")
