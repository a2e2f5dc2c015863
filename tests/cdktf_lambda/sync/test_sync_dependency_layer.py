"""A lock-file change: the dependency layer is built again as a synth builds it (pip, from the session's wheels),
published as a new version, and every function using it moves to that version (and its alias with it)."""

from __future__ import annotations

import json
import shutil

import pytest

from cdktf_lambda.emulator.server import aws_client, running_server
from cdktf_lambda.packaging.bytecode import bytecode_for
from cdktf_lambda.packaging.layer_build import METADATA_KEY, build_layer
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE
from cdktf_lambda.packaging.package_source import PackageSource
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.sync import LambdaApi, Syncer
from cdktf_lambda.sync.package import package_cache, package_code
from cdktf_lambda.sync.stack import parse_stack
from tests.fixtures.layers import LAMBDA_LOCK, lock_without

pytestmark = pytest.mark.slow

API = PackageSource("src/api", "api", "function", ("python3.13",))
DEPS = {"lock_file": "src/Pipfile.lock", "lock_format": "pipfile", "runtime": "python3.13", "architecture": "x86_64"}


def test_a_lock_file_change_publishes_the_layer_and_moves_its_functions(offline_env, make_source, tmp_path):
    handler = "def lambda_handler(event, context):\n    return 1\n"
    project = make_source({"src/api/__init__.py": "", "src/api/api.py": handler}, tmp_path / "project")
    lock = lock_without({"mangum"}, project / "src" / "Pipfile.lock")
    cache = package_cache(project)
    bytecode = bytecode_for(("python3.13",))
    before = build_layer(lock, Target(), cache, bytecode=bytecode)
    stack_json = {
        "resource": {
            "aws_lambda_function": {
                "api_fn": {
                    "//": {PACKAGE: API.metadata()},
                    "function_name": "deps-api",
                    "handler": "api.lambda_handler",
                    "runtime": "python3.13",
                    "layers": ["${aws_lambda_layer_version.deps.arn}"],
                }
            },
            "aws_lambda_alias": {"a": {"function_name": "${aws_lambda_function.api_fn.function_name}", "name": "live"}},
            "aws_lambda_layer_version": {"deps": {"//": {METADATA_KEY: DEPS}, "layer_name": "deps-layer"}},
        }
    }
    with running_server(log_path=tmp_path / "moto.log") as server:
        client = aws_client("lambda", server.endpoint_url)
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "*"}]}
        role = aws_client("iam", server.endpoint_url).create_role(
            RoleName="r", AssumeRolePolicyDocument=json.dumps(trust)
        )
        layer = client.publish_layer_version(LayerName="deps-layer", Content={"ZipFile": before.path.read_bytes()})
        code = package_code(API.list_files(project), API, project, on_s3=False)
        client.create_function(
            FunctionName="deps-api",
            Runtime="python3.13",
            Role=role["Role"]["Arn"],
            Handler="api.lambda_handler",
            Code={"ZipFile": code.path.read_bytes()},
            Layers=[layer["LayerVersionArn"]],
            Publish=True,
        )
        client.create_alias(FunctionName="deps-api", Name="live", FunctionVersion="1")
        syncer = Syncer(parse_stack("demo", project, stack_json), LambdaApi(client))
        assert [r.outcome for r in syncer.sync({lock})] == ["unchanged"], "the lock builds the deployed layer"

        shutil.copyfile(LAMBDA_LOCK, lock)  # mangum is added back
        layer_report, function_report = syncer.sync({lock})
        after = build_layer(LAMBDA_LOCK, Target(), cache, bytecode=bytecode)
        assert after.zip_hash != before.zip_hash
        assert layer_report.line().startswith("synced deps-layer: layer version 2 (Pipfile.lock), ")
        assert client.get_layer_version(LayerName="deps-layer", VersionNumber=2)["Content"]["CodeSha256"] == (
            after.zip_hash
        )
        assert function_report.line().startswith("synced deps-api: layers (deps-layer:2), version 2 → alias live, ")
        config = client.get_function_configuration(FunctionName="deps-api")
        assert [item["Arn"].rsplit(":", 2)[-2:] for item in config["Layers"]] == [["deps-layer", "2"]]
        assert client.get_alias(FunctionName="deps-api", Name="live")["FunctionVersion"] == "2"
