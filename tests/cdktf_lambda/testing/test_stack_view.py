"""The typed view of a synthesized stack: functions with configuration, layers, role statements and triggers;
resources and outputs; lookups that fail by naming what the stack has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdktf_lambda.errors import NotInStackError, SourceError
from cdktf_lambda.testing import Resource, SynthesizedStack
from tests.cdktf_lambda.testing._stacks import TRIGGERS


@pytest.fixture
def stack(tmp_path: Path) -> SynthesizedStack:
    directory = tmp_path / "stacks" / "app"
    directory.mkdir(parents=True)
    (directory / "cdk.tf.json").write_text(json.dumps(TRIGGERS))
    return SynthesizedStack.from_directory(directory)


def test_a_function_by_construct_id_name_or_logical_id_with_its_configuration(stack: SynthesizedStack) -> None:
    jobs = stack.function("jobs")
    assert stack.function("app-jobs") is jobs and stack.function("jobs_function_1A2B3C4D") is jobs
    assert (jobs.function_name, jobs.handler, jobs.runtime, jobs.architecture) == (
        "app-jobs",
        "jobs.lambda_handler",
        "python3.12",
        "arm64",
    )
    assert (jobs.memory_size, jobs.timeout) == (512, 60)
    assert jobs.environment == {"TABLE": "${aws_dynamodb_table.t.name}", "MODE": "batch"}
    assert jobs.zip_path == stack.directory / "assets/jobs.zip"  # type: ignore[operator]
    assert jobs.alias is not None and jobs.alias.address == "aws_lambda_alias.jobs_alias"
    assert jobs.log_group is not None and jobs.log_group.config["name"] == "/custom/jobs"
    assert sorted(stack.functions) == ["jobs", "other"]


def test_defaults_of_a_function_that_sets_little(stack: SynthesizedStack) -> None:
    other = stack.function("other")
    assert (other.construct_id, other.memory_size, other.timeout, other.architecture) == ("other", 128, 3, "x86_64")
    assert (other.role, other.layers, other.alias) == (None, (), None), "its role is an ARN, not the stack's"
    assert [(t.kind, t.source) for t in other.triggers] == [("sqs", "app-dlq")], "a mapping naming it by name"
    assert other.log_group is not None and other.log_group.logical_id == "h"


def test_layers_built_by_the_stack_and_external_ones_in_order(stack: SynthesizedStack) -> None:
    built, external = stack.function("jobs").layers
    assert (built.name, built.zip_path, built.dependencies) == (
        "app-deps",
        stack.directory / "assets/deps.zip",  # type: ignore[operator]
        {"lock_file": "x"},
    )
    assert (external.name, external.arn, external.resource, external.dependencies) == (
        "arn:aws:lambda:eu-west-1:1:layer:ext:3",
        "arn:aws:lambda:eu-west-1:1:layer:ext:3",
        None,
        None,
    )


def test_role_statements_from_every_kind_of_policy(stack: SynthesizedStack) -> None:
    role = stack.function("jobs").role
    assert role is not None and role.name == "app-jobs-role"
    by_policy = {(s.policy, s.effect, s.actions, s.resources) for s in role.statements}
    assert by_policy == {
        ("inline", "Allow", ("sqs:*",), ("*",)),
        ("table", "Allow", ("dynamodb:PutItem",), ("${aws_dynamodb_table.t.arn}",)),
        ("doc", "Allow", ("s3:Get*",), ("${aws_s3_bucket.uploads.arn}/*",)),
        ("doc", "Deny", ("s3:GetObjectAcl",), ("*",)),
    }, "the policy of another role is not the function's"
    assert role.managed_policy_arns == ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/Basic")
    assert role.grants("dynamodb:") == {"${aws_dynamodb_table.t.arn}": {"dynamodb:PutItem"}}


@pytest.mark.parametrize(
    ("action", "resource", "allowed"),
    [
        ("dynamodb:PutItem", "${aws_dynamodb_table.t.arn}", True),
        ("dynamodb:PutItem", None, True),
        ("dynamodb:GetItem", "${aws_dynamodb_table.t.arn}", False),
        ("dynamodb:PutItem", "${aws_dynamodb_table.other.arn}", False),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:1:anything", True),  # sqs:* on *
        ("s3:GetObject", "${aws_s3_bucket.uploads.arn}/in/a.csv", True),  # s3:Get* on the bucket's objects
        ("s3:GetObjectAcl", "${aws_s3_bucket.uploads.arn}/in/a.csv", False),  # denied explicitly
    ],
)
def test_role_allows(stack: SynthesizedStack, action: str, resource: str | None, allowed: bool) -> None:
    role = stack.function("jobs").role
    assert role is not None and role.allows(action, resource) is allowed


def test_every_trigger_of_the_function_or_its_alias(stack: SynthesizedStack) -> None:
    triggers = {(t.kind, t.source) for t in stack.function("jobs").triggers}
    assert triggers == {
        ("http_api", "app-api"),
        ("function_url", "NONE"),
        ("sqs", "app-jobs"),
        ("kinesis", "app-stream"),
        ("schedule", "cron(0 3 * * ? *)"),
        ("eventbridge", "app-on-upload"),
        ("scheduler", "rate(1 hour)"),
        ("s3", "app-uploads"),
        ("sns", "app-topic"),
    }
    jobs = stack.function("jobs")
    (api,) = jobs.triggered_by("http_api")
    assert sorted(api.details["routes"]) == ["GET /jobs", "POST /jobs"]
    (queue,) = jobs.triggered_by("sqs")
    assert (queue.details["batch_size"], queue.resource.address) == (5, "aws_lambda_event_source_mapping.sqs")
    (hourly,) = jobs.triggered_by("scheduler")
    assert (hourly.details["name"], hourly.details["timezone"]) == ("app-hourly", "Europe/Madrid")
    (uploads,) = jobs.triggered_by("s3")
    assert (uploads.details["events"], uploads.details["filter_prefix"]) == (["s3:ObjectCreated:*"], "in/")


def test_resources_outputs_and_references(stack: SynthesizedStack) -> None:
    table = stack.resource("aws_dynamodb_table", name="app-table")
    assert table == Resource("aws_dynamodb_table", "t", TRIGGERS["resource"]["aws_dynamodb_table"]["t"])
    assert (table.ref("arn"), table["hash_key"], table.get("missing", 1)) == ("${aws_dynamodb_table.t.arn}", "id", 1)
    assert [q.config["name"] for q in stack.resources("aws_sqs_queue")] == ["app-jobs", "app-dlq"]
    assert stack.resource("aws_sqs_queue", "q2").config["name"] == "app-dlq"
    assert stack.by_address("data.aws_iam_policy_document.doc").data
    assert stack.outputs == {"queue_url": "${aws_sqs_queue.q.url}"}
    assert stack.function("jobs").construct_id == "jobs" and stack.resource_types()["aws_sqs_queue"] == 2


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (
            lambda s: s.function("nope"),
            "stack 'app' has no function 'nope'; its functions, by construct id (function name): jobs (app-jobs), "
            "other (app-other)",
        ),
        (
            lambda s: s.resource("aws_sqs_queue", name="app-x"),
            "stack 'app' has no aws_sqs_queue with name='app-x'; its aws_sqs_queue: q (name='app-jobs'), "
            "q2 (name='app-dlq')",
        ),
        (
            lambda s: s.resource("aws_sqs_queue"),
            "stack 'app' has 2 aws_sqs_queue: q, q2; name one by logical id or by more attributes",
        ),
        (lambda s: s.resource("aws_rds_cluster"), "stack 'app' has no aws_rds_cluster at all; its resource types: "),
        (lambda s: s.by_address("aws_sqs_queue.gone"), "stack 'app' has no aws_sqs_queue.gone"),
    ],
)
def test_a_lookup_that_finds_nothing_says_what_there_is(stack: SynthesizedStack, lookup, message: str) -> None:
    with pytest.raises(NotInStackError) as raised:
        lookup(stack)
    assert str(raised.value).startswith(message)
    assert isinstance(raised.value, LookupError) and isinstance(raised.value, ValueError)


def test_a_directory_without_a_stack_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"cannot read the synthesized stack .*cdk\.tf\.json"):
        SynthesizedStack.from_directory(tmp_path)


def test_without_cdktf_s_metadata_construct_ids_come_from_the_paths_given_or_the_logical_ids() -> None:
    bare = {"resource": {"aws_lambda_function": {"orders_function_0A1B2C3D": {"function_name": "shop-orders"}}}}
    assert list(SynthesizedStack("shop", bare).functions) == ["orders_function_0A1B2C3D"]
    paths = {"orders_function_0A1B2C3D": "shop/orders/function"}
    stack = SynthesizedStack("shop", bare, construct_paths=paths)
    assert stack.function("orders").resource.construct_path == "shop/orders/function"
