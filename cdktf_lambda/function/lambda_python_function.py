"""``LambdaPythonFunction``: a Lambda function and its CloudWatch log group, with the production options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

from cdktf_lambda import cdk
from cdktf_lambda.code.package_info import LayerInfo, PackageInfo
from cdktf_lambda.errors import HandlerNotFoundError, InvalidParameterError
from cdktf_lambda.function.layers import architecture_of, check_layers, split_layers
from cdktf_lambda.function.options import ApplicationLogLevel, FunctionOptions, LogFormat, RecursiveLoop, SystemLogLevel
from cdktf_lambda.function.outputs import FunctionOutputs
from cdktf_lambda.function.permissions import configuration_statements
from cdktf_lambda.function.resources import FunctionExtras, add_function_extras, function_blocks, secret_variables
from cdktf_lambda.limits import (
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
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE_METADATA_KEY
from cdktf_lambda.tokens import is_token

if TYPE_CHECKING:
    from cdktf_lambda.function.execution_role import ExecutionRole

__all__ = ["LambdaPythonFunction"]


def _ids(ids: Sequence[str] | None) -> Sequence[str] | None:
    """A list of IDs as given: copied when known at synth, kept whole when known only at apply time (a token)."""
    return ids if ids is None or is_token(ids) else list(ids)


class LambdaPythonFunction(FunctionOutputs, cdk.Construct):
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
        handler and layers are used as defaults, and a package stored on S3 deploys from ``s3_bucket``/``s3_key``.
        Default: none.
    execution_role_arn
        ARN of the IAM role the function runs as. Required unless ``role`` is given.
    role
        The function's :class:`ExecutionRole`, in place of ``execution_role_arn``: the function then adds to it the
        permissions its own configuration needs (the destinations' one action each, the VPC's network interfaces;
        see :meth:`grant_configuration_access`). Default: none.
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
    publish
        Publish a new version on every change of code or configuration. Default: ``False``.
    alias_name
        An ``aws_lambda_alias`` of this name on the published version (needs ``publish=True``). When set,
        :class:`HttpApi`, :class:`Schedule`, :class:`QueueWorker` and :class:`FunctionUrl` invoke the alias and their
        permissions are scoped to it. Default: none.
    snap_start
        SnapStart on published versions (``apply_on = "PublishedVersions"``). Needs ``publish=True`` and Python 3.12+;
        refused with provisioned concurrency and with ephemeral storage above 512 MB (Lambda supports neither
        with SnapStart). Default: ``False``.
    provisioned_concurrent_executions
        Provisioned concurrency on the alias (needs ``alias_name``), ≥ 1. Default: none.
    logging_log_format
        ``"Text"`` or ``"JSON"``. ``logging_config.log_group`` is always this construct's log group.
        Default: ``"Text"``.
    logging_application_log_level
        ``TRACE``, ``DEBUG``, ``INFO``, ``WARN``, ``ERROR`` or ``FATAL``; JSON format only.
        Default: ``"INFO"`` with JSON.
    logging_system_log_level
        ``DEBUG``, ``INFO`` or ``WARN``; JSON format only. Default: ``"INFO"`` with JSON.
    recursive_loop
        ``"Allow"`` or ``"Terminate"``: what Lambda does with a detected recursive loop
        (``aws_lambda_function_recursion_config``). Default: not managed (Lambda's default, Terminate).
    maximum_retry_attempts
        Retries of a failed asynchronous invocation, 0–2. Default: not set (Lambda's default, 2).
    maximum_event_age_in_seconds
        How long an asynchronous event is kept for retries, 60–21600 s. Default: not set (Lambda's, 6 hours).
    destination_on_success, destination_on_failure
        Where records of asynchronous invocations go: an SQS queue, SNS topic, Lambda function or EventBridge bus ARN.
        With ``role``, the role gets exactly ``sqs:SendMessage``/``sns:Publish``/``lambda:InvokeFunction``/
        ``events:PutEvents`` on that ARN. Default: none.
    ephemeral_storage_size
        ``/tmp`` size, 512–10240 MB. Default: ``512``.
    vpc_subnet_ids, vpc_security_group_ids
        Connect the function to these subnets with these security groups (both or neither). With ``role``, the role
        gets the network-interface permissions Lambda needs. Default: none (no VPC).

    Attributes
    ----------
    function_arn, function_name, invoke_arn
        The seed's outputs (``invoke_arn`` is for an API Gateway ``AWS_PROXY`` integration).
    function, log_group
        The underlying ``aws_lambda_function`` and ``aws_cloudwatch_log_group``.
    alias, provisioned_concurrency, event_invoke_config, recursion_config
        The ``aws_lambda_alias``, ``aws_lambda_provisioned_concurrency_config``,
        ``aws_lambda_function_event_invoke_config`` and ``aws_lambda_function_recursion_config``, or ``None``.
    alias_arn, alias_invoke_arn
        ARN and API Gateway invoke ARN of the alias (``None`` without an alias).
    invoke_target_arn, invoke_target_invoke_arn, qualifier
        What consumers invoke: the alias if any, else the function; ``qualifier`` is the alias name or ``None``.
    options
        The production options as a :class:`~cdktf_lambda.function.options.FunctionOptions`.

    Raises
    ------
    InvalidParameterError
        A keyword outside what Lambda allows (named, with its value and what is allowed), or a combination Lambda
        refuses (SnapStart with provisioned concurrency, an alias without ``publish``, …).
    HandlerNotFoundError
        No ``handler`` given, and none found in ``package``.
    LayerIncompatibleError
        A layer built for another runtime or architecture than the function's, or more than five layers.
    PackageTooLargeError
        The function's zip and its layers over Lambda's 250 MB unzipped.
    """

    #: Handler used when neither ``handler`` nor a package gives one; ``None`` means "required".
    default_handler: str | None = None

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        function_name: str,
        execution_role_arn: str | None = None,
        role: ExecutionRole | None = None,
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
        publish: bool = False,
        alias_name: str | None = None,
        snap_start: bool = False,
        provisioned_concurrent_executions: int | None = None,
        logging_log_format: LogFormat = "Text",
        logging_application_log_level: ApplicationLogLevel | None = None,
        logging_system_log_level: SystemLogLevel | None = None,
        recursive_loop: RecursiveLoop | None = None,
        maximum_retry_attempts: int | None = None,
        maximum_event_age_in_seconds: int | None = None,
        destination_on_success: str | None = None,
        destination_on_failure: str | None = None,
        ephemeral_storage_size: int = 512,
        vpc_subnet_ids: Sequence[str] | None = None,
        vpc_security_group_ids: Sequence[str] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        # 1. defaults
        if role is not None:
            if execution_role_arn is not None:
                raise InvalidParameterError("role", role, "either role= or execution_role_arn=, not both")
            execution_role_arn = role.arn
        options = FunctionOptions(
            publish=publish,
            alias_name=alias_name,
            snap_start=snap_start,
            provisioned_concurrent_executions=provisioned_concurrent_executions,
            logging_log_format=logging_log_format,
            logging_application_log_level=logging_application_log_level,
            logging_system_log_level=logging_system_log_level,
            recursive_loop=recursive_loop,
            maximum_retry_attempts=maximum_retry_attempts,
            maximum_event_age_in_seconds=maximum_event_age_in_seconds,
            destination_on_success=destination_on_success,
            destination_on_failure=destination_on_failure,
            ephemeral_storage_size=ephemeral_storage_size,
            vpc_subnet_ids=_ids(vpc_subnet_ids),
            vpc_security_group_ids=_ids(vpc_security_group_ids),
        )
        environment: Mapping[str, str] = environment_variables or {}
        if not is_token(environment):
            environment = dict(environment)

        if package is not None:
            if package_zip_path is not None or package_zip_hash is not None:
                raise InvalidParameterError(
                    "package", package, "either package= or package_zip_path=/package_zip_hash=, not both"
                )
            package_zip_path, package_zip_hash = package.zip_path, package.zip_hash
        layer_infos, layer_arns, extra_layers = split_layers(package.layers if package is not None else (), layers)
        architecture = architecture or architecture_of(layer_infos)
        handler = handler or (package.handler if package is not None else None) or self.default_handler

        # 2. validation (tokens, known only at apply time, are skipped)
        validate_function_name(function_name)
        for parameter, value in (("package_zip_path", package_zip_path), ("package_zip_hash", package_zip_hash)):
            if not value:
                raise InvalidParameterError(parameter, value, "a non-empty string (or pass package=PackageInfo)")
        if execution_role_arn is None:
            raise InvalidParameterError("execution_role_arn", None, "an IAM role ARN (or pass role=ExecutionRole)")
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
        known_environment = {} if is_token(environment) else environment
        validate_environment_variables(environment)
        validate_environment_variables({**known_environment, **dict.fromkeys(secret_environment_variables, "")})
        overlap = sorted(set(secret_environment_variables) & set(known_environment))
        if overlap:
            raise InvalidParameterError(
                "secret_environment_variables", overlap, "names not also given in environment_variables"
            )
        validate_layers(layer_arns)
        validate_architecture(architecture)
        check_layers(layer_infos, runtime, architecture, package.unzipped_size if package is not None else None)
        validate_tracing_mode(tracing_mode)
        tags = tags_argument(tags)
        validate_description(description)
        validate_reserved_concurrency(reserved_concurrent_executions)
        options.validate(runtime)
        self.options = options
        self.configuration_statements = configuration_statements(self, options)

        # 3. derived values
        log_group_name = f"/aws/lambda/{function_name}"
        s3_code = package is not None and package.s3_key is not None
        if is_token(extra_layers):  # a list known only at apply time: of ARNs
            token_layers = cast("list[str]", extra_layers)
            layer_arns = (
                cdk.Token.as_list(cdk.Fn.concat([list(layer_arns), token_layers])) if layer_arns else token_layers
            )

        # 4. child resources
        secrets = secret_variables(self, function_name, secret_environment_variables)
        if is_token(environment):
            if secrets:
                environment = cdk.Token.as_string_map(cdk.Fn.merge([environment, secrets]))
        else:
            environment = {**environment, **secrets}
        self.log_group = cdk.CloudwatchLogGroup(
            self,
            "log_group",
            name=log_group_name,
            retention_in_days=log_retention_days,
            kms_key_id=log_kms_key_id,
            tags=tags,
        )
        policies = self.grant_configuration_access(role) if role is not None else {}
        self.function = cdk.LambdaFunction(
            self,
            "function",
            function_name=function_name,
            role=execution_role_arn,
            filename=None if s3_code else package_zip_path,
            s3_bucket=package.s3_bucket if s3_code and package is not None else None,
            s3_key=package.s3_key if s3_code and package is not None else None,
            source_code_hash=package_zip_hash,
            handler=handler,
            runtime=runtime,
            memory_size=memory_size,
            timeout=timeout,
            architectures=[architecture],
            layers=layer_arns or None,
            environment=cdk.LambdaFunctionEnvironment(variables=environment) if environment else None,
            description=description,
            tracing_config=cdk.LambdaFunctionTracingConfig(mode=tracing_mode) if tracing_mode else None,
            reserved_concurrent_executions=reserved_concurrent_executions,
            dead_letter_config=cdk.LambdaFunctionDeadLetterConfig(target_arn=dead_letter_target_arn)
            if dead_letter_target_arn
            else None,
            kms_key_arn=kms_key_arn,
            code_signing_config_arn=code_signing_config_arn,
            tags=tags,
            # Lambda checks the role's network-interface permissions when it creates a function in a VPC.
            depends_on=[self.log_group, *([policies["vpc_access"]] if "vpc_access" in policies else [])],
            **function_blocks(options, log_group_name),
        )
        if package is not None and package.source is not None:  # for `cdktf-lambda sync` (Terraform ignores "//")
            self.function.add_override(f"//.{PACKAGE_METADATA_KEY}", package.source.metadata())
        self.extras: FunctionExtras = add_function_extras(
            self, self.function, options, [policies["destinations"]] if "destinations" in policies else []
        )
        self.alias = self.extras.alias
        self.provisioned_concurrency = self.extras.provisioned_concurrency
        self.event_invoke_config = self.extras.event_invoke_config
        self.recursion_config = self.extras.recursion_config
        self.handler = handler
        self.timeout = timeout
        self.memory_size = memory_size
        self.runtime = runtime
        self.architecture = architecture
        self.layers = layer_arns if is_token(layer_arns) else tuple(layer_arns)
        self.environment_variables = environment

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

    def grant_configuration_access(self, role: ExecutionRole) -> dict[str, cdk.IamRolePolicy]:
        """Add to ``role`` what this function's configuration needs: ``sqs:SendMessage``/``sns:Publish``/
        ``lambda:InvokeFunction``/``events:PutEvents`` on each destination, and the VPC's network-interface
        permissions (see :mod:`cdktf_lambda.function.permissions`). Called by the constructor when ``role`` is given;
        call it yourself for a role passed as ``execution_role_arn``. Returns the inline policies added, by name."""
        return {name: role.add_policy(name, statements) for name, statements in self.configuration_statements.items()}
