"""Fixtures for the Lambda runtime tests.

``lambda_src/`` is put on ``sys.path`` so the functions import exactly as on Lambda, where each
function directory is the zip root and ``practice_util`` comes from a layer: ``from api_server import
api_server`` here, ``api_server.lambda_handler`` there.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from cdktf_lambda.runtime.context import LambdaContext

LAMBDA_SRC = Path(__file__).resolve().parents[2] / "lambda_src"
EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"

if str(LAMBDA_SRC) not in sys.path:
    sys.path.insert(0, str(LAMBDA_SRC))


class LogCapture:
    """Text written by a Powertools logger's handler while captured."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """Parse every non-blank line as one JSON log record (fails on non-JSON output)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


class _HasHandler(Protocol):
    @property
    def registered_handler(self) -> Any: ...


@pytest.fixture
def lambda_context() -> LambdaContext:
    """The library's local Lambda context (the one ``cdktf-lambda invoke``'s host mode hands a handler)."""
    return LambdaContext.for_function("practice-test-function", memory_size=256, timeout=30)


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """Return a loader for ``tests/events/<name>.json``; each call returns a fresh copy."""

    def _load(name: str) -> dict[str, Any]:
        filename = name if name.endswith(".json") else f"{name}.json"
        return json.loads((EVENTS_DIR / filename).read_text(encoding="utf-8"))

    return _load


@pytest.fixture
def capture_logs() -> Iterator[Callable[[_HasHandler], LogCapture]]:
    """Redirect a Powertools logger's stream handler into a buffer for the test's duration.

    Powertools binds its handler to ``sys.stdout`` when the module is imported, so ``capsys``
    does not see its output; swapping the handler's stream does.
    """
    restore: list[tuple[Any, Any]] = []

    def _capture(logger: _HasHandler) -> LogCapture:
        capture = LogCapture()
        handler = logger.registered_handler
        restore.append((handler, handler.setStream(capture.stream)))
        return capture

    yield _capture
    for handler, stream in reversed(restore):
        handler.setStream(stream)


@dataclass(frozen=True)
class GreetingsBackend:
    """The greetings table and the worker queue of the handler tests, in moto's in-process mock."""

    table: str
    queue_url: str
    dynamodb: Any
    sqs: Any

    def items(self) -> list[dict[str, str]]:
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=self.table)
        return [{k: v["S"] for k, v in item.items()} for page in pages for item in page["Items"]]

    def messages(self) -> list[dict[str, Any]]:
        found = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [json.loads(message["Body"]) for message in found.get("Messages", [])]


@pytest.fixture
def greetings_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[GreetingsBackend]:
    """moto's ``mock_aws`` with the table and queue; every handler module wired to them (``GREETINGS_TABLE``,
    ``WORKER_QUEUE_URL`` in its settings), its clients made afresh inside the mock."""
    import boto3
    from api_server import api_server
    from cron_server import cron_server
    from moto import mock_aws
    from practice_util import greeting_store
    from worker import worker

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # the mock intercepts AWS's own endpoints only
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
        dynamodb.create_table(
            TableName="practice-test-greetings",
            KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        backend = GreetingsBackend(
            "practice-test-greetings", sqs.create_queue(QueueName="practice-test-worker")["QueueUrl"], dynamodb, sqs
        )
        for module in (api_server, cron_server, worker):
            wired = dataclasses.replace(
                module.SETTINGS, greetings_table=backend.table, worker_queue_url=backend.queue_url
            )
            monkeypatch.setattr(module, "SETTINGS", wired)
        greeting_store.cache_clear()
        api_server._sqs.cache_clear()
        yield backend
        greeting_store.cache_clear()
        api_server._sqs.cache_clear()
