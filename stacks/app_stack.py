"""The reference app: three Python Lambda functions sharing the ``practice_util`` runtime layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf_lambda import (
    ExecutionRole,
    LambdaFastapiServer,
    LambdaPythonFunction,
    RuntimeCodeModules,
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
    extra_tags: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"{self.project_name}-{self.environment}"

    @property
    def tags(self) -> dict[str, str]:
        return {"Project": self.project_name, "Environment": self.environment, "ManagedBy": "cdktf", **self.extra_tags}


class AppStack(cdk.TerraformStack):
    """api_server (FastAPI), cron_server and worker, each with its own role and log group, plus the layer.

    Stack outputs: ``<function>_function_arn``, ``<function>_function_name``, ``<function>_zip_hash`` for each
    function, ``api_server_invoke_arn`` and ``runtime_layer_arn``.
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
        cdk.TerraformOutput(self, "runtime_layer_arn", value=self.code.layer_arns[0])
