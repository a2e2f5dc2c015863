"""RuntimeCodeModules and LambdaPythonPackage in both packaging modes."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda import InvalidParameterError, LambdaPythonPackage, RuntimeCodeModules, SourceError, cdk
from cdktf_lambda.packaging import base64_sha256
from tests.conftest import PROJECT_ROOT, only, resources, synth_json

SEED_FUNCTIONS = ("api_server", "cron_server", "worker")


def _stack():
    return cdk.TerraformStack(cdk.Testing.app(), "test")


def _zip_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


@pytest.fixture(scope="module")
def archive_mode():
    stack = _stack()
    modules = RuntimeCodeModules(stack, "code", source_base_path="lambda_src")
    return modules, synth_json(stack)


@pytest.fixture(scope="module")
def synth_mode():
    stack = _stack()
    modules = RuntimeCodeModules(
        stack, "code", source_base_path="lambda_src", packaging_mode="synth", name_prefix="practice-dev-"
    )
    return modules, synth_json(stack)


class TestArchiveFileMode:
    def test_one_archive_per_function_with_relative_source_and_seed_output_dir(self, archive_mode):
        archives = archive_mode[1]["data"]["archive_file"]
        by_output = {a["output_path"]: a for a in archives.values()}
        for name in SEED_FUNCTIONS:
            archive = by_output[f"../../../out/{name}.zip"]
            assert archive["source_dir"] == f"../../../lambda_src/{name}"
            assert archive["type"] == "zip" and archive["output_file_mode"] == "0644"
            assert "**/__pycache__/**" in archive["excludes"] and "**/.env" in archive["excludes"]

    def test_package_outputs_are_the_archive_attributes(self, archive_mode):
        archives = archive_mode[1]["data"]["archive_file"]
        archive_id = next(k for k, a in archives.items() if a["output_path"] == "../../../out/api_server.zip")
        stack = cdk.TerraformStack(cdk.Testing.app(), "refs")
        cdk.TerraformOutput(stack, "p", value=archive_mode[0].api_server.zip_path)
        info = archive_mode[0].api_server
        assert info.handler == "api_server.lambda_handler"
        resolved = json.loads(cdk.Testing.synth(stack))["output"]["p"]["value"]
        assert resolved == f"${{data.archive_file.{archive_id}.output_path}}"

    def test_layer_is_built_from_text_sources_under_python_prefix(self, archive_mode):
        archives = archive_mode[1]["data"]["archive_file"]
        layer_archive = next(a for a in archives.values() if a["output_path"] == "../../../out/practice_util.zip")
        filenames = [s["filename"] for s in layer_archive["source"]]
        assert filenames == sorted(filenames) and "python/practice_util/__init__.py" in filenames
        first = layer_archive["source"][0]
        assert first["content"].startswith('${file("../../../lambda_src/practice_util/')

    def test_archive_provider_is_configured_once(self, archive_mode):
        assert list(archive_mode[1]["provider"]) == ["archive"]
        assert len(archive_mode[1]["provider"]["archive"]) == 1


class TestSynthMode:
    def test_no_archive_provider_or_data_source(self, synth_mode):
        assert "data" not in synth_mode[1] and "provider" not in synth_mode[1]

    def test_functions_point_at_assets_by_relative_path_with_literal_hashes(self, synth_mode):
        for name in SEED_FUNCTIONS:
            info = synth_mode[0].packages[name]
            assert info.zip_path.startswith("assets/") and info.zip_path.endswith(".zip")
            assert len(info.zip_hash) == 44 and info.zip_hash.endswith("=")
            assert info.handler == f"{name}.lambda_handler"

    def test_zip_hash_matches_the_zip_in_the_cache(self, synth_mode):
        package = synth_mode[0].node.find_child("api_server")
        assert isinstance(package, LambdaPythonPackage)
        assert base64_sha256(_asset_source(package)) == package.zip_hash

    def test_function_zip_holds_the_directory_contents_at_the_root_with_python3_13_bytecode(self, synth_mode):
        names = _zip_names(_asset_source(synth_mode[0].node.find_child("api_server")))
        assert "api_server.py" in names and "__init__.py" in names
        compiled = {n for n in names if "__pycache__" in n or n.endswith(".pyc")}
        assert compiled == {"__pycache__/__init__.cpython-313.pyc", "__pycache__/api_server.cpython-313.pyc"}

    def test_layer_holds_practice_util_under_python(self, synth_mode):
        names = _zip_names(_asset_source(synth_mode[0].node.find_child("practice_util")))
        assert "python/practice_util/__init__.py" in names
        assert all(n.startswith("python/practice_util/") for n in names)

    def test_one_layer_shared_by_every_function(self, synth_mode):
        layer = only(resources(synth_mode[1], "aws_lambda_layer_version"))
        assert layer["layer_name"] == "practice-dev-practice-util"
        assert layer["filename"].startswith("assets/")
        assert layer["compatible_runtimes"] == ["python3.13"]
        (layer_id,) = resources(synth_mode[1], "aws_lambda_layer_version")
        for name in SEED_FUNCTIONS:
            assert synth_mode[0].packages[name].layers == synth_mode[0].layer_infos
        assert [i.arn for i in synth_mode[0].layer_infos] == list(synth_mode[0].layer_arns)
        assert layer_id in json.dumps(synth_mode[1])

    def test_seed_outputs_are_typed_package_infos(self, synth_mode):
        modules = synth_mode[0]
        assert [modules.api_server, modules.cron_server, modules.worker] == [
            modules.packages[n] for n in SEED_FUNCTIONS
        ]


def _asset_source(package: LambdaPythonPackage) -> Path:
    """The cached zip a package's TerraformAsset copies into the synth output."""
    cache = Path(os.environ["CDKTF_LAMBDA_CACHE_DIR"])
    matches = [p for p in cache.glob(f"{package.name}-*.zip") if base64_sha256(p) == package.zip_hash]
    assert matches, f"no cached zip for {package.name}"
    return matches[0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"source_base_path": ""}, InvalidParameterError, "Invalid source_base_path: ''"),
        ({"source_base_path": "no/such/dir"}, SourceError, "source_base_path='no/such/dir' is not a directory"),
        (
            {"source_base_path": "lambda_src", "functions": ("api_server", "nope")},
            SourceError,
            "functions: nope not found",
        ),
        (
            {"source_base_path": "lambda_src", "packaging_mode": "docker"},
            InvalidParameterError,
            "Invalid packaging_mode",
        ),
        ({"source_base_path": "lambda_src", "output_dir": ""}, InvalidParameterError, "Invalid output_dir"),
        (
            {"source_base_path": "lambda_src", "compatible_runtimes": ("python2.7",)},
            InvalidParameterError,
            "compatible_runtimes",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    stack = _stack()
    with pytest.raises(error, match=message):
        RuntimeCodeModules(stack, "code", **kwargs)
    assert "resource" not in synth_json(stack)


def test_function_dir_without_init_or_handler_is_refused(make_source, tmp_path):
    base = make_source({"api_server/api_server.py": "", "practice_util/__init__.py": ""}, root=tmp_path / "src")
    with pytest.raises(SourceError, match="is not a Python package: no __init__.py"):
        RuntimeCodeModules(_stack(), "code", source_base_path=base, functions=("api_server",), packaging_mode="synth")
    (base / "api_server" / "__init__.py").write_text("")
    (base / "api_server" / "api_server.py").rename(base / "api_server" / "server.py")
    with pytest.raises(SourceError, match="expected lambda_handler.py or api_server.py"):
        RuntimeCodeModules(_stack(), "code", source_base_path=base, functions=("api_server",), packaging_mode="synth")


def test_binary_file_in_a_layer_needs_synth_mode(make_source, tmp_path):
    base = make_source(
        {"fn/__init__.py": "", "fn/fn.py": "", "util/__init__.py": "", "util/data.bin": b"\xff\xfe\x00"},
        root=tmp_path / "src",
    )
    with pytest.raises(SourceError, match="not a UTF-8 text file; packaging_mode='archive_file'"):
        RuntimeCodeModules(_stack(), "code", source_base_path=base, functions=("fn",), runtime_modules=("util",))


def test_project_root_is_where_tests_run():
    assert Path.cwd() == PROJECT_ROOT


def test_plain_python_layers_serve_both_architectures_and_an_arm64_dependency_layer_decides(synth_mode):
    from cdktf_lambda import LambdaPythonFunction, LayerInfo

    assert all(info.compatible_architectures == ("x86_64", "arm64") for info in synth_mode[0].layer_infos)
    stack = _stack()
    code = RuntimeCodeModules(stack, "code", source_base_path="lambda_src", packaging_mode="synth")
    deps = LayerInfo(arn="arn:aws:lambda:us-east-1:123456789012:layer:deps:1", compatible_architectures=("arm64",))
    function = LambdaPythonFunction(
        stack,
        "fn",
        function_name="f",
        package=code.worker,
        layers=[deps],
        execution_role_arn="arn:aws:iam::123456789012:role/r",
    )
    assert function.architecture == "arm64"
