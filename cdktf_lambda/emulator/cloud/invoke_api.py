"""moto's Lambda ``Invoke`` API answered as Lambda answers it, running the deployed code (:func:`install`).

moto's handler calls ``LambdaFunction.invoke``, patched here; moto's own triggers (SNS, S3 notifications, DynamoDB
streams) call it too. What ``Invoke`` answers, as Lambda does: the handler's return value as JSON; on an error the
error object (``errorMessage``, ``errorType``, ``requestId``, ``stackTrace``) with ``X-Amz-Function-Error:
Unhandled`` (Python runtimes report every error as unhandled); with ``LogType=Tail`` the last 4 KB of the log,
base64, in ``X-Amz-Log-Result``; ``Event`` → 202 and the run in the background (:mod:`.asynchronous`); ``DryRun`` →
204, nothing run; a body that is not JSON → 400 ``InvalidRequestContentException``; more than 6 MB (1 MB for
``Event``) → 413; reserved concurrency 0 → 429.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cdktf_lambda.emulator.cloud import asynchronous
from cdktf_lambda.emulator.cloud.config import CloudConfig
from cdktf_lambda.emulator.cloud.invoke import Throttled, configure, invoke_function

__all__ = ["install"]

LOG_TAIL_BYTES = 4096
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in dict(headers).items() if str(k).lower() == lowered), None)
    return None if value is None else str(value)


def _client_error(status: int, error: str, message: str) -> Exception:
    from moto.awslambda.exceptions import LambdaClientError

    exc: Exception = LambdaClientError(error, message)
    exc.code = status  # type: ignore[attr-defined]
    return exc


def _patched_invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
    """``LambdaFunction.invoke`` of moto, answered as Lambda answers (see the module docstring)."""
    payload = body.encode() if isinstance(body, str) else bytes(body or b"")
    if payload.strip():
        try:
            json.loads(payload)
        except ValueError:
            raise _client_error(
                400, "InvalidRequestContentException", "Could not parse request body into json"
            ) from None
    invocation_type = _header(request_headers, "X-Amz-Invocation-Type") or "RequestResponse"
    response_headers["x-amz-executed-version"] = str(self.version)
    if invocation_type == "DryRun":
        return b""
    limit = ASYNC_PAYLOAD_LIMIT if invocation_type == "Event" else SYNC_PAYLOAD_LIMIT
    if len(payload) > limit:
        raise _client_error(
            413, "RequestEntityTooLargeException", f"Request must be smaller than {limit} bytes for {invocation_type}"
        )
    if invocation_type == "Event":
        asynchronous.submit(self, payload)
        return b""
    try:
        outcome = invoke_function(self, payload)
    except Throttled:
        raise _client_error(429, "TooManyRequestsException", "Rate Exceeded.") from None
    if outcome.function_error:
        response_headers["x-amz-function-error"] = outcome.function_error
    tail = outcome.log_text.encode()[-LOG_TAIL_BYTES:]
    response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()  # moto drops it unless LogType=Tail
    return outcome.payload


def install(config: CloudConfig) -> str:
    """Configure the engine and patch ``LambdaFunction.invoke``; ``applied`` or why not."""
    from moto.awslambda.models import LambdaFunction

    if not callable(getattr(LambdaFunction, "invoke", None)):
        return "skipped: moto.awslambda.models.LambdaFunction.invoke not found"
    configure(config)
    LambdaFunction.invoke = _patched_invoke
    return "applied"
