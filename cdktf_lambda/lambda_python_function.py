"""``LambdaPythonFunction``: a Lambda function and its CloudWatch log group."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from . import cdk
from .errors import HandlerNotFoundError, InvalidParameterError, LayerIncompatibleError, PackageTooLargeError
from .limits import (
    MAX_UNZIPPED_BYTES,
    Architecture,
    Runtime,
    TracingMode,
    tags_argument,
    validate_architecture,
    validate_description,
    validate_environment_variables,
    validate_function_name,
    validate_layers,
    validate_log_retention_days,
    validate_memory_size,
    validate_reserved_concurrency,
    validate_role_arn,
    validate_runtime,
    validate_timeout,
    validate_tracing_mode,
)
from .package_info import LayerInfo, PackageInfo
from .tokens import is_token

__all__ = ["LambdaPythonFunction"]


class LambdaPythonFunction(cdk.Construct):
    """An ``aws_lambda_function`` running Python, plus its log group ``/aws/lambda/{function_name}``.

    The function ``depends_on`` the log group, so Lambda never creates an unmanaged group with infinite retention
    first. Keyword arguments are the seed component's variables, with its defaults.

    Parameters
    ----------
    function_name
        Name of the function: 1–64 letters, digits, ``-`` or ``_``. Required.
    package_zip_path, package_zip_hash
        Path of the code zip (relative to the stack directory) and its base64 SHA-256. Required unless
        ``package`` is given.
    package
        A :class:`PackageInfo` (e.g. ``RuntimeCodeModules(...).api_server``) in place of the two values above; its
        handler and layers are used as defaults.
    execution_role_arn
        ARN of the IAM role the function runs as. Required.
    handler
        ``module.function``. Default: the handler found in ``package``; required without a package.
    runtime
        A supported Python runtime. Default: ``"python3.13"``.
    memory_size
        MB, 128–10240. Default: ``128``.
    timeout
        Seconds, 1–900. Default: ``30``.
    log_retention_days
        One of CloudWatch's retention values. Default: ``14``.
    environment_variables
        Environment of the function; keys may not be reserved by Lambda; ≤ 4 KB in total. Default: ``{}``.
    layers
        Extra layers (ARNs or :class:`LayerInfo`), attached after the package's own layers; at most 5 in all.
        A ``LayerInfo`` is checked against the function's runtime and architecture, and its size counts against
        the 250 MB unzipped limit. A list known only at apply time (e.g. a ``list(string)`` variable's
        ``list_value``) is accepted as it is. Default: ``[]``.
    tags
        Tags of the function and the log group: at most 50, keys up to 128 and values up to 256 characters, no
        ``aws:`` prefix. Default: ``{}``.
    architecture
        ``"x86_64"`` or ``"arm64"``. Default: the architecture the layers were built for, else ``"x86_64"``.
    description
        Description of the function, at most 256 characters. Default: none.
    tracing_mode
        X-Ray tracing, ``"Active"`` or ``"PassThrough"``. Default: not set (Lambda's default, PassThrough).
    reserved_concurrent_executions
        Concurrency reserved for the function, ≥ 0 (0 stops it). Default: not set (unreserved).
    dead_letter_target_arn
        SQS queue or SNS topic receiving events of failed *asynchronous* invocations (e.g. from a schedule); the
        role needs permission to send there. Default: none.
    kms_key_arn
        Customer managed KMS key encrypting the environment variables. Default: AWS managed key.
    log_kms_key_id
        KMS key ARN encrypting the log group. Default: CloudWatch's own encryption.
    code_signing_config_arn
        Code signing configuration the deployment package must satisfy. Default: none.
    secret_environment_variables
        Names of environment variables whose values are secrets: each becomes a *sensitive* Terraform variable
        ``<function_name>_<NAME>`` (``-`` as ``_``; set it at apply time with ``TF_VAR_<that>``), so the value never
        appears in the synthesized JSON, snapshots or logs. Default: ``()``.

    Attributes
    ----------
    function_arn, function_name, invoke_arn
        The seed's outputs (``invoke_arn`` is for an API Gateway ``AWS_PROXY`` integration).
    function, log_group
        The underlying ``aws_lambda_function`` and ``aws_cloudwatch_log_group``.
    """

    #: Handler used when neither ``handler`` nor a package gives one; ``None`` means "required".
    default_handler: str | None = None

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        function_name: str,
        execution_role_arn: str,
        package_zip_path: str | None = None,
        package_zip_hash: str | None = None,
        package: PackageInfo | None = None,
        handler: str | None = None,
        runtime: Runtime = "python3.13",
        memory_size: int = 128,
        timeout: int = 30,
        log_retention_days: int = 14,
        environment_variables: Mapping[str, str] | None = None,
        layers: Sequence[str | LayerInfo] | None = None,
        tags: Mapping[str, str] | None = None,
        architecture: Architecture | None = None,
        description: str | None = None,
        tracing_mode: TracingMode | None = None,
        reserved_concurrent_executions: int | None = None,
        dead_letter_target_arn: str | None = None,
        kms_key_arn: str | None = None,
        log_kms_key_id: str | None = None,
        code_signing_config_arn: str | None = None,
        secret_environment_variables: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id_)
        # 1. defaults
        if not is_token(environment_variables):
            environment_variables = dict(environment_variables or {})

        if package is not None:
            if package_zip_path is not None or package_zip_hash is not None:
                raise InvalidParameterError(
                    "package", package, "either package= or package_zip_path=/package_zip_hash=, not both"
                )
            package_zip_path, package_zip_hash = package.zip_path, package.zip_hash
        package_layers: list[LayerInfo] = list(package.layers) if package is not None else []
        # A list known only at apply time is passed through whole; otherwise each layer is known here.
        extra_layers: Sequence[str | LayerInfo] = layers if is_token(layers) else list(layers or [])
        all_layers: list[str | LayerInfo] = [*package_layers, *([] if is_token(extra_layers) else extra_layers)]
        layer_infos = [layer for layer in all_layers if isinstance(layer, LayerInfo)]
        layer_arns: Sequence[str] = [layer.arn if isinstance(layer, LayerInfo) else layer for layer in all_layers]
        if architecture is None:
            # The function follows the architecture of layers built for one (e.g. a dependency layer for arm64).
            built_for = {
                info.compatible_architectures[0] for info in layer_infos if len(info.compatible_architectures) == 1
            }
            architecture = built_for.pop() if len(built_for) == 1 else "x86_64"
        handler = handler or (package.handler if package is not None else None) or self.default_handler

        # 2. validation (tokens, known only at apply time, are skipped)
        validate_function_name(function_name)
        for parameter, value in (("package_zip_path", package_zip_path), ("package_zip_hash", package_zip_hash)):
            if not value:
                raise InvalidParameterError(parameter, value, "a non-empty string (or pass package=PackageInfo)")
        validate_role_arn(execution_role_arn)
        if not handler or not isinstance(handler, str) or "." not in handler:
            raise InvalidParameterError("handler", handler, "'module.function', e.g. 'api_server.lambda_handler'")
        if package is not None and package.modules and handler.split(".")[0] not in package.modules:
            raise HandlerNotFoundError(
                f"handler={handler!r} names module {handler.split('.')[0]!r}, which is not in the package; "
                f"modules in it: {', '.join(package.modules)}"
            )
        validate_runtime(runtime)
        validate_memory_size(memory_size)
        validate_timeout(timeout)
        validate_log_retention_days(log_retention_days)
        known_environment = {} if is_token(environment_variables) else environment_variables
        validate_environment_variables(environment_variables)
        validate_environment_variables({**known_environment, **dict.fromkeys(secret_environment_variables, "")})
        overlap = sorted(set(secret_environment_variables) & set(known_environment))
        if overlap:
            raise InvalidParameterError(
                "secret_environment_variables", overlap, "names not also given in environment_variables"
            )
        validate_layers(layer_arns)
        validate_architecture(architecture)
        _check_layers(layer_infos, runtime, architecture, package.unzipped_size if package is not None else None)
        validate_tracing_mode(tracing_mode)
        tags = tags_argument(tags)
        validate_description(description)
        validate_reserved_concurrency(reserved_concurrent_executions)

        # 3. derived values
        log_group_name = f"/aws/lambda/{function_name}"
        if is_token(extra_layers):
            layer_arns = (
                cdk.Token.as_list(cdk.Fn.concat([list(layer_arns), extra_layers])) if layer_arns else extra_layers
            )

        # 4. child resources
        secrets: dict[str, str] = {}
        for name in secret_environment_variables:
            variable_name = re.sub(r"[^A-Za-z0-9_]", "_", f"{function_name}_{name}")
            variable = cdk.TerraformVariable(
                self,
                name,
                type="string",
                sensitive=True,
                description=f"Secret {name} of {function_name}: set TF_VAR_{variable_name} at apply time",
            )
            variable.override_logical_id(variable_name)
            secrets[name] = variable.string_value
        if is_token(environment_variables):
            if secrets:
                environment_variables = cdk.Token.as_string_map(cdk.Fn.merge([environment_variables, secrets]))
        else:
            environment_variables = {**environment_variables, **secrets}
        self.log_group = cdk.CloudwatchLogGroup(
            self,
            "log_group",
            name=log_group_name,
            retention_in_days=log_retention_days,
            kms_key_id=log_kms_key_id,
            tags=tags,
        )
        self.function = cdk.LambdaFunction(
            self,
            "function",
            function_name=function_name,
            role=execution_role_arn,
            filename=package_zip_path,
            source_code_hash=package_zip_hash,
            handler=handler,
            runtime=runtime,
            memory_size=memory_size,
            timeout=timeout,
            architectures=[architecture],
            layers=layer_arns or None,
            environment=cdk.LambdaFunctionEnvironment(variables=environment_variables)
            if environment_variables
            else None,
            description=description,
            tracing_config=cdk.LambdaFunctionTracingConfig(mode=tracing_mode) if tracing_mode else None,
            reserved_concurrent_executions=reserved_concurrent_executions,
            dead_letter_config=cdk.LambdaFunctionDeadLetterConfig(target_arn=dead_letter_target_arn)
            if dead_letter_target_arn
            else None,
            kms_key_arn=kms_key_arn,
            code_signing_config_arn=code_signing_config_arn,
            tags=tags,
            depends_on=[self.log_group],
        )
        self.handler = handler
        self.timeout = timeout
        self.memory_size = memory_size
        self.runtime = runtime
        self.architecture = architecture
        self.layers = layer_arns if is_token(layer_arns) else tuple(layer_arns)
        self.environment_variables = environment_variables

    def add_environment(self, variables: Mapping[str, str]) -> None:
        """Add (or replace) environment variables after construction, e.g. the URL of a queue created later.

        Checked like ``environment_variables`` (keys, reserved names, 4 KB in total with the others).
        """
        validate_environment_variables(variables)
        current = self.environment_variables
        if is_token(current):
            merged = cdk.Token.as_string_map(cdk.Fn.merge([current, dict(variables)]))
        else:
            merged = {**current, **variables}
            validate_environment_variables(merged)
        self.function.put_environment(variables=merged)
        self.environment_variables = merged

    @property
    def function_arn(self) -> str:
        return self.function.arn

    @property
    def function_name(self) -> str:
        return self.function.function_name

    @property
    def invoke_arn(self) -> str:
        return self.function.invoke_arn

    @property
    def log_group_arn(self) -> str:
        return self.log_group.arn


def _check_layers(
    layers: Sequence[LayerInfo], runtime: str, architecture: str, function_unzipped_size: int | None
) -> None:
    """Each layer fits the function's runtime and architecture; code + layers stay within 250 MB unzipped."""
    for layer in layers:
        if layer.compatible_runtimes and runtime not in layer.compatible_runtimes:
            raise LayerIncompatibleError(
                f"Layer {layer.name!r} was built for {', '.join(layer.compatible_runtimes)}, "
                f"not for the function's runtime={runtime!r}"
            )
        if layer.compatible_architectures and architecture not in layer.compatible_architectures:
            raise LayerIncompatibleError(
                f"Layer {layer.name!r} was built for {', '.join(layer.compatible_architectures)}, "
                f"not for the function's architecture={architecture!r}"
            )
    sizes = {
        "function code": function_unzipped_size,
        **{f"layer {layer.name}": layer.unzipped_size for layer in layers},
    }
    known = {label: size for label, size in sizes.items() if size is not None}
    total = sum(known.values())
    if total > MAX_UNZIPPED_BYTES:
        parts = ", ".join(f"{label} {size / 2**20:.1f} MiB" for label, size in known.items())
        raise PackageTooLargeError(
            f"Function code and layers are {total / 2**20:.1f} MiB unzipped ({parts}); "
            f"Lambda allows at most {MAX_UNZIPPED_BYTES / 2**20:.0f} MiB"
        )
