"""The option sets of the public API, as ``Literal`` types, and the tuples of their values derived from them.

Every construct keyword that takes one of a fixed set of strings is typed with one of these, so a type checker names
a wrong value in a user's stack (``runtime="python2.7"``) before anything runs, and the synth-time validators refuse
it with the same list (:func:`cdktf_lambda.limits.validate_choice`). A value set is written once, here: the tuple
beside each type is ``typing.get_args`` of it.

Examples
--------
>>> from cdktf_lambda.types import RUNTIMES
>>> RUNTIMES[-1]
'python3.14'
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "ARCHITECTURES",
    "APPLICATION_LOG_LEVELS",
    "AUTH_TYPES",
    "BILLING_MODES",
    "FLAVORS",
    "KEY_TYPES",
    "LOCK_FORMATS",
    "LOG_FORMATS",
    "PACKAGE_KINDS",
    "PACKAGING_MODES",
    "RECURSIVE_LOOPS",
    "RUNTIMES",
    "SYSTEM_LOG_LEVELS",
    "TRACING_MODES",
    "ApplicationLogLevel",
    "Architecture",
    "AuthType",
    "BillingMode",
    "Flavor",
    "KeyType",
    "LockFormat",
    "LogFormat",
    "PackageKind",
    "PackagingMode",
    "RecursiveLoop",
    "Runtime",
    "SystemLogLevel",
    "TracingMode",
]

#: Python runtimes Lambda currently supports (deprecated ones excluded).
Runtime = Literal["python3.10", "python3.11", "python3.12", "python3.13", "python3.14"]
RUNTIMES: tuple[Runtime, ...] = get_args(Runtime)

#: Instruction set architectures of a function or layer.
Architecture = Literal["x86_64", "arm64"]
ARCHITECTURES: tuple[Architecture, ...] = get_args(Architecture)

#: X-Ray tracing of a function.
TracingMode = Literal["Active", "PassThrough"]
TRACING_MODES: tuple[TracingMode, ...] = get_args(TracingMode)

#: How a source directory becomes a zip, by Terraform's ``archive_file`` data source, or by Python during synth.
PackagingMode = Literal["archive_file", "synth"]
PACKAGING_MODES: tuple[PackagingMode, ...] = get_args(PackagingMode)

#: What a package is deployed as, a function's code, or a layer (under ``python/``).
PackageKind = Literal["function", "layer"]
PACKAGE_KINDS: tuple[PackageKind, ...] = get_args(PackageKind)

#: Format of a function's log lines (``logging_config.log_format``).
LogFormat = Literal["Text", "JSON"]
LOG_FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)

#: Lowest level of the function's own log lines Lambda keeps (JSON format only).
ApplicationLogLevel = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
APPLICATION_LOG_LEVELS: tuple[ApplicationLogLevel, ...] = get_args(ApplicationLogLevel)

#: Lowest level of the Lambda platform's log lines Lambda keeps (JSON format only).
SystemLogLevel = Literal["DEBUG", "INFO", "WARN"]
SYSTEM_LOG_LEVELS: tuple[SystemLogLevel, ...] = get_args(SystemLogLevel)

#: What Lambda does when it detects a recursive loop through SQS, SNS or S3.
RecursiveLoop = Literal["Allow", "Terminate"]
RECURSIVE_LOOPS: tuple[RecursiveLoop, ...] = get_args(RecursiveLoop)

#: Type of a DynamoDB key attribute, string, number or binary.
KeyType = Literal["S", "N", "B"]
KEY_TYPES: tuple[KeyType, ...] = get_args(KeyType)

#: How a DynamoDB table is billed.
BillingMode = Literal["PAY_PER_REQUEST", "PROVISIONED"]
BILLING_MODES: tuple[BillingMode, ...] = get_args(BillingMode)

#: Who may call a function URL, signed IAM requests, or anyone.
AuthType = Literal["AWS_IAM", "NONE"]
AUTH_TYPES: tuple[AuthType, ...] = get_args(AuthType)

#: Lock file formats a dependency layer is built from.
LockFormat = Literal["pipfile", "uv", "poetry", "requirements"]
LOCK_FORMATS: tuple[LockFormat, ...] = get_args(LockFormat)

#: The CDK the constructs are built with: CDK for Terraform 0.21, or CDK Terrain (its maintained fork).
Flavor = Literal["cdktf", "cdktn"]
FLAVORS: tuple[Flavor, ...] = get_args(Flavor)
