"""cdktf-lambda: typed CDK for Terraform constructs for Python AWS Lambda workloads.

Public API::

    from cdktf_lambda import (
        RuntimeCodeModules, LambdaPythonPackage, LambdaPythonFunction, LambdaFastapiServer, ExecutionRole,
        PackageInfo, add_aws_provider,
    )
"""

from __future__ import annotations

from .errors import (
    CdktfLambdaError,
    HandlerNotFoundError,
    InvalidParameterError,
    LayerIncompatibleError,
    PackageTooLargeError,
    SourceError,
)
from .execution_role import ExecutionRole
from .lambda_fastapi_server import LambdaFastapiServer
from .lambda_python_function import LambdaPythonFunction
from .lambda_python_package import LambdaPythonPackage
from .package_info import LayerInfo, PackageInfo
from .providers import AWS_PROVIDER_VERSION, add_aws_provider
from .runtime_code_modules import RuntimeCodeModules

__all__ = [
    "AWS_PROVIDER_VERSION",
    "CdktfLambdaError",
    "ExecutionRole",
    "HandlerNotFoundError",
    "InvalidParameterError",
    "LambdaFastapiServer",
    "LambdaPythonFunction",
    "LambdaPythonPackage",
    "LayerIncompatibleError",
    "LayerInfo",
    "PackageInfo",
    "PackageTooLargeError",
    "RuntimeCodeModules",
    "SourceError",
    "add_aws_provider",
]
