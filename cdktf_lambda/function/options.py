"""The production options of a function, validated together: versions and alias, SnapStart, provisioned concurrency,
logging controls, the recursion guard, asynchronous invocation, ephemeral storage and VPC.

Plain Python (no jsii): the keyword names are terraform-aws-modules/lambda's. Values known only at apply time
(tokens) are not validated. Combinations Lambda refuses are refused here, each with the reason Lambda gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.limits import validate_choice, validate_int_range
from cdktf_lambda.tokens import is_token
from cdktf_lambda.types import (
    APPLICATION_LOG_LEVELS,
    LOG_FORMATS,
    RECURSIVE_LOOPS,
    SYSTEM_LOG_LEVELS,
    ApplicationLogLevel,
    LogFormat,
    RecursiveLoop,
    SystemLogLevel,
)

__all__ = [
    "ApplicationLogLevel",
    "DESTINATION_ACTIONS",
    "FunctionOptions",
    "LogFormat",
    "RecursiveLoop",
    "SNAP_START_RUNTIMES",
    "SystemLogLevel",
    "destination_service",
    "lambda_log_level",
]


#: Python runtimes Lambda SnapStart supports (Python 3.12 and later).
SNAP_START_RUNTIMES: tuple[str, ...] = ("python3.12", "python3.13", "python3.14")
MIN_EPHEMERAL_MB, MAX_EPHEMERAL_MB = 512, 10240
MAX_RETRY_ATTEMPTS = 2
MIN_EVENT_AGE_S, MAX_EVENT_AGE_S = 60, 21600
#: The one permission the execution role needs per destination service (Lambda sends as the function's role).
DESTINATION_ACTIONS: dict[str, str] = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
}
#: Terraform resource types whose ``arn`` is a valid destination, by service.
DESTINATION_RESOURCE_TYPES: dict[str, str] = {
    "aws_sqs_queue": "sqs",
    "aws_sns_topic": "sns",
    "aws_lambda_function": "lambda",
    "aws_lambda_alias": "lambda",
    "aws_cloudwatch_event_bus": "events",
}
_DESTINATION_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:(?P<service>sqs|sns|lambda|events):[a-z0-9-]+:\d{12}:\S+$")
_ALIAS_NAME = re.compile(r"^(?!\d+$)[A-Za-z0-9_-]{1,128}$")
_REFERENCE = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.[A-Za-z0-9_-]+\.arn\}$")
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8,17}$")
#: Python ``logging`` level names → Lambda's application log levels.
_PYTHON_LEVELS = {"NOTSET": "TRACE", "DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "WARN": "WARN"}
_PYTHON_LEVELS |= {"ERROR": "ERROR", "CRITICAL": "FATAL", "FATAL": "FATAL"}


def lambda_log_level(python_level: str) -> ApplicationLogLevel:
    """Lambda's application log level for a Python ``logging`` level name (``WARNING`` → ``WARN``,
    ``CRITICAL`` → ``FATAL``, ``NOTSET`` → ``TRACE``; the others are the same word)."""
    level = _PYTHON_LEVELS.get(str(python_level).upper())
    if level is None:
        raise InvalidParameterError("log_level", python_level, "a Python logging level: " + ", ".join(_PYTHON_LEVELS))
    return level  # type: ignore[return-value]


def destination_service(parameter: str, arn: Any, resolved: Any = None) -> str | None:
    """``sqs``/``sns``/``lambda``/``events`` for a destination ARN; ``None`` for a token whose resource type is not
    known. ``resolved`` is the token resolved in its stack (``${aws_sqs_queue.q.arn}``), which names the type."""
    if is_token(arn):
        match = _REFERENCE.match(resolved) if isinstance(resolved, str) else None
        return DESTINATION_RESOURCE_TYPES.get(match["type"]) if match else None
    match = _DESTINATION_ARN.match(arn) if isinstance(arn, str) else None
    if match is None:
        raise InvalidParameterError(
            parameter, arn, "the ARN of an SQS queue, SNS topic, Lambda function or EventBridge event bus"
        )
    return match["service"]


def _check_ids(parameter: str, value: Any, pattern: re.Pattern[str], example: str) -> None:
    if value is None or is_token(value):
        return
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise InvalidParameterError(parameter, value, f"a non-empty list of IDs like {example!r}")
    for item in value:
        if not is_token(item) and (not isinstance(item, str) or not pattern.match(item)):
            raise InvalidParameterError(f"{parameter} item", item, f"an ID like {example!r}")


@dataclass(frozen=True)
class FunctionOptions:
    """The production options of :class:`~cdktf_lambda.LambdaPythonFunction` (see its docstring for each)."""

    publish: bool = False
    alias_name: str | None = None
    snap_start: bool = False
    provisioned_concurrent_executions: int | None = None
    logging_log_format: LogFormat = "Text"
    logging_application_log_level: ApplicationLogLevel | None = None
    logging_system_log_level: SystemLogLevel | None = None
    recursive_loop: RecursiveLoop | None = None
    maximum_retry_attempts: int | None = None
    maximum_event_age_in_seconds: int | None = None
    destination_on_success: str | None = None
    destination_on_failure: str | None = None
    ephemeral_storage_size: int = MIN_EPHEMERAL_MB
    vpc_subnet_ids: Sequence[str] | None = None
    vpc_security_group_ids: Sequence[str] | None = None

    def validate(self, runtime: str) -> None:
        """Raise :class:`InvalidParameterError` for the first value or combination Lambda would refuse."""
        validate_choice("publish", self.publish, (False, True))
        if self.alias_name is not None and not is_token(self.alias_name):
            if not isinstance(self.alias_name, str) or not _ALIAS_NAME.match(self.alias_name):
                raise InvalidParameterError(
                    "alias_name", self.alias_name, "1 to 128 letters, digits, '-' or '_', not only digits"
                )
            if not self.publish:
                raise InvalidParameterError(
                    "alias_name",
                    self.alias_name,
                    "an alias only with publish=True (it points at the published version)",
                )
        self._validate_snap_start(runtime)
        validate_int_range(
            "provisioned_concurrent_executions", self.provisioned_concurrent_executions, 1, 100_000, "environments"
        )
        if self.provisioned_concurrent_executions is not None and self.alias_name is None:
            raise InvalidParameterError(
                "provisioned_concurrent_executions",
                self.provisioned_concurrent_executions,
                "a value only with alias_name= (provisioned concurrency is configured on the alias)",
            )
        self._validate_logging()
        if self.recursive_loop is not None and not is_token(self.recursive_loop):
            validate_choice("recursive_loop", self.recursive_loop, RECURSIVE_LOOPS)
        validate_int_range("maximum_retry_attempts", self.maximum_retry_attempts, 0, MAX_RETRY_ATTEMPTS, "retries")
        validate_int_range(
            "maximum_event_age_in_seconds", self.maximum_event_age_in_seconds, MIN_EVENT_AGE_S, MAX_EVENT_AGE_S, "s"
        )
        for parameter in ("destination_on_success", "destination_on_failure"):
            value = getattr(self, parameter)
            if value is not None:
                destination_service(parameter, value, resolved=value)
        validate_int_range(
            "ephemeral_storage_size", self.ephemeral_storage_size, MIN_EPHEMERAL_MB, MAX_EPHEMERAL_MB, "MB"
        )
        _check_ids("vpc_subnet_ids", self.vpc_subnet_ids, _SUBNET_ID, "subnet-0123456789abcdef0")
        _check_ids("vpc_security_group_ids", self.vpc_security_group_ids, _SECURITY_GROUP_ID, "sg-0123456789abcdef0")
        if (self.vpc_subnet_ids is None) != (self.vpc_security_group_ids is None):
            given, missing = (
                ("vpc_subnet_ids", "vpc_security_group_ids")
                if self.vpc_security_group_ids is None
                else ("vpc_security_group_ids", "vpc_subnet_ids")
            )
            raise InvalidParameterError(given, getattr(self, given), f"both or neither: {given} needs {missing}")

    def _validate_snap_start(self, runtime: str) -> None:
        validate_choice("snap_start", self.snap_start, (False, True))
        if not self.snap_start:
            return
        supported = ", ".join(SNAP_START_RUNTIMES)
        refusals = [
            (
                not is_token(runtime) and runtime not in SNAP_START_RUNTIMES,
                f"False for runtime={runtime!r}: SnapStart supports Python 3.12 and later ({supported})",
            ),
            (not self.publish, "True only with publish=True: SnapStart takes its snapshot when a version is published"),
            (
                self.provisioned_concurrent_executions is not None,
                "False with provisioned_concurrent_executions: Lambda does not support SnapStart with provisioned "
                "concurrency",
            ),
            (
                not is_token(self.ephemeral_storage_size) and self.ephemeral_storage_size != MIN_EPHEMERAL_MB,
                f"False with ephemeral_storage_size={self.ephemeral_storage_size}: SnapStart does not support "
                "ephemeral storage greater than 512 MB",
            ),
        ]
        for refused, allowed in refusals:
            if refused:
                raise InvalidParameterError("snap_start", self.snap_start, allowed)

    def _validate_logging(self) -> None:
        if is_token(self.logging_log_format):
            return
        validate_choice("logging_log_format", self.logging_log_format, LOG_FORMATS)
        for parameter, levels in (
            ("logging_application_log_level", APPLICATION_LOG_LEVELS),
            ("logging_system_log_level", SYSTEM_LOG_LEVELS),
        ):
            value = getattr(self, parameter)
            if value is None or is_token(value):
                continue
            validate_choice(parameter, value, levels)
            if self.logging_log_format != "JSON":
                raise InvalidParameterError(
                    parameter, value, "a log level only with logging_log_format='JSON' (Lambda filters JSON logs only)"
                )

    @property
    def has_async_config(self) -> bool:
        """Whether an ``aws_lambda_function_event_invoke_config`` is needed."""
        values = (self.maximum_retry_attempts, self.maximum_event_age_in_seconds)
        return any(v is not None for v in (*values, self.destination_on_success, self.destination_on_failure))

    @property
    def has_vpc(self) -> bool:
        return self.vpc_subnet_ids is not None
