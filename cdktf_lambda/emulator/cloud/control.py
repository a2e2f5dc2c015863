"""The local cloud's own endpoints on the moto port, under ``/_local/`` (everything else goes to moto).

==================================  =======================================================================
``GET /_local/endpoints``           ``{"http_apis": {name: url}, "function_urls": {name: url}}``
``GET /_local/inventory``           functions, event source mappings with counts, endpoints, schedules
``POST /_local/fire?name=N``        fire the rules/schedules named ``N`` now (``&wait=S``: wait up to S
                                    seconds for the invocations and report how they ended); 404 if none
``POST /_local/prepare``            write every function's zips, rebuild dependency layers for the runner
``POST /_local/warm?function=N``    start function ``N``'s runtime now, no event (``&qualifier=Q``); its
                                    init error, if the handler does not import
``POST /_local/iam?enforce=1|0``    enforce IAM from now on, or stop (``{"enforced", "checks", "denied"}``)
==================================  =======================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from cdktf_lambda.emulator.cloud import iam
from cdktf_lambda.emulator.cloud.catalog import endpoints, inventory, prepare
from cdktf_lambda.emulator.cloud.clock import fire
from cdktf_lambda.emulator.cloud.code_updates import warm

__all__ = ["install", "local_endpoint"]

PREFIX = "/_local/"


def _fire(query: dict[str, list[str]]) -> tuple[int, Any]:
    name = (query.get("name") or [""])[0]
    if not name:
        return 400, {"error": "name= is required (a rule or schedule name, or its ARN)"}
    wait = float((query.get("wait") or ["0"])[0] or 0)
    fired = fire(name)
    if not fired:
        return 404, {"error": f"no rule or schedule named {name!r}"}
    report = []
    for record in fired:
        handle = record.pop("invocation", None)
        if handle is not None and wait > 0:
            record["finished"] = handle.wait(wait)
            record["attempts"] = handle.attempts
            record["condition"] = handle.condition if handle.done.is_set() else None
            if handle.outcome is not None:
                record["function_error"] = handle.outcome.function_error
                record["response"] = handle.outcome.response
        report.append(record)
    return 200, {"fired": report}


def _warm(query: dict[str, list[str]]) -> tuple[int, Any]:
    name = (query.get("function") or [""])[0]
    if not name:
        return 400, {"error": "function= is required (a function name or ARN)"}
    qualifier = (query.get("qualifier") or [""])[0] or None
    answer = warm(name, qualifier)
    return (404 if answer.get("reason") == "no such function" else 200), answer


def local_endpoint(method: str, path: str, query_string: str) -> tuple[int, Any]:
    """Status and JSON body of a ``/_local/`` request."""
    query = parse_qs(query_string)
    routes: dict[tuple[str, str], Callable[[], tuple[int, Any]]] = {
        ("GET", "endpoints"): lambda: (200, endpoints()),
        ("GET", "inventory"): lambda: (200, inventory()),
        ("POST", "fire"): lambda: _fire(query),
        ("POST", "prepare"): lambda: (200, prepare()),
        ("POST", "warm"): lambda: _warm(query),
        ("POST", "iam"): lambda: iam.enforce((query.get("enforce") or [""])[0]),
    }
    route = routes.get((method, path.removeprefix(PREFIX).strip("/")))
    if route is None:
        return 404, {"error": f"unknown local endpoint {method} {path}", "endpoints": [p for _, p in routes]}
    return route()


def install() -> str:
    """Answer ``/_local/`` on the moto port (wraps moto's WSGI dispatcher); ``applied`` or why not."""
    import moto.server as server

    base = getattr(server, "DomainDispatcherApplication", None)
    if base is None:
        return "skipped: moto.server.DomainDispatcherApplication not found"

    class LocalDispatcher(base):  # type: ignore[misc,valid-type]
        def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if not path.startswith(PREFIX):
                answer: Iterable[bytes] = super().__call__(environ, start_response)
                return answer
            try:
                method, query = environ.get("REQUEST_METHOD", "GET"), environ.get("QUERY_STRING", "")
                status, body = local_endpoint(method, path, query)
            except Exception as exc:
                status, body = 500, {"error": repr(exc)}
            data = json.dumps(body, default=str).encode()
            reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
            start_response(f"{status} {reason}", headers)
            return [data]

    server.DomainDispatcherApplication = LocalDispatcher
    return "applied"
