"""The reference app: three Python Lambda functions sharing the ``practice_util`` runtime layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cdktf_lambda import (
    DependencyLayer,
    DynamoTable,
    ExecutionRole,
    HttpApi,
    LambdaFastapiServer,
    LambdaPythonFunction,
    QueueWorker,
    RuntimeCodeModules,
    Schedule,
    add_aws_provider,
    add_local_backend,
    add_s3_backend,
    cdk,
)
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.options import LogFormat, RecursiveLoop, lambda_log_level
from cdktf_lambda.limits import PackagingMode, Runtime, validate_choice

__all__ = ["AppStack", "AppStackConfig"]


@dataclass(frozen=True)
class AppStackConfig:
    """Settings of one environment of the app.

    Attributes
    ----------
    project_name
        First part of every name (``{project_name}-{environment}-api-server``). Default: ``"practice"``.
    environment
        Environment name, e.g. ``"dev"`` or ``"prod"``. Default: ``"dev"``.
    region
        AWS region. Default: ``"us-east-1"``.
    source_base_path
        Lambda sources, relative to the project directory. Default: ``"lambda_src"``.
    packaging_mode
        ``"synth"`` (default here: zips built by Python during synth, no archive provider needed, so local deploys
        work offline) or ``"archive_file"`` (the seeds' way).
    runtime
        Python runtime of all functions. Default: ``"python3.13"``.
    log_level
        ``LOG_LEVEL`` of the functions (a Python ``logging`` level name), also Lambda's application log level with
        JSON logs (``WARNING`` → ``WARN``, ``CRITICAL`` → ``FATAL``). Default: ``"INFO"``.
    cron_schedule
        When ``cron_server`` runs (EventBridge syntax). Default: ``"cron(15 0 * * ? *)"`` (00:15 daily, in
        ``cron_timezone``).
    cron_timezone
        IANA time zone of the cron schedule: ``cron_server`` runs on an EventBridge Scheduler schedule in it (retry
        policy, failed deliveries to ``cron_server_dlq``). ``None``: a scheduled rule in UTC, as before.
        Default: ``"Europe/Madrid"``.
    alias_name
        Every function publishes versions and gets this alias on the published version; the HTTP API, the schedule
        and the queue invoke the alias. ``None``: no versions, consumers invoke ``$LATEST``. Default: ``"live"``.
    snap_start_functions
        Functions with SnapStart (needs ``alias_name`` and a Python 3.12+ runtime). Default: ``("api_server",)``.
    log_format
        ``logging_log_format`` of every function. Default: ``"JSON"`` (application level from ``log_level``).
    recursive_loop
        ``recursive_loop`` of every function. Default: ``"Terminate"``.
    cron_maximum_retry_attempts, cron_maximum_event_age_in_seconds
        Asynchronous retries of ``cron_server`` and how long its events are kept; failures go to
        ``cron_server_dlq`` (an on-failure destination). Defaults: ``2`` and ``3600``.
    tracing
        X-Ray active tracing on every function (the roles get ``xray:PutTraceSegments``/``PutTelemetryRecords``).
        Default: ``True``.
    worker_batch_size, worker_max_receive_count
        SQS batch size of ``worker`` and deliveries before a message goes to the dead-letter queue.
        Defaults: ``10`` and ``5``.
    worker_timeout
        Timeout of ``worker`` in seconds; its queue's visibility timeout is 6 × this. Default: ``30`` (a test
        configuration shortens both, so redelivery and the dead-letter queue happen within a test).
    greetings_retention_days
        Days ``cron_server`` keeps a greeting (``RETENTION_DAYS``). Default: ``30``.
    extra_tags
        Tags added to the common ``Project``/``Environment``/``ManagedBy`` tags. Default: ``{}``.
    backend
        Where Terraform keeps state: ``"local"`` (default: ``terraform.<stack>.tfstate`` in the project directory,
        by a relative path) or ``"s3"`` (needs ``state_bucket``).
    state_bucket, state_key, state_region, state_lock_table
        S3 backend settings: bucket (required for ``"s3"``), key (default ``<project>/<env>/terraform.tfstate``),
        region (default ``region``), DynamoDB lock table (default: S3 native locking with ``use_lockfile``).
    dependency_layer
        Attach a layer with the packages of ``<source_base_path>/Pipfile.lock`` (FastAPI, Mangum, Powertools), built
        for ``runtime`` and x86_64 during synth, to every function. Default: ``True``.
    """

    project_name: str = "practice"
    environment: str = "dev"
    region: str = "us-east-1"
    source_base_path: str = "lambda_src"
    packaging_mode: PackagingMode = "synth"
    runtime: Runtime = "python3.13"
    log_level: str = "INFO"
    cron_schedule: str = "cron(15 0 * * ? *)"
    cron_timezone: str | None = "Europe/Madrid"
    alias_name: str | None = "live"
    snap_start_functions: tuple[str, ...] = ("api_server",)
    log_format: LogFormat = "JSON"
    recursive_loop: RecursiveLoop = "Terminate"
    cron_maximum_retry_attempts: int = 2
    cron_maximum_event_age_in_seconds: int = 3600
    tracing: bool = True
    worker_batch_size: int = 10
    worker_max_receive_count: int = 5
    worker_timeout: int = 30
    greetings_retention_days: int = 30
    extra_tags: dict[str, str] = field(default_factory=dict)
    backend: Literal["local", "s3"] = "local"
    state_bucket: str | None = None
    state_key: str | None = None
    state_region: str | None = None
    state_lock_table: str | None = None
    dependency_layer: bool = True

    @property
    def prefix(self) -> str:
        return f"{self.project_name}-{self.environment}"

    @property
    def tags(self) -> dict[str, str]:
        return {"Project": self.project_name, "Environment": self.environment, "ManagedBy": "cdktf", **self.extra_tags}


class AppStack(cdk.TerraformStack):
    """The whole serverless app, one environment of it.

    * ``api_server`` (FastAPI behind Mangum, SnapStart) behind an HTTP API (``$default`` route and stage, access
      logs);
    * ``cron_server`` on an EventBridge Scheduler schedule in ``cron_timezone``; failed deliveries and failed
      asynchronous invocations (on-failure destination) kept in one dead-letter queue;
    * ``worker`` fed by an SQS queue with a dead-letter queue, reporting partial batch failures;
    * each function with its own role (logs on its own log group; the worker: its own queue) and log group,
      published versions and the alias ``live`` that every consumer invokes, JSON logs, recursion guard on;
      ``practice_util`` shared as a layer;
    * the greetings system (:meth:`_add_greetings`): ``POST /greetings`` puts a request on the worker's queue, the
      worker writes each greeting once into the ``{project}-{env}-greetings`` table, ``GET /greetings/{id}`` reads
      it, ``cron_server`` deletes those older than ``greetings_retention_days``.

    Stack outputs: ``<function>_function_arn``, ``<function>_function_name``, ``<function>_zip_hash`` (and
    ``<function>_alias_arn`` with an alias) for each function, ``api_server_invoke_arn`` (of the alias if any),
    ``api_endpoint``, ``worker_queue_url``, ``worker_dlq_url`` and ``runtime_layer_arn`` (and
    ``dependency_layer_arn``), ``greetings_table_name``.
    """

    def __init__(self, scope: cdk.Construct, id_: str, *, config: AppStackConfig | None = None) -> None:
        super().__init__(scope, id_)
        config = config or AppStackConfig()
        self.config = config
        add_aws_provider(self, region=config.region, default_tags=config.tags)
        self._add_backend(config)

        self.code = RuntimeCodeModules(
            self,
            "runtime_code_modules",
            source_base_path=config.source_base_path,
            packaging_mode=config.packaging_mode,
            name_prefix=f"{config.prefix}-",
            compatible_runtimes=(config.runtime,),
        )

        # Events the schedule could not deliver, and failed asynchronous invocations of cron_server, are kept.
        self.cron_dead_letter_queue = cdk.SqsQueue(
            self,
            "cron_server_dlq",
            name=f"{config.prefix}-cron-server-dlq",
            message_retention_seconds=1_209_600,
            sqs_managed_sse_enabled=True,
        )

        # Third-party packages (fastapi, mangum, aws-lambda-powertools) are not in the Lambda runtime: one layer.
        self.dependency_layer: DependencyLayer | None = None
        if config.dependency_layer:
            self.dependency_layer = DependencyLayer(
                self,
                "dependency_layer",
                lock_file=f"{config.source_base_path}/Pipfile.lock",
                layer_name=f"{config.prefix}-dependencies",
                runtime=config.runtime,
            )

        self.roles: dict[str, ExecutionRole] = {}
        self.functions: dict[str, LambdaPythonFunction] = {}
        for name, package in self.code.packages.items():
            function_name = f"{config.prefix}-{name.replace('_', '-')}"
            role = ExecutionRole(self, f"{name}_role", role_name=f"{function_name}-role")
            construct_class = LambdaFastapiServer if name == "api_server" else LambdaPythonFunction
            cron_options = (
                {
                    "maximum_retry_attempts": config.cron_maximum_retry_attempts,
                    "maximum_event_age_in_seconds": config.cron_maximum_event_age_in_seconds,
                    "destination_on_failure": self.cron_dead_letter_queue.arn,
                }
                if name == "cron_server"
                else {}
            )
            function = construct_class(
                self,
                name,
                function_name=function_name,
                package=package,
                role=role,
                runtime=config.runtime,
                environment_variables={
                    "APP_NAME": config.project_name,
                    "ENVIRONMENT": config.environment,
                    "LOG_LEVEL": config.log_level,
                    "POWERTOOLS_SERVICE_NAME": name,
                },
                timeout=config.worker_timeout if name == "worker" else 30,
                tracing_mode="Active" if config.tracing else None,
                layers=[self.dependency_layer.info] if self.dependency_layer else None,
                publish=config.alias_name is not None,
                alias_name=config.alias_name,
                snap_start=name in config.snap_start_functions,
                logging_log_format=config.log_format,
                logging_application_log_level=lambda_log_level(config.log_level)
                if config.log_format == "JSON"
                else None,
                recursive_loop=config.recursive_loop,
                **cron_options,
            )
            role.allow_logging(function.log_group_arn)
            if config.tracing:
                role.allow_tracing()
            self.roles[name] = role
            self.functions[name] = function

            cdk.TerraformOutput(self, f"{name}_function_arn", value=function.function_arn)
            cdk.TerraformOutput(self, f"{name}_function_name", value=function.function_name)
            cdk.TerraformOutput(self, f"{name}_zip_hash", value=package.zip_hash)
            if function.alias is not None:
                cdk.TerraformOutput(self, f"{name}_alias_arn", value=function.alias_arn)
        api_server = self.functions["api_server"]
        cdk.TerraformOutput(self, "api_server_invoke_arn", value=api_server.invoke_target_invoke_arn)

        self.http_api = HttpApi(
            self, "http_api", api_name=f"{config.prefix}-api", function=self.functions["api_server"]
        )
        self.schedule = Schedule(
            self,
            "cron_schedule",
            rule_name=f"{config.prefix}-cron-server",
            schedule_expression=config.cron_schedule,
            function=self.functions["cron_server"],
            schedule_expression_timezone=config.cron_timezone,
            dead_letter_arn=self.cron_dead_letter_queue.arn if config.cron_timezone else None,
        )
        self.queue_worker = QueueWorker(
            self,
            "worker_queue",
            queue_name=f"{config.prefix}-worker",
            function=self.functions["worker"],
            role=self.roles["worker"],
            batch_size=config.worker_batch_size,
            max_receive_count=config.worker_max_receive_count,
        )
        cdk.TerraformOutput(self, "api_endpoint", value=self.http_api.api_endpoint)
        cdk.TerraformOutput(self, "worker_queue_url", value=self.queue_worker.queue.url)
        cdk.TerraformOutput(self, "worker_dlq_url", value=self.queue_worker.dead_letter_queue.url)
        cdk.TerraformOutput(self, "runtime_layer_arn", value=self.code.layer_arns[0])
        if self.dependency_layer is not None:
            cdk.TerraformOutput(self, "dependency_layer_arn", value=self.dependency_layer.arn)
        self._add_greetings(config)

    def _add_greetings(self, config: AppStackConfig) -> None:
        """The table the parts share, their settings, and exactly the table and queue actions each role needs."""
        self.greetings_table = DynamoTable(
            self, "greetings_table", table_name=f"{config.prefix}-greetings", partition_key="request_id"
        )
        table, queue = self.greetings_table, self.queue_worker.queue
        api_server, worker, cron_server = (self.functions[n] for n in ("api_server", "worker", "cron_server"))
        api_server.add_environment({"GREETINGS_TABLE": table.name, "WORKER_QUEUE_URL": queue.url})
        worker.add_environment({"GREETINGS_TABLE": table.name})
        cron_server.add_environment(
            {"GREETINGS_TABLE": table.name, "RETENTION_DAYS": str(config.greetings_retention_days)}
        )
        table.grant(self.roles["api_server"], "greetings_read", ["dynamodb:GetItem"])
        self.roles["api_server"].add_policy(
            "worker_queue_send", [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [queue.arn]}]
        )
        table.grant(self.roles["worker"], "greetings_write", ["dynamodb:PutItem"])
        table.grant(self.roles["cron_server"], "greetings_expire", ["dynamodb:DeleteItem", "dynamodb:Scan"])
        cdk.TerraformOutput(self, "greetings_table_name", value=table.name)

    def _add_backend(self, config: AppStackConfig) -> None:
        validate_choice("backend", config.backend, ("local", "s3"))
        if config.backend == "local":
            add_local_backend(self)  # beside the project, by a path relative to the stack directory
            return
        if not config.state_bucket:
            raise InvalidParameterError("state_bucket", config.state_bucket, "an S3 bucket name when backend='s3'")
        add_s3_backend(
            self,
            bucket=config.state_bucket,
            key=config.state_key or f"{config.project_name}/{config.environment}/terraform.tfstate",
            region=config.state_region or config.region,
            lock_table=config.state_lock_table,
        )
