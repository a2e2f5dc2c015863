"""``main.py`` as ``cdktf synth`` runs it: output layout, determinism, and portability across checkouts."""

from __future__ import annotations

import json
import os

import pytest

from tests._checkout import copy_checkout
from tests._synth import synth, tree_bytes
from tests.conftest import PROJECT_ROOT

#: Runs pip, a subprocess synth or an external tool.
pytestmark = pytest.mark.slow

STACK = "practice-dev"


@pytest.fixture(scope="module")
def first_synth(tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    return synth(PROJECT_ROOT, base / "out")


def test_writes_the_stack_json_with_three_functions_and_the_layers(first_synth):
    stack_json = json.loads((first_synth / "stacks" / STACK / "cdk.tf.json").read_text())
    resources = stack_json["resource"]
    assert len(resources["aws_lambda_function"]) == 3
    assert len(resources["aws_lambda_layer_version"]) == 2  # practice_util and the dependencies
    assert sorted(g["name"] for g in resources["aws_cloudwatch_log_group"].values() if "/aws/lambda/" in g["name"]) == [
        "/aws/lambda/practice-dev-api-server",
        "/aws/lambda/practice-dev-cron-server",
        "/aws/lambda/practice-dev-worker",
    ]
    assert {g["retention_in_days"] for g in resources["aws_cloudwatch_log_group"].values()} == {14}
    assert len(resources["aws_apigatewayv2_api"]) == len(resources["aws_scheduler_schedule"]) == 1
    assert len(resources["aws_lambda_alias"]) == 3
    assert len(resources["aws_sqs_queue"]) == 3 and len(resources["aws_lambda_event_source_mapping"]) == 1
    assert {"api_server_function_arn", "worker_zip_hash"} <= set(stack_json["output"])


def test_every_zip_the_json_names_is_in_the_synth_output(first_synth):
    stack_dir = first_synth / "stacks" / STACK
    stack_json = json.loads((stack_dir / "cdk.tf.json").read_text())
    paths = [
        r["filename"]
        for t in ("aws_lambda_function", "aws_lambda_layer_version")
        for r in stack_json["resource"][t].values()
    ]
    assert len(paths) == 5  # three functions, two layers
    for relative in paths:
        assert not relative.startswith("/") and (stack_dir / relative).is_file()


def test_no_absolute_path_of_the_build_machine_in_any_output(first_synth):
    for name, data in tree_bytes(first_synth).items():
        if name.endswith(".json"):
            text = data.decode()
            assert str(PROJECT_ROOT) not in text and str(first_synth) not in text, name


def test_synthesizing_twice_gives_identical_bytes(first_synth, tmp_path):
    again = synth(PROJECT_ROOT, tmp_path / "out")
    assert tree_bytes(again) == tree_bytes(first_synth)


def test_two_checkouts_in_different_directories_give_identical_bytes(first_synth, tmp_path):
    other = copy_checkout(tmp_path / "elsewhere" / "clone")
    for path in other.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    out = synth(other, tmp_path / "out", tmp_path / "cache")  # a cache of its own: every zip built anew
    assert tree_bytes(out) == tree_bytes(first_synth)


def test_environments_from_context_give_one_stack_each(tmp_path):
    context = json.dumps({"projectName": "shop", "environments": ["dev", "prod"], "packagingMode": "synth"})
    out = synth(PROJECT_ROOT, tmp_path / "out", CDKTF_CONTEXT_JSON=context)
    assert sorted(p.name for p in (out / "stacks").iterdir()) == ["shop-dev", "shop-prod"]
    prod = json.loads((out / "stacks" / "shop-prod" / "cdk.tf.json").read_text())
    assert "shop-prod-worker" in {f["function_name"] for f in prod["resource"]["aws_lambda_function"].values()}


def test_s3_backend_from_context(tmp_path):
    context = json.dumps(
        {
            "environments": ["prod"],
            "backend": {"type": "s3", "bucket": "acme-state", "key": "{project}/{environment}.tfstate"},
        }
    )
    out = synth(PROJECT_ROOT, tmp_path / "out", CDKTF_CONTEXT_JSON=context)
    backend = json.loads((out / "stacks" / "practice-prod" / "cdk.tf.json").read_text())["terraform"]["backend"]
    assert backend == {
        "s3": {
            "bucket": "acme-state",
            "encrypt": True,
            "key": "practice/prod.tfstate",
            "region": "us-east-1",
            "use_lockfile": True,
        }
    }
