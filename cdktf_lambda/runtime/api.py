"""The Lambda Runtime API (2018-06-01), served on 127.0.0.1 to one runtime process (``awslambdaric``).

``GET /2018-06-01/runtime/invocation/next``
    Blocks until an event is queued, then answers 200 with the event bytes and the headers the client needs:
    ``Lambda-Runtime-Aws-Request-Id`` (required), ``-Deadline-Ms`` (epoch ms, computed when the runtime receives
    the event: Lambda's timeout clock starts then), ``-Invoked-Function-Arn``, ``-Trace-Id`` and, when given,
    ``-Client-Context`` and ``-Cognito-Identity`` (JSON). Empty headers are left out, as Lambda does.
``POST …/invocation/{id}/response`` and ``…/invocation/{id}/error``
    The handler's result, or the client's error object; answered 202. An unknown id gets
    ``400 InvalidRequestID``, a second answer ``403 InvalidStateTransition``.
``POST /2018-06-01/runtime/init/error``
    The handler could not be loaded (``Runtime.ImportModuleError`` …): answered exactly 202 (the client's
    ``http.client`` requires it); every waiting event fails with that error.

One server serves one runtime process, as each Lambda execution environment has its own Runtime API: a process
started later gets a new server, so nothing an earlier process left waiting can take its events. A waiting
``GET /next`` ends without taking an event once its client has closed the connection (the process exited or was
killed) or the server stops: the poll of a dead runtime never takes an event, which would otherwise hang until its
timeout.

Headers and body go out in separate writes, so Nagle's algorithm would hold each reply for the client's delayed ACK
(~40 ms per request): ``disable_nagle_algorithm`` turns it off. Standard library only; binds 127.0.0.1 alone.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

__all__ = ["PREFIX", "Invocation", "Outcome", "RuntimeAPI"]

PREFIX = "/2018-06-01/runtime"
#: How soon the server notices :meth:`RuntimeAPI.stop` (a runtime restarted after a crash waits for it).
_STOP_SECONDS = 0.05
Outcome = Literal["response", "error", "init_error", "timeout", "exit"]


@dataclass
class Invocation:
    """One event handed to the runtime, and what came back."""

    request_id: str
    body: bytes
    timeout: float
    function_arn: str
    trace_id: str | None = None
    client_context: str | None = None
    cognito_identity: str | None = None
    #: ``time.monotonic()`` when the runtime received the event (``None`` until then).
    received_at: float | None = None
    outcome: Outcome | None = None
    result: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def finish(self, outcome: Outcome, result: bytes, headers: dict[str, str] | None = None) -> bool:
        """Record the outcome once; ``False`` when it was already finished."""
        if self._done.is_set():
            return False
        self.outcome, self.result, self.headers = outcome, result, dict(headers or {})
        self._done.set()
        return True

    def json(self) -> Any:
        return json.loads(self.result) if self.result else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the runtime was killed mid-request (timeout, stop): expected
        super().handle_error(request, client_address)


class RuntimeAPI:
    """A Runtime API server for one runtime process: :meth:`start`, :meth:`submit` events, :meth:`stop`."""

    def __init__(self, function_arn: str) -> None:
        self.function_arn = function_arn
        self._queued: deque[Invocation] = deque()
        self._ready = threading.Condition()  # guards _queued; notified when an event is queued or the server stops
        self._by_id: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        #: The body of ``/init/error``, once posted.
        self.init_error: bytes | None = None
        #: Set at the runtime's first ``GET /next`` (``polled_at``: ``time.monotonic()`` then): its init is done.
        self.polled = threading.Event()
        self.polled_at: float | None = None
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(_STOP_SECONDS,), name="runtime-api", daemon=True
        )

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``: the value of ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def start(self) -> RuntimeAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._ready:
            self._closed.set()
            self._ready.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def submit(
        self,
        event: Any,
        *,
        timeout: float,
        request_id: str | None = None,
        client_context: Any = None,
        cognito_identity: Any = None,
    ) -> Invocation:
        """Queue ``event`` (JSON value, or ``bytes`` as they are) for the runtime's next ``GET /next``."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        invocation = Invocation(
            request_id=request_id or str(uuid.uuid4()),
            body=body,
            timeout=timeout,
            function_arn=self.function_arn,
            trace_id=f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0",
            client_context=json.dumps(client_context) if client_context is not None else None,
            cognito_identity=json.dumps(cognito_identity) if cognito_identity is not None else None,
        )
        with self._lock:
            self._by_id[invocation.request_id] = invocation
        with self._ready:
            self._queued.append(invocation)
            self._ready.notify_all()  # the poll of a dead runtime may wake first: it must not keep the event
        return invocation

    def _next(self, connected: Callable[[], bool]) -> Invocation | None:
        """The next event, marked received; ``None`` once the server stops or the poller is gone (``connected()``
        false: its process exited or was killed)."""
        with self._ready:
            while not self._closed.is_set() and connected():
                if not self.polled.is_set():
                    self.polled_at = time.monotonic()
                    self.polled.set()
                while self._queued:
                    invocation = self._queued.popleft()
                    if not invocation.done:
                        invocation.received_at = time.monotonic()
                        return invocation
                self._ready.wait(0.2)
        return None

    def _answer(
        self, request_id: str, outcome: Outcome, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            invocation = self._by_id.get(request_id)
        if invocation is None:
            return 400, {"errorMessage": f"Invalid request ID: {request_id!r}", "errorType": "InvalidRequestID"}
        if not invocation.finish(outcome, body, headers):
            return 403, {"errorMessage": "Invalid state transition", "errorType": "InvalidStateTransition"}
        with self._lock:
            self._by_id.pop(request_id, None)
        return 202, {"status": "OK"}

    def _init_failed(self, body: bytes, headers: dict[str, str]) -> None:
        self.init_error = body
        self.polled.set()
        with self._lock:
            pending = list(self._by_id.values())
        for invocation in pending:
            invocation.finish("init_error", body, headers)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # the client keeps its connection alive between events
            disable_nagle_algorithm = True  # see the module docstring: ~40 ms per request otherwise

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, value: Any) -> None:
                self._send(status, json.dumps(value).encode(), {"Content-Type": "application/json"})

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path != f"{PREFIX}/invocation/next":
                    return self._json(404, {"errorMessage": "not found", "errorType": "NotFound"})
                invocation = api._next(lambda: _open(self.connection))
                if invocation is None:
                    return self._json(410, {"errorMessage": "shutting down", "errorType": "Gone"})
                deadline_ms = int(time.time() * 1000 + invocation.timeout * 1000)
                headers = {
                    "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                    "Lambda-Runtime-Trace-Id": invocation.trace_id,
                    "Lambda-Runtime-Client-Context": invocation.client_context,
                    "Lambda-Runtime-Cognito-Identity": invocation.cognito_identity,
                    "Content-Type": "application/json",
                }
                self._send(200, invocation.body, {key: value for key, value in headers.items() if value})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                if self.path == f"{PREFIX}/init/error":
                    api._init_failed(body, headers)
                    return self._json(202, {"status": "OK"})
                rest = self.path.removeprefix(f"{PREFIX}/invocation/")
                request_id, _, action = rest.partition("/")
                if rest == self.path or action not in ("response", "error"):
                    return self._json(404, {"errorMessage": "not found", "errorType": "NotFound"})
                self._json(*api._answer(request_id, action, body, headers))  # type: ignore[arg-type]

        return Handler


def _open(connection: socket.socket) -> bool:
    """Whether the runtime on the other end of ``connection`` is still there. While it waits for ``/next`` it sends
    nothing, so anything readable is the end of the connection (its process exited or was killed)."""
    try:
        return bool(connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))  # b"": closed
    except BlockingIOError:
        return True  # nothing to read: still waiting
    except (OSError, ValueError):
        return False  # reset, or closed here
