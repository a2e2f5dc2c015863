"""``DependencyLayer``: the layer resource, its ``LayerInfo``, the synth cache, and the limits functions check."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from collections.abc import Iterator

import pytest

from cdktf_lambda import (
    DependencyLayer,
    InvalidParameterError,
    LambdaPythonFunction,
    LayerIncompatibleError,
    PackageInfo,
    PackageTooLargeError,
    SourceError,
    cdk,
    settings,
)
from cdktf_lambda.packaging.layer_build import METADATA_KEY
from stacks import AppStack, AppStackConfig
from tests.conftest import only, resources, synth_json
from tests.fixtures.layers import pip_runs, session_wheelhouse, started_processes

#: Runs pip, a subprocess synth or an external tool.
pytestmark = pytest.mark.slow

ROLE_ARN = "arn:aws:iam::123456789012:role/test-role"
LOCK = "lambda_src/Pipfile.lock"
UV_LOCK = "tests/fixtures/locks/webapp/uv.lock"
NOHASH = "tests/fixtures/locks/webapp/requirements-nohashes.txt"


@pytest.fixture(scope="module", autouse=True)
def _offline_builds_in_a_fresh_cache(tmp_path_factory) -> Iterator[None]:
    """Layers come from the session's wheels, into a cache of this module's own (so the first build is seen)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.WHEELHOUSE.name, os.fspath(session_wheelhouse(tmp_path_factory)))
        patch.setenv(settings.CACHE_DIR.name, os.fspath(tmp_path_factory.mktemp("dependency-layer-cache")))
        yield


def layer_stack(**kwargs) -> tuple[cdk.TerraformStack, DependencyLayer]:
    stack = cdk.TerraformStack(cdk.Testing.app(), "test")
    layer = DependencyLayer(stack, "deps", **{"lock_file": LOCK, "layer_name": "test-dependencies", **kwargs})
    return stack, layer


def function(stack: cdk.TerraformStack, **kwargs) -> LambdaPythonFunction:
    arguments = {
        "function_name": "test-fn",
        "package_zip_path": "a.zip",
        "package_zip_hash": "aA==",
        "handler": "api_server.lambda_handler",
        "execution_role_arn": ROLE_ARN,
        **kwargs,
    }
    return LambdaPythonFunction(stack, "fn", **arguments)


@pytest.fixture(scope="module")
def first_synth():
    """The first synth in an empty cache: builds the layer (one pip process, one progress line)."""
    stderr = io.StringIO()
    with started_processes() as commands, contextlib.redirect_stderr(stderr):
        stack, layer = layer_stack()
        synthesized = synth_json(stack)
    return synthesized, layer, pip_runs(commands), stderr.getvalue()


# --- the first synth builds, the second hits the cache ---------------------------------------------------------------


def test_first_synth_builds_the_layer_with_one_pip_run_and_one_progress_line(first_synth):
    _, layer, pips, stderr = first_synth
    assert len(pips) == 1 and "--only-binary=:all:" in pips[0]
    assert not layer.build.cached
    assert stderr.startswith(
        "cdktf-lambda: building dependency layer for python3.13/x86_64 from lambda_src/Pipfile.lock (14 packages)... "
    )
    assert " MiB zip; largest: " in stderr and "pydantic-core " in stderr and stderr.count("\n") == 1
    assert stderr.endswith(", ".join(str(p) for p in layer.largest_packages) + "\n")


def test_second_synth_is_a_cache_hit_no_pip_process_and_nothing_printed(first_synth, capfd):
    synthesized, layer, _, _ = first_synth
    with started_processes() as commands:
        stack, again = layer_stack()
        second = synth_json(stack)
    assert commands == [], "no process at all was started"
    assert capfd.readouterr().err == ""
    assert again.build.cached and again.zip_hash == layer.zip_hash
    assert second == synthesized


# --- the resource and the values other constructs use ----------------------------------------------------------------


def test_layer_resource_declares_the_target_and_points_at_the_zip(first_synth):
    synthesized, layer, _, _ = first_synth
    resource = only(resources(synthesized, "aws_lambda_layer_version"))
    assert resource["layer_name"] == "test-dependencies"
    assert resource["compatible_runtimes"] == ["python3.13"]
    assert resource["compatible_architectures"] == ["x86_64"]
    assert resource["source_code_hash"] == layer.zip_hash
    assert resource["filename"].startswith("assets/") and resource["filename"].endswith(layer.build.path.name)
    assert resource["description"] == "Python packages from lambda_src/Pipfile.lock for python3.13/x86_64"


def test_info_carries_what_functions_check(first_synth):
    _, layer, _, _ = first_synth
    assert layer.info.compatible_runtimes == ("python3.13",)
    assert layer.info.compatible_architectures == ("x86_64",)
    assert layer.info.unzipped_size == layer.unzipped_size > 5 * 2**20
    assert layer.info.arn == layer.arn and layer.info.name == "test-dependencies"
    assert "fastapi==0.165.0" in layer.packages and "mangum==0.22.0" in layer.packages


def test_an_arm64_layer_makes_its_function_arm64():
    stack, layer = layer_stack(architecture="arm64")
    fn = function(stack, layers=[layer.info])
    assert fn.architecture == "arm64"
    function_json = only(resources(synth_json(stack), "aws_lambda_function"))
    assert function_json["architectures"] == ["arm64"]
    assert only(resources(synth_json(stack), "aws_lambda_layer_version"))["compatible_architectures"] == ["arm64"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"layer_name": "bad name!"}, InvalidParameterError, r"Invalid layer_name: 'bad name!'. Allowed: 1 to 140"),
        ({"runtime": "python3.9"}, InvalidParameterError, r"Invalid runtime: 'python3.9'. Allowed: a supported"),
        ({"architecture": "aarch64"}, InvalidParameterError, r"Invalid architecture: 'aarch64'. Allowed: one of"),
        ({"lock_file": ""}, InvalidParameterError, r"Invalid lock_file: ''. Allowed: the path of a Pipfile.lock"),
        ({"lock_file": "nowhere/Pipfile.lock"}, SourceError, r"Lock file not found: lock_file='nowhere/Pipfile.lock'"),
        ({"wheelhouse": "no/such/dir"}, InvalidParameterError, r"Invalid wheelhouse: 'no/such/dir'"),
        ({"lock_format": "pdm"}, InvalidParameterError, r"Invalid lock_format: 'pdm'. Allowed: one of 'pipfile', "),
        ({"groups": ["dev"]}, InvalidParameterError, r"Invalid groups: \['dev'\]. Allowed: only with lock_format 'uv'"),
        ({"lock_file": UV_LOCK, "categories": ["default"]}, InvalidParameterError, r"Invalid categories: \['default'"),
        ({"lock_file": UV_LOCK, "extras": ["server"]}, InvalidParameterError, r"Invalid extras: 'server'. .*cli, "),
        ({"exclude": "boto3"}, InvalidParameterError, r"Invalid exclude: 'boto3'. Allowed: a list of package names"),
        ({"exclude": ["boto3"]}, InvalidParameterError, r"Invalid exclude: 'boto3'. Allowed: names of packages in"),
        ({"lock_file": NOHASH}, SourceError, r"(?s)has no hashes\..*pip-compile --generate-hashes"),
    ],
)
def test_bad_parameters_are_refused_before_any_build(kwargs, error, match):
    with started_processes() as commands, pytest.raises(error, match=match):
        layer_stack(**kwargs)
    assert commands == []


def metadata(layer: DependencyLayer) -> dict:
    """The layer's build record in its resource JSON (``cdktf.Testing.synth`` leaves out ``"//"`` objects)."""
    return only(layer.layer.to_terraform()["resource"]["aws_lambda_layer_version"])["//"][METADATA_KEY]


def test_a_uv_lock_layer_with_its_selection_and_exclusions_in_the_stack_json():
    stack, layer = layer_stack(lock_file=UV_LOCK, extras=["cli"], exclude=["WebOb", "legacy-cgi"])
    assert layer.lock_format == "uv" and layer.excluded == ("legacy-cgi", "webob")
    assert "click==8.5.1" in layer.packages and not [p for p in layer.packages if p.startswith("webob")]
    sizes = [p.size for p in layer.largest_packages]
    assert sizes == sorted(sizes, reverse=True) and {"pydantic-core", "pydantic"} <= {
        p.name for p in layer.largest_packages
    }
    assert metadata(layer) == {
        "lock_file": UV_LOCK,
        "lock_format": "uv",
        "lock_sha256": layer.build.lock_sha256,
        "groups": [],
        "extras": ["cli"],
        "exclude": ["legacy-cgi", "webob"],
        "runtime": "python3.13",
        "architecture": "x86_64",
        "largest_packages": [{"name": p.name, "version": p.version, "bytes": p.size} for p in layer.largest_packages],
    }


def test_the_pipfile_lock_metadata_names_its_categories(first_synth):
    _, layer, _, _ = first_synth
    meta = metadata(layer)
    assert (meta["lock_format"], meta["categories"], meta["exclude"]) == ("pipfile", ["default"], [])
    assert "groups" not in meta and "pydantic-core" in [entry["name"] for entry in meta["largest_packages"]]


# --- limits, checked by the function through .info -------------------------------------------------------------------


def test_a_function_on_another_runtime_is_refused(first_synth):
    stack, layer = layer_stack()
    with pytest.raises(
        LayerIncompatibleError,
        match=r"Layer 'test-dependencies' was built for python3.13, not for the function's runtime='python3.12'",
    ):
        function(stack, runtime="python3.12", layers=[layer.info])


def test_a_function_on_another_architecture_is_refused(first_synth):
    stack, layer = layer_stack()
    with pytest.raises(
        LayerIncompatibleError,
        match=r"Layer 'test-dependencies' was built for x86_64, not for the function's architecture='arm64'",
    ):
        function(stack, architecture="arm64", layers=[layer.info])


def test_more_than_five_layers_are_refused(first_synth):
    stack, layer = layer_stack()
    with pytest.raises(InvalidParameterError, match=r"Invalid layers: '<6 layers>'. Allowed: at most 5 layers"):
        function(stack, layers=[layer.info] * 6)


def test_function_code_plus_layer_over_250_mb_unzipped_is_refused(first_synth):
    stack, layer = layer_stack()
    package = PackageInfo(zip_path="a.zip", zip_hash="aA==", handler="api_server.lambda_handler")
    big = dataclasses.replace(package, unzipped_size=245 * 2**20)
    with pytest.raises(
        PackageTooLargeError,
        match=r"are 2[56]\d\.\d MiB unzipped \(function code 245\.0 MiB, layer test-dependencies [12]\d\.\d MiB\); "
        r"Lambda allows at most 250 MiB",
    ):
        LambdaPythonFunction(stack, "big", function_name="test-big", package=big, execution_role_arn=ROLE_ARN,
                             layers=[layer.info])  # fmt: skip
    function(stack, layers=[layer.info])  # the layer alone fits


# --- the app ---------------------------------------------------------------------------------------------------------


def test_the_app_attaches_the_dependency_layer_to_every_function():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig())
    synthesized = synth_json(stack)
    layer_id = next(
        logical_id
        for logical_id, layer in resources(synthesized, "aws_lambda_layer_version").items()
        if layer["layer_name"] == "practice-dev-dependencies"
    )
    reference = f"${{aws_lambda_layer_version.{layer_id}.arn}}"
    functions = resources(synthesized, "aws_lambda_function").values()
    assert sorted(f["function_name"] for f in functions if reference in f["layers"]) == [
        "practice-dev-api-server",
        "practice-dev-cron-server",
        "practice-dev-worker",
    ]
    assert synthesized["output"]["dependency_layer_arn"]["value"] == reference


def test_the_app_can_go_without_it():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig(dependency_layer=False))
    synthesized = synth_json(stack)
    assert [layer["layer_name"] for layer in resources(synthesized, "aws_lambda_layer_version").values()] == [
        "practice-dev-practice-util"
    ]
    assert "dependency_layer_arn" not in synthesized["output"]
