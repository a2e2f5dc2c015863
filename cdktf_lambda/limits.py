"""Lambda and CloudWatch quotas, and the validators that enforce them at synth time.

Plain Python: usable (and tested) without jsii or a construct tree. Values known only at apply time (cdktf tokens of
every shape: strings, lists, maps, numbers) are never validated here (:func:`cdktf_lambda.tokens.is_token`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.tokens import is_token
from cdktf_lambda.types import ARCHITECTURES, RUNTIMES, TRACING_MODES, Architecture, PackagingMode, Runtime, TracingMode

__all__ = [
    "Architecture",
    "PackagingMode",
    "Runtime",
    "TracingMode",
    "ARCHITECTURES",
    "LOG_RETENTION_DAYS",
    "RUNTIMES",
    "MAX_LAYERS",
    "MAX_ZIP_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ENVIRONMENT_BYTES",
    "is_token",
    "validate_function_name",
    "validate_memory_size",
    "validate_timeout",
    "validate_log_retention_days",
    "validate_runtime",
    "validate_architecture",
    "validate_environment_variables",
    "validate_layers",
    "validate_role_arn",
    "validate_choice",
    "validate_description",
    "validate_reserved_concurrency",
    "tags_argument",
    "validate_tags",
    "validate_tracing_mode",
    "validate_int_range",
]


#: The values CloudWatch Logs accepts for ``retention_in_days`` (0 = never expire is not offered by Terraform).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

MIN_MEMORY_MB, MAX_MEMORY_MB = 128, 10240
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 1, 900
MAX_FUNCTION_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 256
#: Tags per resource, and the lengths of a key and a value (AWS's tagging limits).
MAX_TAGS, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH = 50, 128, 256
MAX_LAYERS = 5
#: Direct-upload limit of a function or layer zip.
MAX_ZIP_BYTES = 50 * 1024 * 1024
#: Function code plus all its layers, unzipped.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
#: Total size of all environment variable keys and values.
MAX_ENVIRONMENT_BYTES = 4 * 1024

_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_ENV_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: Keys the Lambda runtime sets itself; a function may not override them.
RESERVED_ENV_KEYS: frozenset[str] = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)
_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")
_LAYER_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:layer:[A-Za-z0-9_-]{1,140}:\d+$"
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_choice(parameter: str, value: Any, choices: Sequence[Any]) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise InvalidParameterError(parameter, value, "one of " + ", ".join(repr(c) for c in choices))


def validate_function_name(value: Any, parameter: str = "function_name") -> None:
    if is_token(value):
        return
    if not isinstance(value, str) or not value:
        raise InvalidParameterError(parameter, value, "a non-empty string")
    if len(value) > MAX_FUNCTION_NAME_LENGTH:
        raise InvalidParameterError(
            parameter, value, f"at most {MAX_FUNCTION_NAME_LENGTH} characters (got {len(value)})"
        )
    if not _FUNCTION_NAME.match(value):
        raise InvalidParameterError(parameter, value, "only letters, digits, hyphens and underscores")


def validate_memory_size(value: Any, parameter: str = "memory_size") -> None:
    if is_token(value):
        return
    if not _is_int(value) or not MIN_MEMORY_MB <= value <= MAX_MEMORY_MB:
        raise InvalidParameterError(parameter, value, f"an integer from {MIN_MEMORY_MB} to {MAX_MEMORY_MB} (MB)")


def validate_timeout(value: Any, parameter: str = "timeout") -> None:
    if is_token(value):
        return
    if not _is_int(value) or not MIN_TIMEOUT_S <= value <= MAX_TIMEOUT_S:
        raise InvalidParameterError(parameter, value, f"an integer from {MIN_TIMEOUT_S} to {MAX_TIMEOUT_S} (seconds)")


def validate_log_retention_days(value: Any, parameter: str = "log_retention_days") -> None:
    if is_token(value):
        return
    if not _is_int(value) or value not in LOG_RETENTION_DAYS:
        raise InvalidParameterError(parameter, value, "one of " + ", ".join(map(str, LOG_RETENTION_DAYS)))


def validate_runtime(value: Any, parameter: str = "runtime") -> None:
    if is_token(value):
        return
    if value not in RUNTIMES:
        raise InvalidParameterError(parameter, value, "a supported Python runtime: " + ", ".join(RUNTIMES))


def validate_architecture(value: Any, parameter: str = "architecture") -> None:
    validate_choice(parameter, value, ARCHITECTURES)


def validate_environment_variables(value: Any, parameter: str = "environment_variables") -> None:
    if is_token(value):
        return
    if not isinstance(value, Mapping):
        raise InvalidParameterError(parameter, value, "a mapping of str to str")
    total = 0
    for key, item in value.items():
        if not isinstance(key, str) or not _ENV_KEY.match(key):
            raise InvalidParameterError(f"{parameter} key", key, "a letter followed by letters, digits or underscores")
        if key in RESERVED_ENV_KEYS:
            raise InvalidParameterError(
                f"{parameter} key",
                key,
                "a key the Lambda runtime does not reserve (reserved: " + ", ".join(sorted(RESERVED_ENV_KEYS)) + ")",
            )
        if is_token(item):
            continue
        if not isinstance(item, str):
            raise InvalidParameterError(f"{parameter}[{key!r}]", item, "a string")
        total += len(key.encode()) + len(item.encode())
    if total > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterError(
            parameter, f"<{len(value)} variables, {total} bytes>", f"at most {MAX_ENVIRONMENT_BYTES} bytes in total"
        )


def validate_layers(value: Any, parameter: str = "layers") -> None:
    if is_token(value):
        return
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InvalidParameterError(parameter, value, "a list of layer version ARNs")
    if len(value) > MAX_LAYERS:
        raise InvalidParameterError(parameter, f"<{len(value)} layers>", f"at most {MAX_LAYERS} layers per function")
    for arn in value:
        if is_token(arn):
            continue
        if not isinstance(arn, str) or not _LAYER_ARN.match(arn):
            raise InvalidParameterError(
                f"{parameter} item", arn, "a layer version ARN like arn:aws:lambda:us-east-1:123456789012:layer:name:1"
            )


def validate_role_arn(value: Any, parameter: str = "execution_role_arn") -> None:
    if is_token(value):
        return
    if not isinstance(value, str) or not _ROLE_ARN.match(value):
        raise InvalidParameterError(parameter, value, "an IAM role ARN like arn:aws:iam::123456789012:role/name")


def validate_tags(value: Any, parameter: str = "tags") -> None:
    """At most 50 tags; keys 1–128 and values up to 256 characters; no key starting with ``aws:`` (reserved)."""
    if value is None or is_token(value):
        return
    if not isinstance(value, Mapping):
        raise InvalidParameterError(parameter, value, "a mapping of tag keys to values")
    if len(value) > MAX_TAGS:
        raise InvalidParameterError(parameter, f"<{len(value)} tags>", f"at most {MAX_TAGS} tags per resource")
    for key, item in value.items():
        if is_token(key):
            continue
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            shown = f"<{len(key)} characters>" if isinstance(key, str) and key else key
            raise InvalidParameterError(f"{parameter} key", shown, f"a string of 1 to {MAX_TAG_KEY_LENGTH} characters")
        if key.lower().startswith("aws:"):
            raise InvalidParameterError(f"{parameter} key", key, "a key not starting with 'aws:' (reserved by AWS)")
        if is_token(item):
            continue
        if not isinstance(item, str) or len(item) > MAX_TAG_VALUE_LENGTH:
            shown = f"<{len(item)} characters>" if isinstance(item, str) else item
            raise InvalidParameterError(
                f"{parameter}[{key!r}]", shown, f"a string of at most {MAX_TAG_VALUE_LENGTH} characters"
            )


def tags_argument(value: Any, parameter: str = "tags") -> Any:
    """Validated tags as a construct passes them on: a ``dict``, a token unchanged, or ``None`` when empty."""
    validate_tags(value, parameter)
    if is_token(value):
        return value
    return dict(value) if value else None


def validate_description(value: Any, parameter: str = "description") -> None:
    """``None`` or a string of at most 256 characters."""
    if value is None or is_token(value):
        return
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION_LENGTH:
        shown = value if not isinstance(value, str) else f"<{len(value)} characters>"
        raise InvalidParameterError(parameter, shown, f"a string of at most {MAX_DESCRIPTION_LENGTH} characters")


def validate_reserved_concurrency(value: Any, parameter: str = "reserved_concurrent_executions") -> None:
    """``None`` (unreserved) or an integer ≥ 0 (0 stops the function from running)."""
    if value is None or is_token(value):
        return
    if not _is_int(value) or value < 0:
        raise InvalidParameterError(parameter, value, "an integer of at least 0, or None (unreserved)")


def validate_tracing_mode(value: Any, parameter: str = "tracing_mode") -> None:
    """``None`` (Lambda's default, PassThrough) or one of :data:`TRACING_MODES`."""
    if value is None or is_token(value):
        return
    validate_choice(parameter, value, TRACING_MODES)


def validate_int_range(parameter: str, value: Any, low: int, high: int, unit: str) -> None:
    """``None`` (not set) or an integer from ``low`` to ``high``; the error names ``unit``."""
    if value is None or is_token(value):
        return
    if not _is_int(value) or not low <= value <= high:
        raise InvalidParameterError(parameter, value, f"an integer from {low} to {high} ({unit})")
