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
        ``LOG_LEVEL`` of the functions. Default: ``"INFO"``.
    cron_schedule
        When ``cron_server`` runs (EventBridge syntax). Default: ``"cron(15 0 * * ? *)"`` (00:15 UTC daily).
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

    * ``api_server`` (FastAPI behind Mangum) behind an HTTP API (``$default`` route and stage, access logs);
    * ``cron_server`` on an EventBridge schedule, failed asynchronous invocations kept in a dead-letter queue;
    * ``worker`` fed by an SQS queue with a dead-letter queue, reporting partial batch failures;
    * each function with its own role (logs on its own log group; the worker: its own queue) and log group;
      ``practice_util`` shared as a layer;
    * the greetings system (:meth:`_add_greetings`): ``POST /greetings`` puts a request on the worker's queue, the
      worker writes each greeting once into the ``{project}-{env}-greetings`` table, ``GET /greetings/{id}`` reads
      it, ``cron_server`` deletes those older than ``greetings_retention_days``.

    Stack outputs: ``<function>_function_arn``, ``<function>_function_name``, ``<function>_zip_hash`` for each
    function, ``api_server_invoke_arn``, ``api_endpoint``, ``worker_queue_url``, ``worker_dlq_url`` and
    ``runtime_layer_arn`` (and ``dependency_layer_arn``), ``greetings_table_name``.
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

        # Events of failed asynchronous invocations (the schedule invokes cron_server asynchronously) are kept.
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
            dead_letter_queue = self.cron_dead_letter_queue if name == "cron_server" else None
            function = construct_class(
                self,
                name,
                function_name=function_name,
                package=package,
                execution_role_arn=role.arn,
                runtime=config.runtime,
                environment_variables={
                    "APP_NAME": config.project_name,
                    "ENVIRONMENT": config.environment,
                    "LOG_LEVEL": config.log_level,
                    "POWERTOOLS_SERVICE_NAME": name,
                },
                timeout=config.worker_timeout if name == "worker" else 30,
                tracing_mode="Active" if config.tracing else None,
                dead_letter_target_arn=dead_letter_queue.arn if dead_letter_queue else None,
                layers=[self.dependency_layer.info] if self.dependency_layer else None,
            )
            role.allow_logging(function.log_group_arn)
            if config.tracing:
                role.allow_tracing()
            if dead_letter_queue is not None:
                role.add_policy(
                    "dead_letter",
                    [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [dead_letter_queue.arn]}],
                )
            self.roles[name] = role
            self.functions[name] = function

            cdk.TerraformOutput(self, f"{name}_function_arn", value=function.function_arn)
            cdk.TerraformOutput(self, f"{name}_function_name", value=function.function_name)
            cdk.TerraformOutput(self, f"{name}_zip_hash", value=package.zip_hash)
        cdk.TerraformOutput(self, "api_server_invoke_arn", value=self.functions["api_server"].invoke_arn)

        self.http_api = HttpApi(
            self, "http_api", api_name=f"{config.prefix}-api", function=self.functions["api_server"]
        )
        self.schedule = Schedule(
            self,
            "cron_schedule",
            rule_name=f"{config.prefix}-cron-server",
            schedule_expression=config.cron_schedule,
            function=self.functions["cron_server"],
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
