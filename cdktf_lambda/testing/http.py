"""HTTP requests to the local cloud's APIs and function URLs, on 127.0.0.1 only, with no proxy.

Examples
--------
>>> answer = request("POST", f"{api}/orders", json={"item": "tea"})  # doctest: +SKIP
>>> answer.status, answer.json()  # doctest: +SKIP
(201, {'order_id': '...'})
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.processes import check_loopback

__all__ = ["HttpAnswer", "request"]

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class HttpAnswer:
    """Status, headers (names lower-cased) and body of an HTTP answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body)."""
        __tracebackhide__ = True
        try:
            return jsonlib.loads(self.body) if self.body.strip() else None
        except ValueError:
            raise AssertionError(f"HTTP {self.status}: the body is not JSON: {self.text[:500]!r}") from None


def request(
    method: str,
    url: str,
    *,
    json: Any = None,
    body: str | bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> HttpAnswer:
    """Send one request to ``url`` (a loopback address); any status is an answer, not an exception.

    ``json`` is sent as JSON (with ``content-type: application/json``), ``body`` as it is.
    """
    host = urlsplit(url).hostname or ""
    try:
        check_loopback(host)
    except ValueError:
        raise InvalidParameterError("url", url, "a URL on 127.0.0.1 (the local cloud's)") from None
    data = jsonlib.dumps(json).encode() if json is not None else body.encode() if isinstance(body, str) else body
    sent = dict(headers or {})
    if json is not None:
        sent.setdefault("content-type", "application/json")
    prepared = urllib.request.Request(url, data=data, method=method.upper(), headers=sent)
    try:
        with _OPENER.open(prepared, timeout=timeout) as response:
            return HttpAnswer(response.status, _headers(response.headers.items()), response.read())
    except urllib.error.HTTPError as exc:
        return HttpAnswer(exc.code, _headers(exc.headers.items()), exc.read())


def _headers(items: Any) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in items:
        key = str(name).lower()
        result[key] = f"{result[key]}, {value}" if key in result else str(value)
    return result
