"""All three functions log one JSON object per line and never leak secret environment values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_server import api_server
from aws_lambda_powertools.utilities.typing import LambdaContext
from cron_server import cron_server
from worker import worker

LoadEvent = Callable[[str], dict[str, Any]]
pytestmark = pytest.mark.usefixtures("greetings_backend")
SECRET = "s3cr3t-Zq8vX1-do-not-log"


@pytest.fixture(autouse=True)
def _secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", SECRET)
    monkeypatch.setenv("API_TOKEN", SECRET)


@pytest.mark.parametrize(
    ("module", "event_names"),
    [
        (api_server, ["apigw_http_v2_get_health", "apigw_http_v2_get_root", "eventbridge_schedule"]),
        (cron_server, ["eventbridge_schedule"]),
        (worker, ["sqs_batch_one_bad", "sqs_batch_schema_violation"]),
    ],
    ids=["api_server", "cron_server", "worker"],
)
def test_logs_are_json_without_secrets(
    module: Any,
    event_names: list[str],
    load_event: LoadEvent,
    lambda_context: LambdaContext,
    capture_logs: Any,
) -> None:
    logs = capture_logs(module.logger)

    for name in event_names:
        module.lambda_handler(load_event(name), lambda_context)

    records = logs.records()  # raises if any line is not JSON
    assert records, "expected the handler to log something"
    for record in records:
        assert {"level", "message", "timestamp", "service", "app", "environment"} <= record.keys()
        assert record["service"] == module.SERVICE
    assert SECRET not in logs.text
