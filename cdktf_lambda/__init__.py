"""cdktf-lambda: typed CDK for Terraform constructs for Python AWS Lambda workloads.

Public API::

    from cdktf_lambda import (
        RuntimeCodeModules, LambdaPythonPackage, LambdaPythonFunction, LambdaFastapiServer, ExecutionRole,
        DependencyLayer, DynamoTable, HttpApi, FunctionUrl, Schedule, QueueWorker, PackageInfo, LayerInfo,
        add_aws_provider, add_local_backend, add_s3_backend, cdk,
    )

Names are imported on first use (PEP 562): ``import cdktf_lambda`` and the plain-Python rooms
(:mod:`cdktf_lambda.packaging`, :mod:`cdktf_lambda.runtime`, :mod:`cdktf_lambda.tools`, the ``cdktf-lambda``
command) never load jsii; the constructs load the CDK (through :mod:`cdktf_lambda.cdk`) when the first of them is
imported.

The one list of the public API is the ``TYPE_CHECKING`` block below: type checkers read it as it is (each name is
re-exported ``as`` itself), and :func:`__getattr__` reads the same lines to know which module defines each name.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:  # pragma: no cover - read by type checkers, and by _exports() at run time
    from cdktf_lambda import cdk as cdk
    from cdktf_lambda.code.dependency_layer import DependencyLayer as DependencyLayer
    from cdktf_lambda.code.lambda_python_package import LambdaPythonPackage as LambdaPythonPackage
    from cdktf_lambda.code.package_info import LayerInfo as LayerInfo
    from cdktf_lambda.code.package_info import PackageInfo as PackageInfo
    from cdktf_lambda.code.runtime_code_modules import RuntimeCodeModules as RuntimeCodeModules
    from cdktf_lambda.code.s3_artifacts import S3Artifacts as S3Artifacts
    from cdktf_lambda.errors import CdktfLambdaError as CdktfLambdaError
    from cdktf_lambda.errors import DependencyBuildError as DependencyBuildError
    from cdktf_lambda.errors import EnvironmentFailure as EnvironmentFailure
    from cdktf_lambda.errors import HandlerNotFoundError as HandlerNotFoundError
    from cdktf_lambda.errors import InvalidParameterError as InvalidParameterError
    from cdktf_lambda.errors import LayerIncompatibleError as LayerIncompatibleError
    from cdktf_lambda.errors import PackageTooLargeError as PackageTooLargeError
    from cdktf_lambda.errors import SourceError as SourceError
    from cdktf_lambda.function.execution_role import ExecutionRole as ExecutionRole
    from cdktf_lambda.function.lambda_fastapi_server import LambdaFastapiServer as LambdaFastapiServer
    from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction as LambdaPythonFunction
    from cdktf_lambda.stack.backends import add_local_backend as add_local_backend
    from cdktf_lambda.stack.backends import add_s3_backend as add_s3_backend
    from cdktf_lambda.stack.providers import AWS_PROVIDER_VERSION as AWS_PROVIDER_VERSION
    from cdktf_lambda.stack.providers import add_aws_provider as add_aws_provider
    from cdktf_lambda.storage.dynamodb_table import DynamoTable as DynamoTable
    from cdktf_lambda.tokens import is_token as is_token
    from cdktf_lambda.triggers.function_url import FunctionUrl as FunctionUrl
    from cdktf_lambda.triggers.http_api import CorsOptions as CorsOptions
    from cdktf_lambda.triggers.http_api import HttpApi as HttpApi
    from cdktf_lambda.triggers.queue_worker import QueueWorker as QueueWorker
    from cdktf_lambda.triggers.schedule import Schedule as Schedule
    from cdktf_lambda.triggers.schedule import validate_schedule_expression as validate_schedule_expression
    from cdktf_lambda.types import ApplicationLogLevel as ApplicationLogLevel
    from cdktf_lambda.types import Architecture as Architecture
    from cdktf_lambda.types import AuthType as AuthType
    from cdktf_lambda.types import BillingMode as BillingMode
    from cdktf_lambda.types import KeyType as KeyType
    from cdktf_lambda.types import LockFormat as LockFormat
    from cdktf_lambda.types import LogFormat as LogFormat
    from cdktf_lambda.types import PackageKind as PackageKind
    from cdktf_lambda.types import PackagingMode as PackagingMode
    from cdktf_lambda.types import RecursiveLoop as RecursiveLoop
    from cdktf_lambda.types import Runtime as Runtime
    from cdktf_lambda.types import SystemLogLevel as SystemLogLevel
    from cdktf_lambda.types import TracingMode as TracingMode


def _exports() -> dict[str, str]:
    """Public name -> the module that defines it, read from the ``TYPE_CHECKING`` block of this file."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    exports = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names:
            exports[alias.asname or alias.name] = node.module if node.module != __name__ else f"{__name__}.{alias.name}"
    return exports


_EXPORTS = _exports()
__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: Any = importlib.import_module(module)
    if module != f"{__name__}.{name}":
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
