"""The reference app: three Python Lambda functions sharing the ``practice_util`` runtime layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf_lambda import (
    ExecutionRole,
    HttpApi,
    LambdaFastapiServer,
    LambdaPythonFunction,
    QueueWorker,
    RuntimeCodeModules,
    Schedule,
    add_aws_provider,
    cdk,
)
from cdktf_lambda.limits import PackagingMode, Runtime
from cdktf_lambda.paths import STACK_DIR_TO_PROJECT

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
    worker_batch_size, worker_max_receive_count
        SQS batch size of ``worker`` and deliveries before a message goes to the dead-letter queue.
        Defaults: ``10`` and ``5``.
    extra_tags
        Tags added to the common ``Project``/``Environment``/``ManagedBy`` tags. Default: ``{}``.
    """

    project_name: str = "practice"
    environment: str = "dev"
    region: str = "us-east-1"
    source_base_path: str = "lambda_src"
    packaging_mode: PackagingMode = "synth"
    runtime: Runtime = "python3.13"
    log_level: str = "INFO"
    cron_schedule: str = "cron(15 0 * * ? *)"
    worker_batch_size: int = 10
    worker_max_receive_count: int = 5
    extra_tags: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"{self.project_name}-{self.environment}"

    @property
    def tags(self) -> dict[str, str]:
        return {"Project": self.project_name, "Environment": self.environment, "ManagedBy": "cdktf", **self.extra_tags}


class AppStack(cdk.TerraformStack):
    """The whole serverless app, one environment of it.

    * ``api_server`` (FastAPI behind Mangum) behind an HTTP API (``$default`` route and stage, access logs);
    * ``cron_server`` on an EventBridge schedule;
    * ``worker`` fed by an SQS queue with a dead-letter queue, reporting partial batch failures;
    * each function with its own role (logs on its own log group; the worker: its own queue) and log group;
      ``practice_util`` shared as a layer.

    Stack outputs: ``<function>_function_arn``, ``<function>_function_name``, ``<function>_zip_hash`` for each
    function, ``api_server_invoke_arn``, ``api_endpoint``, ``worker_queue_url``, ``worker_dlq_url`` and
    ``runtime_layer_arn``.
    """

    def __init__(self, scope: cdk.Construct, id_: str, *, config: AppStackConfig | None = None) -> None:
        super().__init__(scope, id_)
        config = config or AppStackConfig()
        self.config = config
        add_aws_provider(self, region=config.region, default_tags=config.tags)
        # State beside the project, by a path relative to the stack directory (cdktf's default is absolute).
        cdk.LocalBackend(self, path=f"{STACK_DIR_TO_PROJECT}/terraform.{id_}.tfstate")

        self.code = RuntimeCodeModules(
            self,
            "runtime_code_modules",
            source_base_path=config.source_base_path,
            packaging_mode=config.packaging_mode,
            name_prefix=f"{config.prefix}-",
            compatible_runtimes=(config.runtime,),
        )

        self.roles: dict[str, ExecutionRole] = {}
        self.functions: dict[str, LambdaPythonFunction] = {}
        for name, package in self.code.packages.items():
            function_name = f"{config.prefix}-{name.replace('_', '-')}"
            role = ExecutionRole(self, f"{name}_role", role_name=f"{function_name}-role")
            construct_class = LambdaFastapiServer if name == "api_server" else LambdaPythonFunction
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
            )
            role.allow_logging(function.log_group_arn)
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
