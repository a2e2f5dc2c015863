"""HTTP API Lambda: a FastAPI app adapted to API Gateway / ALB / function URL events by Mangum.

Greetings are made asynchronously: ``POST /greetings`` puts the request on the worker's queue (``WORKER_QUEUE_URL``)
and answers ``202 {"request_id"}``; the worker writes the greeting into the greetings table (``GREETINGS_TABLE``),
where ``GET /greetings/{request_id}`` finds it (``404`` while it is pending).
"""

from __future__ import annotations

import functools
import json
import sys
import uuid
from typing import Annotated, Any, TypedDict

from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.utilities.typing import LambdaContext
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from mangum import Mangum
from practice_util import (
    ConfigurationError,
    GreetingError,
    GreetingStore,
    PayloadError,
    Settings,
    build_greeting,
    get_logger,
    greeting_store,
    isoformat_z,
    parse_json_object,
    utc_now,
)

SERVICE = "api-server"
SETTINGS = Settings.from_env()
logger = get_logger(SERVICE, settings=SETTINGS)
# Mangum logs each request and any unhandled app error; emit those as the same JSON.
copy_config_to_registered_loggers(source_logger=logger, include={"mangum"})

UNSUPPORTED_EVENT_MESSAGE = (
    "unsupported event: this function only handles HTTP requests from API Gateway (REST or HTTP API), "
    "an Application Load Balancer, a Lambda function URL or Lambda@Edge"
)


class HealthResponse(TypedDict):
    status: str
    app: str
    environment: str
    time: str


class GreetingResponse(TypedDict):
    message: str
    language: str


class EchoResponse(TypedDict):
    received: dict[str, Any]
    received_at: str
    size_bytes: int


class ErrorResponse(TypedDict):
    """Lambda proxy response returned for events that are not HTTP requests."""

    statusCode: int
    headers: dict[str, str]
    body: str


def get_settings() -> Settings:
    """Return the process-wide settings (a dependency, so tests can override it)."""
    return SETTINGS


def get_store() -> GreetingStore:
    """The greetings table (a dependency, so tests can replace it)."""
    return greeting_store(get_settings().require("greetings_table"))


@functools.cache
def _sqs() -> Any:
    import boto3  # in the Lambda runtime

    return boto3.client("sqs")


def send_to_worker(message: dict[str, str]) -> None:
    """Put ``message`` on the worker's queue (a dependency, so tests can replace it)."""
    queue_url = get_settings().require("worker_queue_url")
    _sqs().send_message(QueueUrl=queue_url, MessageBody=json.dumps(message))


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GreetingStore, Depends(get_store)]

# FastAPI imports pydantic's bundled v1 package (about 13 ms, 6 % of a cold start) the first time it declares a route
# parameter, only to refuse pydantic v1 models; this app has none (nothing in its layer uses pydantic.v1). Marked
# absent, FastAPI's check takes its "no pydantic.v1" branch and answers "not a v1 model": the same routes, faster.
sys.modules.setdefault("pydantic.v1", None)  # type: ignore[arg-type]

app = FastAPI(title="practice API", version="1.0.0")


@app.exception_handler(GreetingError)
async def _greeting_error(request: Request, exc: GreetingError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"error": str(exc)})


@app.exception_handler(ConfigurationError)
async def _configuration_error(request: Request, exc: ConfigurationError) -> JSONResponse:
    logger.error("Function is not configured", extra={"reason": str(exc)})
    return JSONResponse(status_code=503, content={"error": "the service is not configured"})


@app.exception_handler(PayloadError)
async def _payload_error(request: Request, exc: PayloadError) -> JSONResponse:
    return JSONResponse(status_code=400, content={"error": str(exc)})


# response_model=None: the TypedDicts document the shape but are not turned into
# pydantic models (pydantic rejects typing.TypedDict on Python < 3.12).
@app.get("/", response_model=None)
async def root() -> dict[str, str]:
    """Return the canonical hello-world payload."""
    return {"message": "Hello World"}


@app.get("/health", response_model=None)
async def health(settings: SettingsDep) -> HealthResponse:
    """Report liveness with the app name and environment."""
    return {
        "status": "ok",
        "app": settings.app_name,
        "environment": settings.environment,
        "time": isoformat_z(utc_now()),
    }


@app.get("/hello/{name}", response_model=None)
async def hello(name: str, lang: str = "en") -> GreetingResponse:
    """Greet ``name`` in ``lang`` (422 with ``{"error": ...}`` for a bad name or language)."""
    return {"message": build_greeting(name, lang), "language": lang}


@app.post("/echo", response_model=None)
async def echo(request: Request) -> EchoResponse:
    """Return the posted JSON object (400 with ``{"error": ...}`` if the body is not one)."""
    raw = await request.body()
    received = parse_json_object(raw, what="request body")
    return {"received": received, "received_at": isoformat_z(utc_now()), "size_bytes": len(raw)}


class GreetingAccepted(TypedDict):
    request_id: str


@app.post("/greetings", status_code=202, response_model=None)
async def create_greeting(request: Request) -> GreetingAccepted:
    """Queue a greeting for ``{"name", "language"?}``; 202 with its ``request_id`` (400/422 for a bad body)."""
    data = parse_json_object(await request.body(), what="request body")
    name, language = data.get("name"), data.get("language", "en")
    if not isinstance(name, str) or not isinstance(language, str):
        raise GreetingError("'name' (and 'language', if given) must be strings")
    build_greeting(name, language)  # the same checks as the worker's, before anything is queued
    request_id = str(uuid.uuid4())
    send_to_worker({"request_id": request_id, "name": name, "language": language})
    logger.info("Greeting queued", extra={"request_id": request_id, "language": language})
    return {"request_id": request_id}


@app.get("/greetings/{request_id}", response_model=None)
async def read_greeting(request_id: str, store: StoreDep) -> JSONResponse:
    """The stored greeting of ``request_id``; 404 while the worker has not written it (or for an unknown id)."""
    item = store.get(request_id)
    if item is None:
        return JSONResponse(status_code=404, content={"error": "no greeting yet: pending or unknown request_id"})
    return JSONResponse(status_code=200, content=dict(item))


# One adapter per process, created at import (cold start) and reused by every invocation.
handler = Mangum(app, lifespan="off")


def is_http_event(event: Any, context: LambdaContext) -> bool:
    """Tell whether Mangum can serve ``event``.

    Uses Mangum's own inference (``Mangum.infer``), which raises ``RuntimeError`` only when
    no handler class (ALB, HTTP API, REST API, Lambda@Edge) recognises the event.
    """
    if not isinstance(event, dict):
        return False
    try:
        handler.infer(event, context)
    except RuntimeError:
        return False
    return True


def error_response(status_code: int, message: str) -> ErrorResponse:
    """Build a proxy-style JSON error response."""
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"error": message}),
    }


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any] | ErrorResponse:
    """Serve an HTTP event through the FastAPI app; answer other events with a 400 instead of raising."""
    if not is_http_event(event, context):
        keys = sorted(str(key) for key in event)[:20] if isinstance(event, dict) else []
        logger.warning("Rejected non-HTTP event", extra={"event_type": type(event).__name__, "event_keys": keys})
        return error_response(400, UNSUPPORTED_EVENT_MESSAGE)
    return handler(event, context)
