"""Artifacts on S3 deployed into moto: a function, its runtime-module layer and a dependency layer, each zip an
``aws_s3_object`` (``store_on_s3=True``), the function and layers deployed from ``s3_bucket``/``s3_key``; the function
runs on an EventBridge scheduled rule (``Schedule`` without a time zone: the rule, its target and the permission, which
the app, on EventBridge Scheduler, does not deploy).

apply -> the objects hold the zips (same bytes), the function and layers report the zips' ``CodeSha256``, the rule
targets the function -> plan is empty -> destroy -> no object is left (the bucket, made by the test as a user's
existing bucket, is then removed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cdktf_lambda import DependencyLayer, ExecutionRole, LambdaPythonFunction, RuntimeCodeModules, Schedule, cdk
from cdktf_lambda.emulator.server import MotoServer, aws_client
from cdktf_lambda.packaging.hashing import base64_sha256
from cdktf_lambda.stack.providers import add_aws_provider
from tests.lifecycle._lifecycle import Deployment, Phases, assert_nothing_left, echo

pytestmark = pytest.mark.terraform

BUCKET = "acme-lambda-artifacts"
RULE = "artifacts-tick"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _synth(outdir: Path, source: Path) -> Path:
    app = cdk.App(outdir=os.fspath(outdir))
    stack = cdk.TerraformStack(app, "artifacts")
    add_aws_provider(stack, region="us-east-1")
    s3 = {"store_on_s3": True, "s3_bucket": BUCKET, "s3_prefix": "builds/"}
    code = RuntimeCodeModules(
        stack, "code", source_base_path=source, functions=("api_server",), packaging_mode="synth", **s3
    )
    deps = DependencyLayer(
        stack, "deps", lock_file=PROJECT_ROOT / "lambda_src" / "Pipfile.lock", layer_name="artifacts-deps", **s3
    )
    role = ExecutionRole(stack, "role", role_name="artifacts-role")
    function = LambdaPythonFunction(
        stack, "api", function_name="artifacts-api", package=code.api_server, role=role, layers=[deps.info]
    )
    Schedule(stack, "tick", rule_name=RULE, schedule_expression="rate(5 minutes)", function=function)
    app.synth()
    return outdir / "stacks" / "artifacts"


def test_functions_and_layers_deploy_from_s3(
    tmp_path: Path, cli_config: Path, moto: MotoServer, make_source, capsys: pytest.CaptureFixture
) -> None:
    source = make_source(
        {
            "api_server/__init__.py": "",
            "api_server/api_server.py": "def lambda_handler(event, context):\n    return {}\n",
            "practice_util/__init__.py": "VALUE = 1\n",
        }
    )
    phases = Phases("artifacts on S3, raw terraform")
    s3 = aws_client("s3", moto.endpoint_url)
    s3.create_bucket(Bucket=BUCKET)
    try:
        with phases("synth"):
            stack_dir = _synth(tmp_path / "cdktf.out", source)
        tf = Deployment(stack_dir, moto, cli_config)
        with phases("init + apply"):
            tf.terraform("init", "-input=false")
            tf.terraform("apply", "-input=false", "-auto-approve")
        config = tf.config
        objects = config["resource"]["aws_s3_object"]
        assert len(objects) == 3, sorted(objects)
        for logical_id, want in objects.items():
            body = s3.get_object(Bucket=BUCKET, Key=want["key"])["Body"].read()
            assert body == (stack_dir / want["source"]).read_bytes(), logical_id
            assert base64_sha256(stack_dir / want["source"]) == want["source_hash"], logical_id
            assert want["key"].startswith("builds/") and want["key"].endswith(".zip")
        lam = aws_client("lambda", moto.endpoint_url)
        (function,) = config["resource"]["aws_lambda_function"].values()
        assert "filename" not in function and function["s3_bucket"].startswith("${aws_s3_object.")
        got = lam.get_function(FunctionName="artifacts-api")
        assert got["Configuration"]["CodeSha256"] == function["source_code_hash"]
        assert got["Code"]["RepositoryType"] == "S3"
        state, _ = tf.show()
        for logical_id, layer in config["resource"]["aws_lambda_layer_version"].items():
            assert "filename" not in layer and layer["s3_key"].startswith("${aws_s3_object.")
            deployed = state[f"aws_lambda_layer_version.{logical_id}"]
            content = lam.get_layer_version(LayerName=deployed["layer_name"], VersionNumber=int(deployed["version"]))
            assert content["Content"]["CodeSha256"] == layer["source_code_hash"], logical_id
        events = aws_client("events", moto.endpoint_url)
        assert events.describe_rule(Name=RULE)["ScheduleExpression"] == "rate(5 minutes)"
        (target,) = events.list_targets_by_rule(Rule=RULE)["Targets"]
        assert target["Arn"] == got["Configuration"]["FunctionArn"]
        with phases("plan (no drift)"):
            tf.assert_no_drift("after deploying from S3")
        with phases("destroy"):
            tf.terraform("destroy", "-input=false", "-auto-approve")
        assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0, "destroy left artifacts in the bucket"
    finally:
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)
        with capsys.disabled():
            echo("\n" + phases.report())
    assert_nothing_left(moto.endpoint_url)
