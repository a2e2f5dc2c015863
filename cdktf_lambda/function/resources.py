"""The resources a function's production options add beside its ``aws_lambda_function``: the alias on the published
version, its provisioned concurrency, the asynchronous-invocation config and the recursion guard."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_lambda import cdk
from cdktf_lambda.function.options import FunctionOptions

__all__ = ["FunctionExtras", "add_function_extras", "function_blocks", "secret_variables"]


@dataclass(frozen=True)
class FunctionExtras:
    """What :func:`add_function_extras` created (``None`` where the options ask for nothing)."""

    alias: Any = None
    provisioned_concurrency: Any = None
    event_invoke_config: Any = None
    recursion_config: Any = None


def function_blocks(options: FunctionOptions, log_group_name: str) -> dict[str, Any]:
    """Keyword arguments of ``aws_lambda_function`` for the options that live on the function itself."""
    json_logs = options.logging_log_format == "JSON"
    blocks: dict[str, Any] = {
        "publish": options.publish or None,
        "logging_config": cdk.LambdaFunctionLoggingConfig(
            log_format=options.logging_log_format,
            log_group=log_group_name,
            application_log_level=(options.logging_application_log_level or "INFO") if json_logs else None,
            system_log_level=(options.logging_system_log_level or "INFO") if json_logs else None,
        ),
        # Always set: the block is optional *and computed*, so removing it would keep the old size without a diff.
        "ephemeral_storage": cdk.LambdaFunctionEphemeralStorage(size=options.ephemeral_storage_size),
        "snap_start": cdk.LambdaFunctionSnapStart(apply_on="PublishedVersions") if options.snap_start else None,
    }
    subnets, groups = options.vpc_subnet_ids, options.vpc_security_group_ids
    if subnets is not None and groups is not None:  # both or neither (validated)
        blocks["vpc_config"] = cdk.LambdaFunctionVpcConfig(subnet_ids=subnets, security_group_ids=groups)
    return blocks


def add_function_extras(
    scope: cdk.Construct, function: Any, options: FunctionOptions, depends_on: list[Any]
) -> FunctionExtras:
    """Add the alias, provisioned concurrency, event invoke config and recursion config the options ask for.

    ``depends_on`` (the role's policies for destinations) is waited for by the event invoke config, so Lambda can
    check the role's permission on the destinations when the config is put.
    """
    alias = None
    if options.alias_name is not None:
        alias = cdk.LambdaAlias(
            scope,
            "alias",
            name=options.alias_name,
            function_name=function.function_name,
            function_version=function.version,
            description=f"{options.alias_name}: the published version that consumers invoke",
        )
    provisioned = None
    if options.provisioned_concurrent_executions is not None and alias is not None:  # it needs an alias (validated)
        provisioned = cdk.LambdaProvisionedConcurrencyConfig(
            scope,
            "provisioned_concurrency",
            function_name=function.function_name,
            qualifier=alias.name,
            provisioned_concurrent_executions=options.provisioned_concurrent_executions,
        )
    event_invoke_config = None
    if options.has_async_config:
        success, failure = options.destination_on_success, options.destination_on_failure
        on_success = (
            cdk.LambdaFunctionEventInvokeConfigDestinationConfigOnSuccess(destination=success) if success else None
        )
        on_failure = (
            cdk.LambdaFunctionEventInvokeConfigDestinationConfigOnFailure(destination=failure) if failure else None
        )
        event_invoke_config = cdk.LambdaFunctionEventInvokeConfig(
            scope,
            "event_invoke_config",
            function_name=function.function_name,
            # Asynchronous invocations of the alias use the alias's config, not the unqualified function's.
            qualifier=alias.name if alias is not None else None,
            maximum_retry_attempts=options.maximum_retry_attempts,
            maximum_event_age_in_seconds=options.maximum_event_age_in_seconds,
            destination_config=cdk.LambdaFunctionEventInvokeConfigDestinationConfig(
                on_success=on_success, on_failure=on_failure
            )
            if on_success or on_failure
            else None,
            depends_on=depends_on or None,
        )
    recursion_config = None
    if options.recursive_loop is not None:
        recursion_config = cdk.LambdaFunctionRecursionConfig(
            scope, "recursion_config", function_name=function.function_name, recursive_loop=options.recursive_loop
        )
    return FunctionExtras(alias, provisioned, event_invoke_config, recursion_config)


def secret_variables(scope: cdk.Construct, function_name: str, names: Sequence[str]) -> dict[str, str]:
    """A *sensitive* ``string`` variable ``<function_name>_<NAME>`` per secret name; ``{NAME: its value token}``."""
    secrets: dict[str, str] = {}
    for name in names:
        variable_name = re.sub(r"[^A-Za-z0-9_]", "_", f"{function_name}_{name}")
        variable = cdk.TerraformVariable(
            scope,
            name,
            type="string",
            sensitive=True,
            description=f"Secret {name} of {function_name}: set TF_VAR_{variable_name} at apply time",
        )
        variable.override_logical_id(variable_name)
        secrets[name] = variable.string_value
    return secrets
