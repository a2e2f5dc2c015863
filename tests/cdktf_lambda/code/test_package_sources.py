"""A synth records each package's source in the resource that deploys it, and building that source again gives the
synth's bytes: what ``cdktf-lambda sync`` relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_lambda import LambdaPythonFunction, RuntimeCodeModules
from cdktf_lambda.code.dependency_layer import layer_metadata
from cdktf_lambda.packaging.layer_build import BuiltLayer
from cdktf_lambda.packaging.package_source import METADATA_KEY, PackageSource, build_package
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.paths import cache_dir, project_root
from tests.cdktf_lambda._builders import ROLE_ARN, stack


def records(construct, resource_type: str) -> dict[str, dict]:
    """``{logical id: the package record}`` of every resource of ``resource_type`` under ``construct``."""
    found = {}
    for child in construct.node.find_all():
        if hasattr(child, "to_terraform") and hasattr(child, "terraform_resource_type"):
            if child.terraform_resource_type == resource_type:
                body = next(iter(child.to_terraform()["resource"][resource_type].values()))
                found[child.node.id] = body.get("//", {}).get(METADATA_KEY)
    return found


@pytest.fixture(scope="module")
def synthesized():
    scope = stack()
    code = RuntimeCodeModules(scope, "code", source_base_path="lambda_src", packaging_mode="synth")
    function = LambdaPythonFunction(
        scope, "api", function_name="api", package=code.api_server, execution_role_arn=ROLE_ARN
    )
    return scope, code, function


def test_the_function_records_its_packages_source(synthesized):
    _, code, function = synthesized
    assert records(function, "aws_lambda_function") == {
        "function": {
            "source_dir": "lambda_src/api_server",
            "name": "api_server",
            "kind": "function",
            "runtimes": ["python3.13"],
            "bytecode": True,
        }
    }
    assert code.api_server.source == PackageSource("lambda_src/api_server", "api_server", "function", ("python3.13",))


def test_each_runtime_module_layer_records_its_source(synthesized):
    _, code, _ = synthesized
    assert records(code, "aws_lambda_layer_version") == {
        "practice_util_layer": {
            "source_dir": "lambda_src/practice_util",
            "name": "practice_util",
            "kind": "layer",
            "runtimes": ["python3.13"],
            "bytecode": True,
        }
    }


def test_building_the_recorded_source_again_gives_the_synths_bytes(synthesized):
    _, code, function = synthesized
    record = records(function, "aws_lambda_function")["function"]
    source = PackageSource.from_metadata(record)
    rebuilt = build_package(source.list_files(project_root()), source, cache_dir())
    assert rebuilt.zip_hash == code.api_server.zip_hash


def test_a_zip_terraform_builds_records_nothing():
    scope = stack()
    code = RuntimeCodeModules(scope, "code", source_base_path="lambda_src")  # archive_file
    function = LambdaPythonFunction(
        scope, "api", function_name="api", package=code.api_server, execution_role_arn=ROLE_ARN
    )
    assert code.api_server.source is None
    assert records(function, "aws_lambda_function") == {"function": None}


def test_a_dependency_layer_built_without_bytecode_says_so_for_sync():
    built = BuiltLayer(Path("deps.zip"), "h=", 1, 1, (), Target(), "lambda_src/Pipfile.lock", "0" * 64, "k", True)
    assert "bytecode" not in layer_metadata(built, ())
    assert layer_metadata(built, (), bytecode=False)["bytecode"] is False
