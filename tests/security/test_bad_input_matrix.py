"""Every bad input a user can give, through the public constructs: a specific error class, a message naming the
parameter (or the file), raised at synth time — and nothing left behind: no zip in the package cache, no synth
output, no resource in the stack."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cdktf_lambda import (
    CdktfLambdaError,
    DynamoTable,
    ExecutionRole,
    HandlerNotFoundError,
    InvalidParameterError,
    LambdaFastapiServer,
    PackageTooLargeError,
    QueueWorker,
    RuntimeCodeModules,
    Schedule,
    SourceError,
    cdk,
)

ROLE = "arn:aws:iam::123456789012:role/practice-dev-api-server-role"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:deps:1"
SERVER = {"function_name": "f", "package_zip_path": "a.zip", "package_zip_hash": "aA==", "execution_role_arn": ROLE}


def server(**overrides):
    def build(stack, _src):
        LambdaFastapiServer(stack, "api", **{**SERVER, **overrides})

    return build


def code(**overrides):
    def build(stack, src):
        kwargs = {"source_base_path": src, "functions": ("api_server",), "packaging_mode": "synth", **overrides}
        RuntimeCodeModules(stack, "code", **kwargs)

    return build


def queue(visibility_timeout_seconds):
    def build(stack, _src):
        role = ExecutionRole(stack, "role", role_name="r")
        fn = LambdaFastapiServer(stack, "api", **{**SERVER, "execution_role_arn": role.arn})
        QueueWorker(
            stack, "q", queue_name="q", function=fn, role=role, visibility_timeout_seconds=visibility_timeout_seconds
        )

    return build


def role_with_tags(tags):
    def build(stack, _src):
        ExecutionRole(stack, "role", role_name="r", tags=tags)

    return build


def schedule(expression):
    def build(stack, _src):
        fn = LambdaFastapiServer(stack, "api", **SERVER)
        Schedule(stack, "s", rule_name="r", schedule_expression=expression, function=fn)

    return build


def table(**overrides):
    def build(stack, _src):
        DynamoTable(stack, "t", **{"table_name": "greetings", "partition_key": "request_id", **overrides})

    return build


def tree(mutate: Callable[[Path], None]):
    """A RuntimeCodeModules build over a source tree broken by ``mutate``."""

    def build(stack, src):
        mutate(src)
        code()(stack, src)

    return build


def _rm(relative):
    return lambda src: (src / relative).unlink()


def _write(relative, content: bytes):
    return lambda src: (src / relative).write_bytes(content)


def _symlink_out(src):
    outside = src.parent / "outside-secret.txt"
    outside.write_text("not yours")
    (src / "api_server" / "link.txt").symlink_to(outside)


CASES = {
    "function_name empty": (server(function_name=""), InvalidParameterError, "function_name"),
    "function_name 65 chars": (server(function_name="f" * 65), InvalidParameterError, "function_name"),
    "function_name bad characters": (server(function_name="api server!"), InvalidParameterError, "function_name"),
    "memory_size 127": (server(memory_size=127), InvalidParameterError, "memory_size"),
    "memory_size 10241": (server(memory_size=10241), InvalidParameterError, "memory_size"),
    "memory_size not an int": (server(memory_size="512"), InvalidParameterError, "memory_size"),
    "timeout 0": (server(timeout=0), InvalidParameterError, "timeout"),
    "timeout 901": (server(timeout=901), InvalidParameterError, "timeout"),
    "log_retention_days 15": (server(log_retention_days=15), InvalidParameterError, "log_retention_days"),
    "runtime python2.7": (server(runtime="python2.7"), InvalidParameterError, "runtime"),
    "runtime nodejs20.x": (server(runtime="nodejs20.x"), InvalidParameterError, "runtime"),
    "env reserved AWS_ key": (
        server(environment_variables={"AWS_REGION": "x"}),
        InvalidParameterError,
        "environment_variables key",
    ),
    "env key bad characters": (
        server(environment_variables={"MY-KEY": "x"}),
        InvalidParameterError,
        "environment_variables key",
    ),
    "env total > 4 KB": (
        server(environment_variables={"BIG": "x" * 5000}),
        InvalidParameterError,
        "environment_variables",
    ),
    "6 layers": (server(layers=[LAYER] * 6), InvalidParameterError, "layers"),
    "malformed layer ARN": (
        server(layers=["arn:aws:lambda:us-east-1:123:layer:x"]),
        InvalidParameterError,
        "layers item",
    ),
    "malformed role ARN": (server(execution_role_arn="role/x"), InvalidParameterError, "execution_role_arn"),
    "handler without a function": (server(handler="api_server"), InvalidParameterError, "handler"),
    "missing source_base_path": (code(source_base_path=""), InvalidParameterError, "source_base_path"),
    "source_base_path not a directory": (code(source_base_path="no/such/dir"), SourceError, "source_base_path"),
    "function dir without __init__.py": (tree(_rm("api_server/__init__.py")), HandlerNotFoundError, "__init__.py"),
    "function dir without handler file": (tree(_rm("api_server/api_server.py")), HandlerNotFoundError, "api_server.py"),
    "symlink outside the source tree": (tree(_symlink_out), SourceError, "link.txt"),
    "zip over the 50 MB limit": (
        tree(_write("api_server/blob.bin", os.urandom(51 * 2**20))),
        PackageTooLargeError,
        "'api_server'",
    ),
    "empty output_dir": (code(output_dir=" ", packaging_mode="archive_file"), InvalidParameterError, "output_dir"),
    "51 tags": (server(tags={f"k{i}": "v" for i in range(51)}), InvalidParameterError, "tags"),
    "tag key with the aws: prefix": (server(tags={"aws:owner": "me"}), InvalidParameterError, "tags key"),
    "tag key of 129 characters": (server(tags={"k" * 129: "v"}), InvalidParameterError, "tags key"),
    "tag value of 257 characters": (server(tags={"team": "v" * 257}), InvalidParameterError, "tags['team']"),
    "role tags with the aws: prefix": (role_with_tags({"aws:x": "y"}), InvalidParameterError, "tags key"),
    "description of 257 characters": (server(description="d" * 257), InvalidParameterError, "description"),
    "reserved_concurrent_executions -1": (
        server(reserved_concurrent_executions=-1),
        InvalidParameterError,
        "reserved_concurrent_executions",
    ),
    "tracing_mode Always": (server(tracing_mode="Always"), InvalidParameterError, "tracing_mode"),
    "unknown packaging_mode": (code(packaging_mode="docker"), InvalidParameterError, "packaging_mode"),
    "visibility timeout < 6 x timeout": (queue(120), InvalidParameterError, "visibility_timeout_seconds"),
    "bad schedule expression": (schedule("every 5 minutes"), InvalidParameterError, "schedule_expression"),
    "table_name of 2 characters": (table(table_name="ab"), InvalidParameterError, "table_name"),
    "table key type BOOL": (table(partition_key_type="BOOL"), InvalidParameterError, "partition_key_type"),
    "capacity on an on-demand table": (table(read_capacity=5), InvalidParameterError, "read_capacity"),
    "provisioned table without capacity": (table(billing_mode="PROVISIONED"), InvalidParameterError, "read_capacity"),
}
#: Cases whose failing construct comes after a valid one: only the failing construct's resources must be absent.
ABSENT_TYPES = {
    "visibility timeout < 6 x timeout": ("aws_sqs_queue", "aws_lambda_event_source_mapping"),
    "bad schedule expression": ("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"),
}


#: Cases whose failing construct comes after a valid one: only the failing construct's resources must be absent.
ABSENT_TYPES = {
    "visibility timeout < 6 x timeout": ("aws_sqs_queue", "aws_lambda_event_source_mapping"),
    "bad schedule expression": ("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"),
}


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    src = tmp_path / "lambda_src"
    for relative, content in {
        "api_server/__init__.py": "",
        "api_server/api_server.py": "def lambda_handler(event, context):\n    return {}\n",
        "practice_util/__init__.py": "",
    }.items():
        (src / relative).parent.mkdir(parents=True, exist_ok=True)
        (src / relative).write_text(content)
    return src


def _files(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*") if p.is_file()} if directory.exists() else set()


def test_the_matrix_has_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case, source_tree, tmp_path, monkeypatch):
    build, error, named = CASES[case]
    cache = tmp_path / "cache"
    monkeypatch.setenv("CDKTF_LAMBDA_CACHE_DIR", str(cache))
    outdir = tmp_path / "cdktf.out"
    app = cdk.App(outdir=str(outdir))
    stack = cdk.TerraformStack(app, "test")
    before = _files(cache)

    with pytest.raises(error) as caught:
        build(stack, source_tree)

    assert isinstance(caught.value, CdktfLambdaError) and isinstance(caught.value, ValueError)
    assert named in str(caught.value), f"the message does not name {named!r}: {caught.value}"
    assert _files(cache) == before, "a zip (or a temporary file) was left in the package cache"
    assert _files(outdir) == set(), "synth output was written although the stack failed"
    created = json.loads(cdk.Testing.synth(stack)).get("resource", {})
    if case in ABSENT_TYPES:
        assert not set(created) & set(ABSENT_TYPES[case]), sorted(created)
    else:
        assert created == {}, f"resources were added before the error: {sorted(created)}"
