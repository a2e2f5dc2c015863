"""The local cloud's plain parts: settings, the SQS event shapes, boto3 as the runtime gives it, layer metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from cdktf_lambda.emulator.cloud.artifacts import Artifacts
from cdktf_lambda.emulator.cloud.config import CloudConfig
from cdktf_lambda.emulator.cloud.sqs_events import batch_failures, sqs_record
from cdktf_lambda.packaging.layer_build import METADATA_KEY
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.runtime.provided import runtime_distributions, runtime_packages_dir

IDS = ["m1", "m2", "m3"]


@pytest.mark.parametrize(
    ("payload", "failed"),
    [
        (b"", set()),
        (b"null", set()),
        (b"[1, 2]", set()),
        (b'{"batchItemFailures": []}', set()),
        (b'{"batchItemFailures": null}', set()),
        (b"{}", set()),
        (b'{"batchItemFailures": [{"itemIdentifier": "m2"}]}', {"m2"}),
        (b'{"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}', {"m1", "m3"}),
        (b"not json", None),
        (b'{"batchItemFailures": [{"itemIdentifier": "other"}]}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', None),
        (b'{"batchItemFailures": [{}]}', None),
        (b'{"batchItemFailures": "m1"}', None),
    ],
)
def test_batch_failures_follow_the_aws_rules(payload: bytes, failed: set[str] | None) -> None:
    assert batch_failures(payload, IDS) == failed


def test_sqs_record_shape() -> None:
    message = SimpleNamespace(
        id="m1",
        receipt_handle="rh",
        body='{"x": 1}',
        body_md5="md5",
        approximate_receive_count=2,
        sent_timestamp=1700000000000,
        sender_id="AIDA",
        approximate_first_receive_timestamp=1700000000100,
        system_attributes={},
        message_attributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
        attribute_md5="amd5",
    )
    queue = SimpleNamespace(fifo_queue=False, queue_arn="arn:aws:sqs:us-east-1:123456789012:q")
    assert sqs_record(message, queue, "us-east-1") == {
        "messageId": "m1",
        "receiptHandle": "rh",
        "body": '{"x": 1}',
        "attributes": {
            "ApproximateReceiveCount": "2",
            "SentTimestamp": "1700000000000",
            "SenderId": "AIDA",
            "ApproximateFirstReceiveTimestamp": "1700000000100",
        },
        "messageAttributes": {
            "kind": {"stringValue": "greeting", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
        },
        "md5OfBody": "md5",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
        "awsRegion": "us-east-1",
        "md5OfMessageAttributes": "amd5",
    }


def test_config_from_the_command_line_and_environment(tmp_path: Path) -> None:
    config = CloudConfig.from_env(
        {
            "CDKTF_LAMBDA_LOCAL_SYNTH_DIRS": f"{tmp_path}{os.pathsep}{tmp_path / 'b'}",
            "CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS": "0.5,1",
            "CDKTF_LAMBDA_LOCAL_CONCURRENCY": "3",
        },
        ["-H", "127.0.0.1", "--port=4566"],
    )
    assert (config.endpoint_url, config.host, config.concurrency) == ("http://127.0.0.1:4566", "127.0.0.1", 3)
    assert config.synth_dirs == (tmp_path, tmp_path / "b") and config.async_retry_delays == (0.5, 1.0)
    assert CloudConfig.from_env({}, ["-p", "5001"]).endpoint_url == "http://127.0.0.1:5001"
    assert CloudConfig.from_env({"CDKTF_LAMBDA_LOCAL_CLOUD": "0"}, []).enabled is False
    assert CloudConfig.from_env({"CDKTF_LAMBDA_LOCAL_ENDPOINT": "http://127.0.0.1:9/"}, []).endpoint_url.endswith(":9")


@pytest.mark.parametrize(
    ("name", "value"),
    [("CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS", "soon"), ("CDKTF_LAMBDA_LOCAL_CONCURRENCY", "0")],
)
def test_bad_config_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        CloudConfig.from_env({name: value}, [])


@pytest.mark.slow
def test_runtime_packages_give_boto3_to_an_isolated_interpreter(tmp_path: Path) -> None:
    assert {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3"} <= set(runtime_distributions())
    directory = runtime_packages_dir(tmp_path)
    assert runtime_packages_dir(tmp_path) == directory and len(list(tmp_path.iterdir())) == 1
    probe = f"import sys; sys.path.append({str(directory)!r}); import boto3; print(boto3.__file__)"
    found = subprocess.run([sys.executable, "-I", "-S", "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip().startswith(str(directory))


def _layer_zip(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("python/dep.py", "X = 1\n")
    return path.read_bytes()


def test_a_dependency_layer_is_found_by_its_hash_in_the_deployed_stack(tmp_path: Path) -> None:
    project = tmp_path / "project"
    stack_dir = project / ".cdktf-lambda" / "local" / "cdktf.out" / "stacks" / "app"
    stack_dir.mkdir(parents=True)
    (project / "cdktf.json").write_text("{}")
    meta = {
        "lock_file": "src/Pipfile.lock",
        "lock_default_sha256": "abc",
        "runtime": "python3.13",
        "architecture": "x86_64",
    }
    layers = {
        "deps": {"source_code_hash": "HASH=", "//": {METADATA_KEY: meta}},
        "util": {"source_code_hash": "OTHER="},
    }
    (stack_dir / "cdk.tf.json").write_text(json.dumps({"resource": {"aws_lambda_layer_version": layers}}))
    artifacts = Artifacts(tmp_path / "cache", [project / ".cdktf-lambda" / "local" / "cdktf.out"])

    found = artifacts.dependency_metadata("HASH=")
    assert found is not None
    assert (found.lock_file, found.runtime, found.architecture) == (
        project / "src/Pipfile.lock",
        "python3.13",
        "x86_64",
    )
    assert artifacts.dependency_metadata("OTHER=") is None

    # A layer for the runner's own target runs as deployed, from the content-addressed store.
    data = _layer_zip(tmp_path / "deps.zip")
    path = artifacts.layer_zip(data, "d" * 64, "HASH=", Target("python3.13", "x86_64"))
    assert path == tmp_path / "cache" / "zips" / f"{'d' * 64}.zip" and path.read_bytes() == data
    # For another target it would be rebuilt from its lock file, which is missing here: a clear error.
    with pytest.raises(Exception, match="cannot run on python3.11/x86_64; its lock file .* is not there"):
        artifacts.layer_zip(data, "d" * 64, "HASH=", Target("python3.11", "x86_64"), "arn:deps:1")
