"""Run a function of the synthesized app on its own runtime, from its synthesized artifacts: :class:`Invoker`.

The function runs as ``cdktf-lambda invoke`` runs it (:class:`cdktf_lambda.tools.invoke.LocalInvoker`): its zip and
layers as synthesized, on CPython of its runtime's version in Lambda's layout under AWS's runtime client when that
can be had here, else on the host fallback (one note says why). A runtime started for a function stays warm for the
session: the first event to a function is a cold start, later ones are warm invocations.

Examples
--------
>>> result = lambda_invoke("orders", events.http_api("GET", "/orders/42"))  # doctest: +SKIP
>>> result.status_code, result.json()  # doctest: +SKIP
(404, {'error': 'no order 42'})
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cdktf_lambda.errors import SourceError
from cdktf_lambda.testing.events import load
from cdktf_lambda.testing.functions import Function
from cdktf_lambda.testing.stack import SynthesizedStack
from cdktf_lambda.testing.synth import SynthesizedApp
from cdktf_lambda.tools.invoke import LocalInvoker

__all__ = ["Invocation", "Invoker"]

Prefer = Literal["target", "host"]


@dataclass(frozen=True)
class Invocation:
    """One run of a handler: what it returned (``response``) or Lambda's error object (``error``), its log, and
    what it ran on (``runtime``: ``python3.13 (CPython 3.13.5, ..., sandboxed)``, or the host interpreter)."""

    function: Function
    event: Any
    response: Any
    error: Mapping[str, Any] | None
    logs: str
    runtime: str
    seconds: float

    @property
    def ok(self) -> bool:
        """The handler returned (no error object)."""
        return self.error is None

    def raise_for_error(self) -> None:
        """Fail, with the handler's error type, message, stack trace and log, if it raised."""
        __tracebackhide__ = True
        if self.error is None:
            return
        trace = "".join(str(frame) for frame in self.error.get("stackTrace") or [])
        raise AssertionError(
            f"function {self.function.construct_id!r} failed: {self.error.get('errorType')}: "
            f"{self.error.get('errorMessage')}\n{trace}--- its log ---\n{self.logs.rstrip()}"
        )

    def _http(self) -> Mapping[str, Any]:
        __tracebackhide__ = True
        self.raise_for_error()
        if not isinstance(self.response, Mapping) or "statusCode" not in self.response:
            raise AssertionError(
                f"function {self.function.construct_id!r} returned no HTTP response (no statusCode): {self.response!r}"
            )
        return self.response

    @property
    def status_code(self) -> int:
        """The HTTP status of an HTTP-shaped response (fails naming the error if the handler raised)."""
        __tracebackhide__ = True
        return int(self._http()["statusCode"])

    @property
    def headers(self) -> dict[str, str]:
        """The response headers, names lower-cased."""
        __tracebackhide__ = True
        return {str(k).lower(): str(v) for k, v in (self._http().get("headers") or {}).items()}

    @property
    def body(self) -> str:
        """The response body as text (decoded when ``isBase64Encoded``)."""
        __tracebackhide__ = True
        response = self._http()
        body = response.get("body") or ""
        if response.get("isBase64Encoded"):
            return base64.b64decode(body).decode("utf-8", errors="replace")
        return str(body)

    def json(self) -> Any:
        """The response body parsed as JSON (an HTTP response), or the response itself (any other handler)."""
        __tracebackhide__ = True
        self.raise_for_error()
        if isinstance(self.response, Mapping) and "statusCode" in self.response:
            return json.loads(self.body)
        return self.response


class Invoker:
    """Invokes the functions of a synthesized app (or one stack) locally; ``lambda_invoke`` in tests.

    Parameters
    ----------
    synthesized
        The app (its project's stack is the default) or one stack written to disk.
    prefer
        ``"target"`` (default): each function's own runtime when it can be had here; ``"host"``: the host fallback.
    """

    def __init__(self, synthesized: SynthesizedApp | SynthesizedStack, *, prefer: Prefer = "target") -> None:
        self._stack = synthesized.stack() if isinstance(synthesized, SynthesizedApp) else synthesized
        if self._stack.directory is None:
            raise SourceError(f"stack {self._stack.name!r} was synthesized in memory: it has no artifacts to run")
        self._prefer = prefer
        self._invokers: dict[Prefer, LocalInvoker] = {}

    @property
    def stack(self) -> SynthesizedStack:
        return self._stack

    def __call__(
        self,
        function: str,
        event: Any = None,
        *,
        environment: Mapping[str, str] | None = None,
        timeout: int | None = None,
        prefer: Prefer | None = None,
    ) -> Invocation:
        """Run ``function`` (construct id or function name) on ``event``.

        Parameters
        ----------
        event
            The event: any JSON value (a factory of :mod:`cdktf_lambda.testing.events`, a dict), or a
            :class:`pathlib.Path` of a JSON file. Default: ``{}``.
        environment
            Variables over the function's own (its Terraform references arrive unresolved), e.g. a table name.
        timeout
            Seconds. Default: the function's timeout.
        prefer
            This call's runner (see the class). Default: the invoker's.
        """
        __tracebackhide__ = True
        target = self._stack.function(function)
        payload = load(event) if isinstance(event, os.PathLike) else ({} if event is None else event)
        choice: Prefer = prefer or self._prefer
        invoker = self._invokers.get(choice)
        if invoker is None:
            assert self._stack.directory is not None
            outdir = self._stack.directory.parent.parent
            invoker = self._invokers[choice] = LocalInvoker(outdir, self._stack.name, prefer=choice)
        started = time.monotonic()
        result = invoker.invoke(target.logical_id, payload, environment=environment, timeout=timeout)
        return Invocation(
            function=target,
            event=payload,
            response=result.response,
            error=result.error,
            logs=result.logs,
            runtime=result.python,
            seconds=time.monotonic() - started,
        )

    def close(self) -> None:
        """Stop every runtime started."""
        for invoker in self._invokers.values():
            invoker.close()
        self._invokers.clear()

    def __enter__(self) -> Invoker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
