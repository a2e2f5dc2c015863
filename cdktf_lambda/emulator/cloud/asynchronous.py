"""Asynchronous invocations (``InvocationType=Event``, schedules): run in the background, retried, then delivered.

As Lambda does: the function's event invoke config gives ``MaximumRetryAttempts`` (default 2) and
``MaximumEventAgeInSeconds`` (default 21600); retries wait :data:`~cdktf_lambda.settings.LOCAL_ASYNC_RETRY_DELAYS` (AWS:
about 1 then 2 minutes). A success goes to the ``OnSuccess`` destination; after the last failure (``RetriesExhausted``,
or ``EventAgeExceeded``) the invocation record goes to the ``OnFailure`` destination and the original event to the
function's dead-letter queue (``DeadLetterConfig``) with the ``RequestID``, ``ErrorCode`` and ``ErrorMessage``
attributes, sent with the function's role (with IAM enforced, a role that may not send drops it, as on AWS).
Destinations may be SQS queues, SNS topics, Lambda functions or EventBridge buses in moto. Not modelled:
throttling (a reserved concurrency of 0 counts as a failed attempt), ``X-Amz-Client-Context``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from cdktf_lambda.emulator.cloud.iam.services import may_send
from cdktf_lambda.emulator.cloud.invoke import Invocation, Throttled, engine, invoke_function, iso_timestamp
from cdktf_lambda.logs import room_logger

__all__ = ["AsyncInvocation", "deliver", "invocation_record", "submit"]

log = room_logger(__name__)

DEFAULT_RETRIES = 2
DEFAULT_MAX_EVENT_AGE = 21_600


@dataclass
class AsyncInvocation:
    """A queued event: its request id, and once :attr:`done` is set, how it ended."""

    request_id: str
    function_name: str
    attempts: int = 0
    outcome: Invocation | None = None
    #: None after a success, else ``RetriesExhausted`` or ``EventAgeExceeded``.
    condition: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


def submit(fn: Any, payload: bytes, *, request_id: str | None = None) -> AsyncInvocation:
    """Queue ``payload`` for ``fn``; it runs in a background thread (this returns at once)."""
    handle = AsyncInvocation(request_id or str(uuid.uuid4()), fn.function_name)
    thread = threading.Thread(
        target=_work, args=(fn, payload or b"{}", handle, time.time()), name=f"lambda-event-{handle.request_id[:8]}"
    )
    thread.daemon = True
    thread.start()
    return handle


def _event_invoke_config(fn: Any) -> dict[str, Any]:
    """The function's asynchronous invocation settings: those of the alias it was invoked through (Lambda applies
    the invoked qualifier's), else the function's own. The fidelity patch keeps them per qualifier
    (``event_invoke_configs``) on the unqualified function, which a published version invoked through its alias is
    not; unpatched moto keeps a list (``event_invoke_config``, the last Put wins here)."""
    by_qualifier = getattr(fn, "event_invoke_configs", None) or getattr(_unqualified(fn), "event_invoke_configs", {})
    if by_qualifier:
        aliases = [name for name in by_qualifier if name is not None]
        config = by_qualifier.get(getattr(fn, "invoked_qualifier", None)) or by_qualifier.get(None)
        config = config or (by_qualifier[aliases[0]] if len(aliases) == 1 else None)
        return dict(config.config) if config is not None else {}
    configs = getattr(fn, "event_invoke_config", None) or []
    return dict(configs[-1].config) if configs else {}


def _unqualified(fn: Any) -> Any:
    from moto.awslambda.models import lambda_backends

    try:
        return lambda_backends[fn.account_id][fn.region].get_function(fn.function_name)
    except Exception:
        return None


def _work(fn: Any, payload: bytes, handle: AsyncInvocation, enqueued: float) -> None:
    try:
        config = _event_invoke_config(fn)
        retries = int(config.get("MaximumRetryAttempts", DEFAULT_RETRIES))
        max_age = int(config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE))
        delays = engine().config.async_retry_delays or (0.0,)
        handle.condition = "RetriesExhausted"
        while True:
            if time.time() - enqueued > max_age:
                handle.condition = "EventAgeExceeded"
                break
            handle.attempts += 1
            try:
                handle.outcome = invoke_function(fn, payload, request_id=handle.request_id)
            except Throttled:
                handle.outcome = None
            if handle.outcome is not None and not handle.outcome.function_error:
                handle.condition = None
                _to_destination(fn, config, "OnSuccess", handle, payload)
                return
            if handle.attempts > retries:
                break
            time.sleep(delays[min(handle.attempts - 1, len(delays) - 1)])
        _to_destination(fn, config, "OnFailure", handle, payload)
        _to_dead_letter_queue(fn, handle, payload)
    finally:
        handle.done.set()


def invocation_record(fn: Any, handle: AsyncInvocation, payload: bytes) -> dict[str, Any]:
    """What Lambda sends to an asynchronous invocation's destination."""
    outcome = handle.outcome
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": str(fn.version)}
    if outcome is not None and outcome.function_error:
        response_context["functionError"] = outcome.function_error
    return {
        "version": "1.0",
        "timestamp": iso_timestamp(),
        "requestContext": {
            "requestId": handle.request_id,
            "functionArn": f"{fn.function_arn}:{fn.version}",
            "condition": handle.condition or "Success",
            "approximateInvokeCount": handle.attempts,
        },
        "requestPayload": _json_or_text(payload),
        "responseContext": response_context,
        "responsePayload": _json_or_text(outcome.payload) if outcome is not None else None,
    }


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data) if data else None
    except ValueError:
        return data.decode(errors="replace")


def _to_destination(fn: Any, config: dict[str, Any], which: str, handle: AsyncInvocation, payload: bytes) -> None:
    destination = ((config.get("DestinationConfig") or {}).get(which) or {}).get("Destination")
    if destination:
        outcome = "Success" if which == "OnSuccess" else "Failure"
        record = json.dumps(invocation_record(fn, handle, payload))
        detail_type = f"Lambda Function Invocation Result - {outcome}"
        deliver(destination, record, source=fn, detail_type=detail_type, role=str(fn.role))


def _to_dead_letter_queue(fn: Any, handle: AsyncInvocation, payload: bytes) -> None:
    target = (getattr(fn, "dead_letter_config", None) or {}).get("TargetArn")
    if not target:
        return
    message = "unknown"
    if handle.outcome is not None:
        error = _json_or_text(handle.outcome.payload)
        message = str(error.get("errorMessage", message)) if isinstance(error, dict) else str(error)
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": handle.request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": message[:1024]},
    }
    deliver(target, payload.decode(errors="replace"), attributes=attributes, source=fn, role=str(fn.role))


def deliver(
    arn: str,
    body: str,
    *,
    attributes: dict[str, Any] | None = None,
    source: Any = None,
    detail_type: str = "",
    role: str | None = None,
) -> None:
    """Send ``body`` to the SQS queue, SNS topic, Lambda function (asynchronously) or event bus ``arn`` in moto; with
    IAM enforced, only if ``role`` (the sender's) may (:func:`.iam.services.may_send`)."""
    if not may_send(role, arn, why=f"delivery to {arn}"):
        return
    parts = arn.split(":")
    service, region, account = parts[2], parts[3], parts[4]
    try:
        if service == "sqs":
            from moto.sqs.models import sqs_backends

            sqs_backends[account][region].send_message(parts[5], body, message_attributes=attributes or {})
        elif service == "sns":
            from moto.sns.models import sns_backends

            sns_backends[account][region].publish(body, arn=arn)
        elif service == "lambda":
            from moto.awslambda.models import lambda_backends

            submit(lambda_backends[account][region].get_function(arn), body.encode())
        elif service == "events":
            from moto.events.models import events_backends

            resources = [source.function_arn] if source is not None else []
            entry = {"Source": "lambda", "DetailType": detail_type, "Detail": body, "EventBusName": arn}
            events_backends[account][region].put_events([{**entry, "Resources": resources}])
        else:
            log.error("cannot deliver to %s: not an SQS, SNS, Lambda or EventBridge ARN", arn)
    except Exception as exc:
        log.error("delivery to %s failed: %r", arn, exc)
