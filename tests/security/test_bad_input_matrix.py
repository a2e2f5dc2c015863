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
    DependencyLayer,
    DynamoTable,
    ExecutionRole,
    HandlerNotFoundError,
    InvalidParameterError,
    LambdaFastapiServer,
    LambdaPythonPackage,
    PackageTooLargeError,
    QueueWorker,
    RuntimeCodeModules,
    Schedule,
    SourceError,
    cdk,
)

ROLE = "arn:aws:iam::123456789012:role/practice-dev-api-server-role"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:deps:1"
LOCKS = "tests/fixtures/locks/webapp"
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


def schedule(expression, **options):
    def build(stack, _src):
        fn = LambdaFastapiServer(stack, "api", **SERVER)
        Schedule(stack, "s", rule_name="r", schedule_expression=expression, function=fn, **options)

    return build


def layer(**overrides):
    """A DependencyLayer over the lock fixture project (its uv.lock unless ``lock_file`` says otherwise)."""

    def build(stack, _src):
        kwargs = {"lock_file": f"{LOCKS}/uv.lock", "layer_name": "deps", **overrides}
        DependencyLayer(stack, "deps", **kwargs)

    return build


def table(**overrides):
    def build(stack, _src):
        DynamoTable(stack, "t", **{"table_name": "greetings", "partition_key": "request_id", **overrides})

    return build


def package(**options):
    def build(stack, src):
        LambdaPythonPackage(stack, "pkg", source_dir=src / "api_server", packaging_mode="synth", **options)

    return build


SUBNET, GROUP = "subnet-0123456789abcdef0", "sg-0123456789abcdef0"


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
    "unknown lock_format": (layer(lock_format="pdm"), InvalidParameterError, "lock_format"),
    "lock file of no known name": (layer(lock_file=f"{LOCKS}/pyproject.toml"), InvalidParameterError, "lock_format"),
    "missing lock file": (layer(lock_file="nowhere/uv.lock"), SourceError, "nowhere/uv.lock"),
    "categories with a uv.lock": (layer(categories=["default"]), InvalidParameterError, "categories"),
    "groups with a Pipfile.lock": (
        layer(lock_file=f"{LOCKS}/Pipfile.lock", groups=["dev"]),
        InvalidParameterError,
        "groups",
    ),
    "unknown Pipfile category": (
        layer(lock_file=f"{LOCKS}/Pipfile.lock", categories=["prod"]),
        InvalidParameterError,
        "categories",
    ),
    "unknown uv group": (layer(groups=["docs"]), InvalidParameterError, "groups"),
    "unknown poetry extra": (
        layer(lock_file=f"{LOCKS}/poetry.lock", extras=["server"]),
        InvalidParameterError,
        "extras",
    ),
    "exclude as a string": (layer(exclude="boto3"), InvalidParameterError, "exclude"),
    "exclude a package not in the lock": (layer(exclude=["boto3"]), InvalidParameterError, "exclude"),
    "requirements without hashes": (
        layer(lock_file=f"{LOCKS}/requirements-nohashes.txt"),
        SourceError,
        "requirements-nohashes.txt",
    ),
    "Pipfile.lock of another Python": (
        layer(lock_file=f"{LOCKS}/Pipfile.lock", runtime="python3.12"),
        SourceError,
        "Python 3.13",
    ),
    # production options of a function
    "snap_start on python3.11": (
        server(snap_start=True, publish=True, runtime="python3.11"),
        InvalidParameterError,
        "snap_start",
    ),
    "snap_start without publish": (server(snap_start=True), InvalidParameterError, "snap_start"),
    "snap_start with provisioned concurrency": (
        server(snap_start=True, publish=True, alias_name="live", provisioned_concurrent_executions=1),
        InvalidParameterError,
        "provisioned concurrency",
    ),
    "snap_start with 1024 MB ephemeral storage": (
        server(snap_start=True, publish=True, ephemeral_storage_size=1024),
        InvalidParameterError,
        "ephemeral_storage_size",
    ),
    "provisioned concurrency without an alias": (
        server(provisioned_concurrent_executions=2),
        InvalidParameterError,
        "provisioned_concurrent_executions",
    ),
    "alias without publish": (server(alias_name="live"), InvalidParameterError, "alias_name"),
    "log format XML": (server(logging_log_format="XML"), InvalidParameterError, "logging_log_format"),
    "application log level LOUD": (
        server(logging_log_format="JSON", logging_application_log_level="LOUD"),
        InvalidParameterError,
        "logging_application_log_level",
    ),
    "system log level with Text logs": (
        server(logging_system_log_level="WARN"),
        InvalidParameterError,
        "logging_system_log_level",
    ),
    "recursive loop Maybe": (server(recursive_loop="Maybe"), InvalidParameterError, "recursive_loop"),
    "retries 3": (server(maximum_retry_attempts=3), InvalidParameterError, "maximum_retry_attempts"),
    "event age 59": (server(maximum_event_age_in_seconds=59), InvalidParameterError, "maximum_event_age_in_seconds"),
    "destination not an sqs/sns/lambda/events ARN": (
        server(destination_on_failure="arn:aws:s3:::bucket"),
        InvalidParameterError,
        "destination_on_failure",
    ),
    "ephemeral storage 511": (server(ephemeral_storage_size=511), InvalidParameterError, "ephemeral_storage_size"),
    "ephemeral storage 10241": (server(ephemeral_storage_size=10241), InvalidParameterError, "ephemeral_storage_size"),
    "subnets without security groups": (server(vpc_subnet_ids=[SUBNET]), InvalidParameterError, "vpc_subnet_ids"),
    "security groups without subnets": (
        server(vpc_security_group_ids=[GROUP]),
        InvalidParameterError,
        "vpc_security_group_ids",
    ),
    # EventBridge Scheduler
    "unknown time zone": (
        schedule("rate(1 day)", schedule_expression_timezone="Mars/Olympus"),
        InvalidParameterError,
        "schedule_expression_timezone",
    ),
    "flexible window without a time zone": (
        schedule("rate(1 day)", flexible_time_window_minutes=10),
        InvalidParameterError,
        "flexible_time_window_minutes",
    ),
    "invalid at() date": (
        schedule("at(2027-02-30T09:00:00)", schedule_expression_timezone="UTC"),
        InvalidParameterError,
        "schedule_expression",
    ),
    "scheduler retries 186": (
        schedule("rate(1 day)", schedule_expression_timezone="UTC", maximum_retry_attempts=186),
        InvalidParameterError,
        "maximum_retry_attempts",
    ),
    # artifacts on S3
    "52 MB zip without store_on_s3": (
        tree(_write("api_server/blob.bin", os.urandom(52 * 2**20))),
        PackageTooLargeError,
        "store_on_s3",
    ),
    "store_on_s3 without a bucket": (package(store_on_s3=True), InvalidParameterError, "s3_bucket"),
    "bad s3_bucket name": (package(store_on_s3=True, s3_bucket="My_Bucket"), InvalidParameterError, "s3_bucket"),
    "table_name of 2 characters": (table(table_name="ab"), InvalidParameterError, "table_name"),
    "table key type BOOL": (table(partition_key_type="BOOL"), InvalidParameterError, "partition_key_type"),
    "capacity on an on-demand table": (table(read_capacity=5), InvalidParameterError, "read_capacity"),
    "provisioned table without capacity": (table(billing_mode="PROVISIONED"), InvalidParameterError, "read_capacity"),
}
#: Cases whose failing construct comes after a valid one: only the failing construct's resources must be absent.
_SCHEDULE_TYPES = ("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_scheduler_schedule", "aws_iam_role")
ABSENT_TYPES = {
    "visibility timeout < 6 x timeout": ("aws_sqs_queue", "aws_lambda_event_source_mapping"),
    "bad schedule expression": _SCHEDULE_TYPES,
    "unknown time zone": (*_SCHEDULE_TYPES, "aws_sqs_queue"),
    "flexible window without a time zone": (*_SCHEDULE_TYPES, "aws_sqs_queue"),
    "invalid at() date": (*_SCHEDULE_TYPES, "aws_sqs_queue"),
    "scheduler retries 186": (*_SCHEDULE_TYPES, "aws_sqs_queue"),
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
