"""cdktf-lambda: typed CDK for Terraform constructs for Python AWS Lambda workloads.

Public API::

    from cdktf_lambda import (
        RuntimeCodeModules, LambdaPythonPackage, LambdaPythonFunction, LambdaFastapiServer, ExecutionRole,
        DependencyLayer, DynamoTable, HttpApi, FunctionUrl, Schedule, QueueWorker, PackageInfo, LayerInfo,
        add_aws_provider, add_local_backend, add_s3_backend, cdk,
    )

Names are imported on first use (PEP 562): ``import cdktf_lambda`` and the plain-Python parts
(:mod:`cdktf_lambda.packaging`, :mod:`cdktf_lambda.local`, the ``cdktf-lambda`` command) never load jsii; the
constructs load the CDK (through :mod:`cdktf_lambda.cdk`) when the first of them is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: Public name -> the module (relative to this package) that defines it.
_EXPORTS: dict[str, str] = {
    "AWS_PROVIDER_VERSION": "providers",
    "CdktfLambdaError": "errors",
    "CorsOptions": "http_api",
    "DependencyBuildError": "errors",
    "DependencyLayer": "dependency_layer",
    "DynamoTable": "dynamodb_table",
    "ExecutionRole": "execution_role",
    "FunctionUrl": "function_url",
    "HandlerNotFoundError": "errors",
    "HttpApi": "http_api",
    "InvalidParameterError": "errors",
    "LambdaFastapiServer": "lambda_fastapi_server",
    "LambdaPythonFunction": "lambda_python_function",
    "LambdaPythonPackage": "lambda_python_package",
    "LayerIncompatibleError": "errors",
    "LayerInfo": "package_info",
    "PackageInfo": "package_info",
    "PackageTooLargeError": "errors",
    "QueueWorker": "queue_worker",
    "RuntimeCodeModules": "runtime_code_modules",
    "Schedule": "schedule",
    "SourceError": "errors",
    "add_aws_provider": "providers",
    "add_local_backend": "backends",
    "add_s3_backend": "backends",
    "is_token": "tokens",
    "validate_schedule_expression": "schedule",
}

__all__ = [
    "AWS_PROVIDER_VERSION",
    "CdktfLambdaError",
    "CorsOptions",
    "DependencyBuildError",
    "DependencyLayer",
    "DynamoTable",
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
    "__version__",
    "add_aws_provider",
    "add_local_backend",
    "add_s3_backend",
    "cdk",
    "is_token",
    "validate_schedule_expression",
]

if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers
    from . import cdk
    from .backends import add_local_backend, add_s3_backend
    from .dependency_layer import DependencyLayer
    from .dynamodb_table import DynamoTable
    from .errors import (
        CdktfLambdaError,
        DependencyBuildError,
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
    from .tokens import is_token


def __getattr__(name: str) -> Any:
    if name == "cdk":
        value: Any = importlib.import_module(".cdk", __name__)
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
