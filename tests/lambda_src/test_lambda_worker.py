"""Tests for the SQS worker: greetings stored once, bad messages reported as partial batch failures."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import UnexpectedBatchTypeError
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from worker import worker

LoadEvent = Callable[[str], dict[str, Any]]
pytestmark = pytest.mark.usefixtures("greetings_backend")


def test_one_unparseable_body_is_the_only_failure(
    load_event: LoadEvent, lambda_context: LambdaContext, capture_logs: Any
) -> None:
    event = load_event("sqs_batch_one_bad")
    bad_id = event["Records"][1]["messageId"]
    logs = capture_logs(worker.logger)

    response = worker.lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": bad_id}]}
    records = logs.records()
    rejected = [r for r in records if r["message"] == "Rejected SQS message"]
    assert [(r["message_id"], r["error_type"]) for r in rejected] == [(bad_id, "PayloadError")]
    assert rejected[0]["reason"].startswith("message body is not valid JSON")
    produced = [r["request_id"] for r in records if r["message"] == "Greeting produced"]
    assert produced == ["req-001", "req-003"]
    assert records[-1]["message"] == "Batch processed"
    assert (records[-1]["records"], records[-1]["failed"]) == (3, 1)


def test_all_good_batch_has_no_failures(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    assert worker.lambda_handler(load_event("sqs_batch_all_good"), lambda_context) == {"batchItemFailures": []}


def test_schema_violations_are_reported_per_record(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("sqs_batch_schema_violation")
    missing_name, bad_language = event["Records"][1]["messageId"], event["Records"][2]["messageId"]

    response = worker.lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": missing_name}, {"itemIdentifier": bad_language}]}


def test_entirely_bad_batch_returns_every_id_instead_of_raising(
    load_event: LoadEvent, lambda_context: LambdaContext
) -> None:
    event = load_event("sqs_batch_one_bad")
    for record in event["Records"]:
        record["body"] = "not json"

    response = worker.lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}


def test_processor_state_does_not_leak_between_invocations(
    load_event: LoadEvent, lambda_context: LambdaContext
) -> None:
    assert worker.lambda_handler(load_event("sqs_batch_one_bad"), lambda_context)["batchItemFailures"]
    assert worker.lambda_handler(load_event("sqs_batch_all_good"), lambda_context) == {"batchItemFailures": []}


def test_record_handler_returns_greeting(load_event: LoadEvent) -> None:
    record = SQSRecord(load_event("sqs_batch_one_bad")["Records"][2])
    assert worker.record_handler(record) == "Bonjour, Linus!"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Ada"}, "'request_id' is required and must be a non-empty string"),
        ({"request_id": "  ", "name": "Ada"}, "'request_id' is required and must be a non-empty string"),
        ({"request_id": "r" * 129, "name": "Ada"}, "'request_id' must be at most 128 characters"),
        ({"request_id": "r-1"}, "'name' is required and must be a string"),
        ({"request_id": "r-1", "name": 42}, "'name' is required and must be a string"),
        ({"request_id": "r-1", "name": "Ada", "language": ["en"]}, "'language' must be a string"),
    ],
)
def test_validate_message_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(worker.InvalidMessageError, match=f"^{re.escape(message)}$"):
        worker.validate_message(data)


def test_validate_message_defaults_language_and_ignores_unknown_keys() -> None:
    data = {"request_id": "r-1", "name": "Ada", "priority": "high"}
    assert worker.validate_message(data) == {"request_id": "r-1", "name": "Ada", "language": "en"}


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"request_id": "r-1", "name": ""}),
        json.dumps({"request_id": "r-1", "name": "Ada", "language": "xx"}),
        json.dumps(["request_id", "r-1"]),
        "",
    ],
)
def test_bad_single_record_is_reported(body: str, load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("sqs_batch_all_good")
    event["Records"][1]["body"] = body

    response = worker.lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}


@pytest.mark.parametrize("event", [{}, {"Records": []}], ids=["no-records", "empty-records"])
def test_non_sqs_event_raises(event: dict[str, Any], lambda_context: LambdaContext) -> None:
    with pytest.raises(UnexpectedBatchTypeError):
        worker.lambda_handler(event, lambda_context)


def test_good_records_are_stored_once_and_bad_ones_not_at_all(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any
) -> None:
    worker.lambda_handler(load_event("sqs_batch_one_bad"), lambda_context)

    items = {item["request_id"]: item for item in greetings_backend.items()}
    assert sorted(items) == ["req-001", "req-003"]
    assert items["req-003"]["greeting"] == "Bonjour, Linus!"
    assert items["req-003"]["created_at"].endswith("Z")


def test_a_redelivered_message_is_a_success_and_writes_nothing(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any, capture_logs: Any
) -> None:
    event = load_event("sqs_batch_all_good")
    assert worker.lambda_handler(event, lambda_context) == {"batchItemFailures": []}
    first = greetings_backend.items()
    logs = capture_logs(worker.logger)

    assert worker.lambda_handler(event, lambda_context) == {"batchItemFailures": []}

    assert sorted(greetings_backend.items(), key=str) == sorted(first, key=str)
    ignored = [r["request_id"] for r in logs.records() if r["message"] == "Duplicate request ignored"]
    assert sorted(ignored) == sorted(r["request_id"] for r in first)


def test_a_table_error_fails_only_that_record(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any, capture_logs: Any
) -> None:
    greetings_backend.dynamodb.delete_table(TableName=greetings_backend.table)
    event = load_event("sqs_batch_all_good")
    logs = capture_logs(worker.logger)

    response = worker.lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}
    errors = [r for r in logs.records() if r["message"] == "Greeting not stored"]
    assert [r["message_id"] for r in errors] == [r["messageId"] for r in event["Records"]]
    assert {r["error_type"] for r in errors} == {"ResourceNotFoundException"} and "PutItem" in errors[0]["reason"]
