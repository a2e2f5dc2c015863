"""SQS Lambda: turn greeting requests into greetings stored in the greetings table, reporting bad messages as
partial batch failures.

Message body schema (JSON object; unknown keys are ignored)::

    {"request_id": "req-001", "name": "Ada", "language": "es"}

``request_id`` (non-empty string, at most 128 characters) and ``name`` (see
``practice_util.normalize_name``) are required; ``language`` defaults to ``"en"``. A record whose body
is not JSON or violates the schema is reported in ``batchItemFailures`` (so SQS retries only it and
eventually moves it to the DLQ) while the rest of the batch succeeds. Requires
``ReportBatchItemFailures`` on the event source mapping, and a standard (not FIFO) queue.

Each greeting is written once (``GREETINGS_TABLE``; a conditional put on ``request_id``): a message delivered
again (SQS delivers at least once) finds its item there and counts as done, not as a failure. A table error fails
only that record, which SQS then delivers again; the error is logged ("Greeting not stored", with the reason).
"""

from __future__ import annotations

from typing import Any, TypedDict

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from practice_util import (
    GreetingStore,
    Settings,
    build_greeting,
    get_logger,
    greeting_store,
    isoformat_z,
    parse_json_object,
    utc_now,
)

SERVICE = "sqs-worker"
MAX_REQUEST_ID_LENGTH = 128
SETTINGS = Settings.from_env()
logger = get_logger(SERVICE, settings=SETTINGS)
# raise_on_entire_batch_failure=False: a batch in which every record is bad still returns a
# well-formed batchItemFailures list instead of raising BatchProcessingError.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def get_store() -> GreetingStore:
    """The greetings table of ``GREETINGS_TABLE`` (one per process, made on first use)."""
    return greeting_store(SETTINGS.require("greetings_table"))


class InvalidMessageError(ValueError):
    """A message body violates the greeting-request schema."""


class GreetingRequest(TypedDict):
    request_id: str
    name: str
    language: str


def validate_message(data: dict[str, Any]) -> GreetingRequest:
    """Check a decoded message body against the schema.

    Raises
    ------
    InvalidMessageError
        Naming the first offending field.
    """
    request_id = data.get("request_id")
    if not isinstance(request_id, str) or not request_id.strip():
        raise InvalidMessageError("'request_id' is required and must be a non-empty string")
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise InvalidMessageError(f"'request_id' must be at most {MAX_REQUEST_ID_LENGTH} characters")
    name = data.get("name")
    if not isinstance(name, str):
        raise InvalidMessageError("'name' is required and must be a string")
    language = data.get("language", "en")
    if not isinstance(language, str):
        raise InvalidMessageError("'language' must be a string")
    return {"request_id": request_id, "name": name, "language": language}


def record_handler(record: SQSRecord) -> str:
    """Process one SQS record and return the greeting.

    Raises
    ------
    ValueError
        If the body is not a JSON object (``PayloadError``), violates the schema
        (``InvalidMessageError``) or holds an unusable name/language (``GreetingError``).
    """
    try:
        request = validate_message(parse_json_object(record.body, what="message body"))
        greeting = build_greeting(request["name"], request["language"])
    except ValueError as exc:
        logger.warning(
            "Rejected SQS message",
            extra={"message_id": record.message_id, "error_type": type(exc).__name__, "reason": str(exc)},
        )
        raise
    item = {**request, "greeting": greeting, "created_at": isoformat_z(utc_now())}
    try:
        written = get_store().put_once(item)  # type: ignore[arg-type]
    except Exception as exc:  # the table refused (access denied, throttled): this record fails, SQS delivers it again
        logger.error(
            "Greeting not stored",
            extra={"message_id": record.message_id, "request_id": request["request_id"],
                   "error_type": type(exc).__name__, "reason": str(exc)},
        )  # fmt: skip
        raise
    logger.info(
        "Greeting produced" if written else "Duplicate request ignored",
        extra={"message_id": record.message_id, "request_id": request["request_id"], "language": request["language"]},
    )
    return greeting


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Process an SQS batch; return ``{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}``.

    Raises
    ------
    UnexpectedBatchTypeError
        (from Powertools) if ``event`` has no non-empty ``Records`` list, i.e. is not an SQS batch.
    """
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    logger.info(
        "Batch processed",
        extra={"records": len(event["Records"]), "failed": len(response["batchItemFailures"])},
    )
    return response
