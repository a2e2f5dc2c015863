"""Validators of Lambda quotas: every bad value raises InvalidParameterError naming the parameter and value."""

from __future__ import annotations

import re

import pytest

from cdktf_lambda import limits
from cdktf_lambda.errors import InvalidParameterError

TOKEN = "${TfToken[TOKEN.12]}"


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    [
        (limits.validate_function_name, "", "Invalid function_name: ''. Allowed: a non-empty string"),
        (limits.validate_function_name, "x" * 65, "Invalid function_name: 'x{65}'. Allowed: at most 64 characters"),
        (limits.validate_function_name, "my function", "Allowed: only letters, digits, hyphens and underscores"),
        (limits.validate_function_name, "fn.v2", "Allowed: only letters, digits, hyphens and underscores"),
        (limits.validate_memory_size, 127, "Invalid memory_size: 127. Allowed: an integer from 128 to 10240"),
        (limits.validate_memory_size, 10241, "Invalid memory_size: 10241"),
        (limits.validate_memory_size, "256", "Invalid memory_size: '256'"),
        (limits.validate_memory_size, True, "Invalid memory_size: True"),
        (limits.validate_timeout, 0, "Invalid timeout: 0. Allowed: an integer from 1 to 900"),
        (limits.validate_timeout, 901, "Invalid timeout: 901"),
        (limits.validate_timeout, 2.5, "Invalid timeout: 2.5"),
        (limits.validate_log_retention_days, 15, "Invalid log_retention_days: 15. Allowed: one of 1, 3, 5, 7, 14"),
        (limits.validate_log_retention_days, 0, "Invalid log_retention_days: 0"),
        (limits.validate_runtime, "python2.7", "Invalid runtime: 'python2.7'. Allowed: a supported Python runtime"),
        (limits.validate_runtime, "nodejs20.x", "Invalid runtime: 'nodejs20.x'"),
        (limits.validate_runtime, "python3.9", "Invalid runtime: 'python3.9'"),
        (limits.validate_architecture, "x86", "Invalid architecture: 'x86'. Allowed: one of 'x86_64', 'arm64'"),
        (limits.validate_environment_variables, {"AWS_REGION": "x"}, "Invalid environment_variables key: 'AWS_REGION'"),
        (limits.validate_environment_variables, {"_HANDLER": "x"}, "Invalid environment_variables key: '_HANDLER'"),
        (limits.validate_environment_variables, {"1ABC": "x"}, "Allowed: a letter followed by letters, digits"),
        (limits.validate_environment_variables, {"MY-VAR": "x"}, "Invalid environment_variables key: 'MY-VAR'"),
        (
            limits.validate_environment_variables,
            {"A": 1},
            "Invalid environment_variables\\['A'\\]: 1. Allowed: a string",
        ),
        (limits.validate_environment_variables, {"BIG": "x" * 4100}, "Allowed: at most 4096 bytes in total"),
        (limits.validate_layers, ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"] * 6, "at most 5 layers"),
        (limits.validate_layers, ["arn:aws:lambda:us-east-1:123456789012:layer:l"], "Invalid layers item"),
        (limits.validate_layers, "arn:aws:lambda:us-east-1:123456789012:layer:l:1", "Allowed: a list of layer"),
        (limits.validate_role_arn, "arn:aws:iam::123:role/x", "Invalid execution_role_arn: 'arn:aws:iam::123:role/x'"),
        (limits.validate_role_arn, "arn:aws:iam::123456789012:user/x", "Allowed: an IAM role ARN"),
        (limits.validate_tags, {f"k{i}": "v" for i in range(51)}, "Invalid tags: '<51 tags>'. Allowed: at most 50"),
        (limits.validate_tags, {"aws:cost": "x"}, "Invalid tags key: 'aws:cost'. Allowed: a key not starting with"),
        (limits.validate_tags, {"AWS:cost": "x"}, "Invalid tags key: 'AWS:cost'"),
        (limits.validate_tags, {"": "x"}, "Invalid tags key: ''. Allowed: a string of 1 to 128 characters"),
        (limits.validate_tags, {"k" * 129: "x"}, "Invalid tags key: '<129 characters>'. Allowed: a string of 1 to 128"),
        (
            limits.validate_tags,
            {"team": "v" * 257},
            "Invalid tags['team']: '<257 characters>'. Allowed: a string of at most 256",
        ),
        (limits.validate_tags, {"team": 7}, "Invalid tags['team']: 7. Allowed: a string"),
        (limits.validate_tags, ["team"], "Invalid tags: ['team']. Allowed: a mapping"),
        (limits.validate_description, "d" * 257, "Invalid description: '<257 characters>'. Allowed: a string of at"),
        (limits.validate_description, 5, "Invalid description: 5"),
        (limits.validate_reserved_concurrency, -1, "Invalid reserved_concurrent_executions: -1. Allowed: an integer"),
        (limits.validate_reserved_concurrency, 1.5, "Invalid reserved_concurrent_executions: 1.5"),
        (limits.validate_tracing_mode, "active", "Invalid tracing_mode: 'active'. Allowed: one of 'Active', "),
    ],
)
def test_bad_values_raise_clear_errors(validator, value, message):
    with pytest.raises(
        InvalidParameterError, match=message if "\\" in message or "{" in message else re.escape(message)
    ):
        validator(value)


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (limits.validate_function_name, "practice-dev-api_server"),
        (limits.validate_function_name, "x" * 64),
        (limits.validate_memory_size, 128),
        (limits.validate_memory_size, 10240),
        (limits.validate_timeout, 1),
        (limits.validate_timeout, 900),
        (limits.validate_log_retention_days, 14),
        (limits.validate_runtime, "python3.13"),
        (limits.validate_runtime, "python3.12"),
        (limits.validate_architecture, "arm64"),
        (limits.validate_environment_variables, {"LOG_LEVEL": "INFO", "APP_NAME": "x" * 4000}),
        (limits.validate_layers, ["arn:aws:lambda:eu-west-1:123456789012:layer:my-layer:3"] * 5),
        (limits.validate_role_arn, "arn:aws:iam::123456789012:role/service-role/my-role"),
        (limits.validate_tags, {f"k{i}": "v" * 256 for i in range(50)}),
        (limits.validate_tags, {"k" * 128: ""}),
        (limits.validate_tags, None),
        (limits.validate_description, "d" * 256),
        (limits.validate_reserved_concurrency, 0),
        (limits.validate_reserved_concurrency, None),
        (limits.validate_tracing_mode, "PassThrough"),
        # string tokens without jsii (tokens of every shape, with jsii: test_tokens.py)
        (limits.validate_function_name, TOKEN),
        (limits.validate_role_arn, TOKEN),
        (limits.validate_layers, [TOKEN]),
    ],
)
def test_good_values_and_tokens_pass(validator, value):
    validator(value)


def test_error_is_a_value_error_with_structured_fields():
    with pytest.raises(ValueError) as caught:
        limits.validate_memory_size(64)
    error = caught.value
    assert isinstance(error, InvalidParameterError)
    assert (error.parameter, error.value) == ("memory_size", 64)
