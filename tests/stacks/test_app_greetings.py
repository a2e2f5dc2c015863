"""The reference app's greetings system: the table, where each part is told to find it, and each role's exact
table and queue actions."""

from __future__ import annotations

import json

from cdktf_lambda import cdk
from stacks import AppStack, AppStackConfig
from tests.conftest import resources, synth_json
from tests.stacks._app import _by_name, _one


def test_greetings_table_on_demand_with_point_in_time_recovery_and_encryption(app_stack):
    table_id, table = _one(app_stack[1], "aws_dynamodb_table")
    assert table == {
        "attribute": [{"name": "request_id", "type": "S"}],
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection_enabled": False,
        "hash_key": "request_id",
        "name": "practice-dev-greetings",
        "point_in_time_recovery": {"enabled": True},
        "server_side_encryption": {"enabled": True},
    }
    assert app_stack[1]["output"]["greetings_table_name"]["value"] == f"${{aws_dynamodb_table.{table_id}.name}}"


def test_each_part_is_told_where_the_table_and_the_queue_are(app_stack):
    synthesized = app_stack[1]
    table_id, _ = _one(synthesized, "aws_dynamodb_table")
    queue_id = next(k for k, q in resources(synthesized, "aws_sqs_queue").items() if q["name"] == "practice-dev-worker")
    table = f"${{aws_dynamodb_table.{table_id}.name}}"
    variables = {
        name: f["environment"]["variables"] for name, f in _by_name(synthesized, "aws_lambda_function").items()
    }
    assert variables["practice-dev-api-server"]["GREETINGS_TABLE"] == table
    assert variables["practice-dev-api-server"]["WORKER_QUEUE_URL"] == f"${{aws_sqs_queue.{queue_id}.url}}"
    assert variables["practice-dev-worker"]["GREETINGS_TABLE"] == table
    assert "WORKER_QUEUE_URL" not in variables["practice-dev-worker"]
    assert (
        variables["practice-dev-cron-server"]["GREETINGS_TABLE"],
        variables["practice-dev-cron-server"]["RETENTION_DAYS"],
    ) == (table, "30")


def _data_actions(synthesized, role_name):
    """Every DynamoDB/SQS action the role's inline policies allow, by resource."""
    role_id = next(k for k, r in resources(synthesized, "aws_iam_role").items() if r["name"] == role_name)
    granted: dict[str, set[str]] = {}
    for policy in resources(synthesized, "aws_iam_role_policy").values():
        if policy["role"] != f"${{aws_iam_role.{role_id}.name}}":
            continue
        for statement in json.loads(policy["policy"])["Statement"]:
            for action in statement["Action"]:
                if action.startswith(("dynamodb:", "sqs:")):
                    for resource in statement["Resource"]:
                        granted.setdefault(resource, set()).add(action)
    return granted


def test_one_role_per_function_with_exactly_the_table_and_queue_actions_it_needs(app_stack):
    synthesized = app_stack[1]
    table_id, _ = _one(synthesized, "aws_dynamodb_table")
    queues = {q["name"]: qid for qid, q in resources(synthesized, "aws_sqs_queue").items()}
    table = f"${{aws_dynamodb_table.{table_id}.arn}}"
    queue = f"${{aws_sqs_queue.{queues['practice-dev-worker']}.arn}}"
    cron_dlq = f"${{aws_sqs_queue.{queues['practice-dev-cron-server-dlq']}.arn}}"
    assert _data_actions(synthesized, "practice-dev-api-server-role") == {
        table: {"dynamodb:GetItem"},
        queue: {"sqs:SendMessage"},
    }
    assert _data_actions(synthesized, "practice-dev-worker-role") == {
        table: {"dynamodb:PutItem"},
        queue: {"sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
    }
    assert _data_actions(synthesized, "practice-dev-cron-server-role") == {
        table: {"dynamodb:DeleteItem", "dynamodb:Scan"},
        cron_dlq: {"sqs:SendMessage"},
    }


def test_a_test_configuration_shortens_the_worker_redelivery():
    config = AppStackConfig(worker_timeout=2, worker_max_receive_count=2, greetings_retention_days=7)
    synthesized = synth_json(AppStack(cdk.Testing.app(), "practice-dev", config=config))
    worker = _by_name(synthesized, "aws_lambda_function")["practice-dev-worker"]
    queue = next(q for q in resources(synthesized, "aws_sqs_queue").values() if q["name"] == "practice-dev-worker")
    assert (worker["timeout"], queue["visibility_timeout_seconds"]) == (2, 12)
    assert json.loads(queue["redrive_policy"])["maxReceiveCount"] == 2
    cron = _by_name(synthesized, "aws_lambda_function")["practice-dev-cron-server"]
    assert cron["environment"]["variables"]["RETENTION_DAYS"] == "7"
