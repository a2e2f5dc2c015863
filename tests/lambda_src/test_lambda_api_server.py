"""Tests for the FastAPI/Mangum HTTP function, driven through ``lambda_handler`` with real event shapes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from api_server import api_server
from aws_lambda_powertools.utilities.typing import LambdaContext
from practice_util import Settings

LoadEvent = Callable[[str], dict[str, Any]]
TEST_SETTINGS = Settings(app_name="practice-test", environment="test", log_level="INFO", retention_days=30)


@pytest.fixture(autouse=True)
def _known_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_server, "SETTINGS", TEST_SETTINGS)


def _json_body(response: dict[str, Any]) -> Any:
    body = response["body"]
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)


def _header(response: dict[str, Any], name: str) -> str:
    headers = response.get("headers") or {k: ",".join(v) for k, v in response.get("multiValueHeaders", {}).items()}
    return {k.lower(): v for k, v in headers.items()}[name]


@pytest.mark.parametrize("event_name", ["apigw_http_v2_get_root", "apigw_rest_v1_get_root", "alb_get_root"])
def test_get_root_returns_hello_world(event_name: str, load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    response = api_server.lambda_handler(load_event(event_name), lambda_context)

    assert response["statusCode"] == 200
    assert _json_body(response) == {"message": "Hello World"}
    assert _header(response, "content-type") == "application/json"


def test_alb_response_uses_single_value_headers(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    # The sample target group does not enable multi-value headers, so the response must not use them.
    response = api_server.lambda_handler(load_event("alb_get_root"), lambda_context)
    assert "headers" in response
    assert "multiValueHeaders" not in response


def test_health_reports_app_and_environment(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    response = api_server.lambda_handler(load_event("apigw_http_v2_get_health"), lambda_context)

    assert response["statusCode"] == 200
    body = _json_body(response)
    assert {k: body[k] for k in ("status", "app", "environment")} == {
        "status": "ok",
        "app": "practice-test",
        "environment": "test",
    }
    assert body["time"].endswith("Z")


def test_hello_greets_in_requested_language(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    response = api_server.lambda_handler(load_event("apigw_http_v2_get_hello_es"), lambda_context)

    assert response["statusCode"] == 200
    assert _json_body(response) == {"message": "Hola, Ada!", "language": "es"}


def test_hello_with_unsupported_language_is_422(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("apigw_http_v2_get_hello_es")
    event["rawQueryString"] = "lang=xx"
    event["queryStringParameters"] = {"lang": "xx"}

    response = api_server.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 422
    assert _json_body(response) == {"error": "language 'xx' is not supported: expected one of de, en, es, fr"}


def test_echo_returns_posted_object(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("apigw_http_v2_post_echo")

    response = api_server.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 200
    body = _json_body(response)
    assert body["received"] == {"note": "practice", "count": 3}
    assert body["size_bytes"] == len(event["body"].encode())


def test_echo_accepts_base64_encoded_body(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("apigw_http_v2_post_echo")
    event["body"] = base64.b64encode(b'{"encoded": true}').decode()
    event["isBase64Encoded"] = True

    response = api_server.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 200
    assert _json_body(response)["received"] == {"encoded": True}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('{"note": ', "request body is not valid JSON: Expecting value (line 1, column 10)"),
        ("[1, 2, 3]", "request body must be a JSON object, got a JSON array"),
        ("", "request body is empty: expected a JSON object"),
    ],
)
def test_echo_rejects_bad_bodies_with_400(
    body: str, error: str, load_event: LoadEvent, lambda_context: LambdaContext
) -> None:
    event = load_event("apigw_http_v2_post_echo")
    event["body"] = body

    response = api_server.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 400
    assert _json_body(response) == {"error": error}


def test_unknown_route_is_404(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    event = load_event("apigw_http_v2_get_root")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/nope"

    response = api_server.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 404


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({}, id="empty"),
        pytest.param("eventbridge_schedule", id="eventbridge-schedule"),
        pytest.param("sqs_batch_all_good", id="sqs-batch"),
        pytest.param(["not", "an", "object"], id="json-array"),
    ],
)
def test_non_http_event_gets_400_instead_of_raising(
    event: Any, load_event: LoadEvent, lambda_context: LambdaContext, capture_logs: Any
) -> None:
    if isinstance(event, str):
        event = load_event(event)
    logs = capture_logs(api_server.logger)

    response = api_server.lambda_handler(event, lambda_context)

    assert response == {
        "statusCode": 400,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"error": api_server.UNSUPPORTED_EVENT_MESSAGE}),
    }
    (record,) = logs.records()
    assert record["level"] == "WARNING"
    assert record["message"] == "Rejected non-HTTP event"
    assert record["function_request_id"] == lambda_context.aws_request_id


def test_is_http_event_matches_mangum_inference(load_event: LoadEvent, lambda_context: LambdaContext) -> None:
    assert api_server.is_http_event(load_event("apigw_rest_v1_get_root"), lambda_context)
    assert not api_server.is_http_event(load_event("eventbridge_schedule"), lambda_context)
    # Mangum itself raises for such an event; the wrapper exists to turn that into a 400.
    with pytest.raises(RuntimeError, match="unable to infer a handler"):
        api_server.handler(load_event("eventbridge_schedule"), lambda_context)


def test_mangum_adapter_is_created_once_per_process() -> None:
    assert api_server.handler.lifespan == "off"
    assert api_server.handler.app is api_server.app


def test_request_is_logged_as_json(load_event: LoadEvent, lambda_context: LambdaContext, capture_logs: Any) -> None:
    logs = capture_logs(api_server.logger)

    api_server.lambda_handler(load_event("apigw_http_v2_get_root"), lambda_context)

    records = logs.records()
    # Mangum's own access log line goes through the same JSON handler.
    assert any(r["message"] == "GET / 200" and r["name"] == "mangum.http" for r in records)


def test_the_cold_path_does_not_load_pydantics_v1_package():
    """FastAPI would import ``pydantic.v1`` (~13 ms of a cold start) only to refuse v1 models; the app has none."""
    import sys

    import api_server  # noqa: F401

    assert sys.modules.get("pydantic.v1") is None
    assert "pydantic.v1.main" not in sys.modules


# --------------------------------------------------------------------------------------------- greetings


def test_post_greetings_queues_the_request_and_answers_202(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any
) -> None:
    response = api_server.lambda_handler(load_event("apigw_http_v2_post_greetings"), lambda_context)

    assert response["statusCode"] == 202
    request_id = _json_body(response)["request_id"]
    assert greetings_backend.messages() == [{"request_id": request_id, "name": "Ada", "language": "es"}]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ('{"language": "es"}', 422, "'name' (and 'language', if given) must be strings"),
        ('{"name": "Ada", "language": "xx"}', 422, "language 'xx' is not supported: expected one of de, en, es, fr"),
        ('{"name": "   "}', 422, "name must not be empty"),
        ("[]", 400, "request body must be a JSON object, got a JSON array"),
    ],
)
def test_post_greetings_rejects_bad_requests_before_queueing(
    body: str, status: int, error: str, load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any
) -> None:
    event = load_event("apigw_http_v2_post_greetings")
    event["body"] = body

    response = api_server.lambda_handler(event, lambda_context)

    assert (response["statusCode"], _json_body(response)) == (status, {"error": error})
    assert greetings_backend.messages() == []


def test_get_greeting_is_404_while_pending_then_200_with_the_item(
    load_event: LoadEvent, lambda_context: LambdaContext, greetings_backend: Any
) -> None:
    event = load_event("apigw_http_v2_get_greeting")
    request_id = event["rawPath"].rsplit("/", 1)[1]

    pending = api_server.lambda_handler(event, lambda_context)
    assert pending["statusCode"] == 404
    assert _json_body(pending) == {"error": "no greeting yet: pending or unknown request_id"}

    item = {"request_id": request_id, "name": "Ada", "language": "es", "greeting": "Hola, Ada!", "created_at": "x"}
    api_server.get_store().put_once(item)  # what the worker does
    done = api_server.lambda_handler(event, lambda_context)
    assert (done["statusCode"], _json_body(done)) == (200, item)


def test_greetings_without_their_resources_configured_are_503(
    load_event: LoadEvent, lambda_context: LambdaContext
) -> None:
    response = api_server.lambda_handler(load_event("apigw_http_v2_post_greetings"), lambda_context)

    assert (response["statusCode"], _json_body(response)) == (503, {"error": "the service is not configured"})
