"""The reference app's greetings system: the table, where each part is told to find it, and each role's exact
table and queue actions (the role statements of the toolkit's typed view)."""

from __future__ import annotations

import json

from cdktf_lambda.testing import assert_allows
from tests.stacks._app import app


def test_greetings_table_on_demand_with_point_in_time_recovery_and_encryption(app_stack):
    table = app_stack.resource("aws_dynamodb_table")
    assert {k: v for k, v in table.config.items() if k != "//"} == {
        "attribute": [{"name": "request_id", "type": "S"}],
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection_enabled": False,
        "hash_key": "request_id",
        "name": "practice-dev-greetings",
        "point_in_time_recovery": {"enabled": True},
        "server_side_encryption": {"enabled": True},
    }
    assert app_stack.outputs["greetings_table_name"] == table.ref("name")


def test_each_part_is_told_where_the_table_and_the_queue_are(app_stack):
    table = app_stack.resource("aws_dynamodb_table").ref("name")
    queue = app_stack.resource("aws_sqs_queue", name="practice-dev-worker").ref("url")
    api, worker, cron = (app_stack.function(n).environment for n in ("api_server", "worker", "cron_server"))
    assert (api["GREETINGS_TABLE"], api["WORKER_QUEUE_URL"]) == (table, queue)
    assert worker["GREETINGS_TABLE"] == table
    assert "WORKER_QUEUE_URL" not in worker
    assert (cron["GREETINGS_TABLE"], cron["RETENTION_DAYS"]) == (table, "30")


def test_one_role_per_function_with_exactly_the_table_and_queue_actions_it_needs(app_stack):
    table = app_stack.resource("aws_dynamodb_table").ref("arn")
    queue = app_stack.resource("aws_sqs_queue", name="practice-dev-worker").ref("arn")
    cron_dlq = app_stack.resource("aws_sqs_queue", name="practice-dev-cron-server-dlq").ref("arn")

    def data_actions(function: str) -> dict[str, set[str]]:
        role = app_stack.function(function).role
        return {**role.grants("dynamodb:"), **role.grants("sqs:")}

    assert app_stack.function("api_server").role.name == "practice-dev-api-server-role"
    assert data_actions("api_server") == {table: {"dynamodb:GetItem"}, queue: {"sqs:SendMessage"}}
    assert data_actions("worker") == {
        table: {"dynamodb:PutItem"},
        queue: {"sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
    }
    assert data_actions("cron_server") == {
        table: {"dynamodb:DeleteItem", "dynamodb:Scan"},
        cron_dlq: {"sqs:SendMessage"},
    }
    assert_allows(app_stack.function("worker"), "dynamodb:PutItem", table)


def test_a_test_configuration_shortens_the_worker_redelivery():
    stack = app(worker_timeout=2, worker_max_receive_count=2, greetings_retention_days=7)
    worker = stack.function("worker")
    queue = stack.resource("aws_sqs_queue", name="practice-dev-worker")
    assert (worker.timeout, queue["visibility_timeout_seconds"]) == (2, 12)
    assert json.loads(queue["redrive_policy"])["maxReceiveCount"] == 2
    assert stack.function("cron_server").environment["RETENTION_DAYS"] == "7"
