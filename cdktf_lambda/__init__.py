"""cdktf-lambda: typed CDK for Terraform constructs for Python AWS Lambda workloads.

Public API::

    from cdktf_lambda import (
        RuntimeCodeModules, LambdaPythonPackage, LambdaPythonFunction, LambdaFastapiServer, ExecutionRole,
        PackageInfo, add_aws_provider,
    )
"""

from __future__ import annotations

from .dependency_layer import DependencyLayer
from .errors import (
    CdktfLambdaError,
    HandlerNotFoundError,
    InvalidParameterError,
    LayerIncompatibleError,
    PackageTooLargeError,
    SourceError,
)
from .execution_role import ExecutionRole
from .function_url import FunctionUrl
from .http_api import CorsOptions, HttpApi
from .lambda_fastapi_server import LambdaFastapiServer
from .lambda_python_function import LambdaPythonFunction
from .lambda_python_package import LambdaPythonPackage
from .package_info import LayerInfo, PackageInfo
from .providers import AWS_PROVIDER_VERSION, add_aws_provider
from .queue_worker import QueueWorker
from .runtime_code_modules import RuntimeCodeModules
from .schedule import Schedule, validate_schedule_expression

__all__ = [
    "AWS_PROVIDER_VERSION",
    "CdktfLambdaError",
    "CorsOptions",
    "DependencyLayer",
    "ExecutionRole",
    "FunctionUrl",
    "HandlerNotFoundError",
    "HttpApi",
    "InvalidParameterError",
    "LambdaFastapiServer",
    "LambdaPythonFunction",
    "LambdaPythonPackage",
    "LayerIncompatibleError",
    "LayerInfo",
    "PackageInfo",
    "PackageTooLargeError",
    "QueueWorker",
    "RuntimeCodeModules",
    "Schedule",
    "SourceError",
    "add_aws_provider",
    "validate_schedule_expression",
]
