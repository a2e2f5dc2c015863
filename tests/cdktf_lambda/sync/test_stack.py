"""What sync reads from a synthesized stack: functions with their sources, aliases, layers, S3 locations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.packaging.files import DEFAULT_EXCLUDES
from cdktf_lambda.packaging.layer_build import METADATA_KEY as DEPENDENCIES
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE
from cdktf_lambda.packaging.package_source import PackageSource
from cdktf_lambda.sync.stack import S3Location, parse_stack, read_stack, select

API = {"source_dir": "src/api", "name": "api", "kind": "function", "runtimes": ["python3.13"], "bytecode": True}
UTIL = {"source_dir": "src/util", "name": "util", "kind": "layer", "runtimes": ["python3.13"], "bytecode": True}
DEPS = {"lock_file": "src/Pipfile.lock", "lock_format": "pipfile", "runtime": "python3.13", "architecture": "x86_64"}


def stack_json() -> dict:
    return {
        "provider": {"aws": [{"region": "eu-west-1"}]},
        "resource": {
            "aws_lambda_function": {
                "api_fn": {
                    "//": {"metadata": {"path": "demo/api/function"}, PACKAGE: API},
                    "function_name": "demo-api",
                    "handler": "api.lambda_handler",
                    "runtime": "python3.13",
                    "memory_size": 256,
                    "environment": {"variables": {"MODE": "dev", "TABLE": "${aws_dynamodb_table.t.name}"}},
                    "layers": ["${aws_lambda_layer_version.util_layer.arn}", "${aws_lambda_layer_version.deps.arn}"],
                },
                "legacy_fn": {
                    "//": {"metadata": {"path": "demo/legacy/function"}},
                    "function_name": "demo-legacy",
                    "handler": "legacy.lambda_handler",
                },
                "named_later": {"//": {"metadata": {"path": "demo/later/function"}}, "function_name": "${var.name}"},
                "stored": {
                    "//": {"metadata": {"path": "demo/stored/function"}, PACKAGE: {**API, "name": "stored"}},
                    "function_name": "demo-stored",
                    "s3_bucket": "${aws_s3_object.stored_obj.bucket}",
                    "s3_key": "${aws_s3_object.stored_obj.key}",
                },
            },
            "aws_lambda_alias": {
                "api_alias": {"function_name": "${aws_lambda_function.api_fn.function_name}", "name": "live"}
            },
            "aws_s3_object": {
                "stored_obj": {"bucket": "artifacts-bucket", "key": "builds/stored-" + "0" * 24 + ".zip"}
            },
            "aws_lambda_layer_version": {
                "util_layer": {
                    "//": {PACKAGE: UTIL},
                    "layer_name": "demo-util",
                    "compatible_runtimes": ["python3.13"],
                    "description": "util",
                },
                "deps": {"//": {DEPENDENCIES: DEPS}, "layer_name": "demo-deps"},
                "foreign": {"layer_name": "made-elsewhere"},
            },
        },
    }


def test_functions_carry_their_sources_alias_layers_and_configuration(tmp_path):
    stack = parse_stack("demo", tmp_path, stack_json())
    assert stack.region == "eu-west-1"
    api = stack.function("api")
    assert api.function_name == "demo-api" and api.alias == "live" and api.problem is None
    assert api.source == PackageSource("src/api", "api", "function", ("python3.13",))
    assert api.layers == ("util_layer", "deps")
    assert api.configuration == {
        "handler": "api.lambda_handler",
        "runtime": "python3.13",
        "memory_size": 256,
        "timeout": 3,
        "environment": {"MODE": "dev", "TABLE": None},
    }
    assert stack.users("deps") == (api,)


def test_layers_are_runtime_modules_or_dependency_layers(tmp_path):
    layers = parse_stack("demo", tmp_path, stack_json()).layers
    assert sorted(layers) == ["deps", "util_layer"], "a layer not built by this library is not synced"
    assert layers["util_layer"].source is not None and layers["util_layer"].description == "util"
    assert layers["util_layer"].watched(tmp_path) == (tmp_path / "src/util",)
    assert layers["deps"].dependencies == DEPS and layers["deps"].watched(tmp_path) == (tmp_path / "src/Pipfile.lock",)


def test_what_cannot_be_synced_says_why(tmp_path):
    stack = parse_stack("demo", tmp_path, stack_json())
    assert "packaging_mode='synth'" in str(stack.function("legacy").problem)
    assert stack.skipped == {"later": "its function_name is known only at apply time"}
    with pytest.raises(InvalidParameterError, match="known only at apply time"):
        stack.function("later")
    with pytest.raises(InvalidParameterError, match=r"Invalid FUNCTION: 'nope'. Allowed: a function of stack demo"):
        stack.function("nope")


def test_a_package_on_s3_keeps_its_bucket_and_prefix(tmp_path):
    stored = parse_stack("demo", tmp_path, stack_json()).function("demo-stored")
    assert stored.s3 == S3Location("artifacts-bucket", "builds/")
    assert stored.s3.key("stored-" + "1" * 24 + ".zip") == "builds/stored-" + "1" * 24 + ".zip"


def test_an_s3_bucket_known_only_at_apply_is_a_problem(tmp_path):
    data = stack_json()
    data["resource"]["aws_s3_object"]["stored_obj"]["bucket"] = "${aws_s3_bucket.made_here.id}"
    stored = parse_stack("demo", tmp_path, data).function("stored")
    assert stored.s3 is None and stored.problem == "its S3 bucket or key is known only at apply time"


def test_select_by_name_or_construct_id_once_each(tmp_path):
    stack = parse_stack("demo", tmp_path, stack_json())
    assert [t.function_name for t in select(stack, ["api", "demo-api", "stored"])] == ["demo-api", "demo-stored"]
    assert select(stack, []) == stack.functions


def test_package_records_round_trip_and_default_excludes_are_not_written():
    source = PackageSource("src/api", "api", "function", ("python3.13",))
    assert "excludes" not in source.metadata() and PackageSource.from_metadata(source.metadata()) == source
    custom = PackageSource("src/api", "api", "function", ("python3.13",), bytecode=False, excludes=("*.md",))
    assert custom.metadata()["excludes"] == ["*.md"] and PackageSource.from_metadata(custom.metadata()) == custom
    assert source.excludes == DEFAULT_EXCLUDES
    with pytest.raises(SourceError, match="Unreadable package record"):
        PackageSource.from_metadata({"source_dir": "x", "name": "x", "kind": "container", "runtimes": []})


def write_stack(outdir: Path, name: str) -> None:
    (outdir / "stacks" / name).mkdir(parents=True)
    (outdir / "stacks" / name / "cdk.tf.json").write_text(json.dumps(stack_json()))


def test_read_stack_picks_the_only_stack_and_asks_when_there_are_several(tmp_path):
    with pytest.raises(SourceError, match="No synthesized stack"):
        read_stack(tmp_path / "cdktf.out", tmp_path)
    write_stack(tmp_path / "cdktf.out", "demo-dev")
    assert read_stack(tmp_path / "cdktf.out", tmp_path).name == "demo-dev"
    write_stack(tmp_path / "cdktf.out", "demo-prod")
    with pytest.raises(InvalidParameterError, match=r"Invalid --stack: None. Allowed: one of demo-dev, demo-prod"):
        read_stack(tmp_path / "cdktf.out", tmp_path)
    assert read_stack(tmp_path / "cdktf.out", tmp_path, "demo-prod").name == "demo-prod"
