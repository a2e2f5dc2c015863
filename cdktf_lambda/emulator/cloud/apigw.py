"""The payload format 2.0 of HTTP APIs and function URLs: the event built from a request, the response mapped back.

:func:`http_event` builds the event as API Gateway builds it: ``rawPath``, ``rawQueryString``, ``cookies`` (taken out
of the headers), header names lower-cased with repeated headers joined by commas, query parameters decoded and
joined by commas, ``requestContext`` (``routeKey``, ``stage``, ``http.method``/``path``/``protocol``/``sourceIp``/
``userAgent``, request id and time), ``pathParameters``, ``stageVariables``, and the body: text as it is, anything
else base64 (``isBase64Encoded``). A body counts as text when its content type is ``text/*``, JSON, XML, JavaScript
or form data and it decodes as UTF-8.

:func:`map_response` turns what the function returned into the HTTP answer: an object with ``statusCode`` gives the
status, ``headers``, ``cookies`` (one ``Set-Cookie`` each) and ``body`` (decoded when ``isBase64Encoded``); any other
JSON value is sent as a 200 ``application/json`` body. A malformed response raises :class:`MalformedResponse` (the
front answers 502, as API Gateway does).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any, cast
from urllib.parse import parse_qsl

from cdktf_lambda.emulator.cloud.types import HttpApiEvent

__all__ = [
    "HttpResponse",
    "MalformedResponse",
    "cors_headers",
    "http_event",
    "is_text",
    "map_response",
    "standard_headers",
]

_TEXT_TYPES = re.compile(
    r"^(text/.*|application/(json|.*\+json|xml|.*\+xml|javascript|x-www-form-urlencoded|graphql))$", re.I
)


class MalformedResponse(ValueError):
    """The function's response is not one API Gateway can send."""


@dataclass
class HttpResponse:
    """Status, headers (name/value pairs, repeats allowed) and body of an HTTP answer."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def of_json(cls, status: int, value: Any) -> HttpResponse:
        return cls(status, [("content-type", "application/json")], json.dumps(value).encode())


def is_text(content_type: str | None, body: bytes) -> bool:
    """Whether API Gateway passes ``body`` as text (else base64)."""
    media_type = (content_type or "").split(";", 1)[0].strip()
    if media_type and not _TEXT_TYPES.match(media_type):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def http_event(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    source_ip: str,
    route_key: str,
    stage: str,
    api_id: str,
    domain_name: str,
    account_id: str,
    request_id: str,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    now: float | None = None,
) -> HttpApiEvent:
    """The payload 2.0 event of one request (see the module docstring), its keys in API Gateway's order."""
    now = time.time() if now is None else now
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == "cookie":
            cookies += [part.strip() for part in value.split(";") if part.strip()]
            continue
        joined[lowered] = f"{joined[lowered]},{value}" if lowered in joined else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = joined
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain_name,
        "domainPrefix": domain_name.split(".", 1)[0],
        "http": {
            "method": method.upper(),
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": joined.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    if body:
        text = is_text(joined.get("content-type"), body)
        event["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode()
        event["isBase64Encoded"] = not text
    else:
        event["isBase64Encoded"] = False
    return cast(HttpApiEvent, event)


def map_response(response: Any) -> HttpResponse:
    """The HTTP answer for the function's ``response`` (see the module docstring)."""
    if not isinstance(response, dict) or "statusCode" not in response:
        return HttpResponse.of_json(200, response)
    status = response["statusCode"]
    if isinstance(status, bool) or not isinstance(status, (int, str)) or not str(status).isdigit():
        raise MalformedResponse(f"statusCode {status!r} is not an integer")
    if not 100 <= int(status) <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    headers_in = response.get("headers") or {}
    cookies = response.get("cookies") or []
    if not isinstance(headers_in, dict) or not isinstance(cookies, list):
        raise MalformedResponse("headers must be an object and cookies a list")
    headers = [(str(name), _header_value(value)) for name, value in headers_in.items()]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers += [(str(name), _header_value(value)) for value in (values if isinstance(values, list) else [values])]
    headers += [("set-cookie", str(cookie)) for cookie in cookies]
    body = response.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, not {type(body).__name__}")
    elif response.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("isBase64Encoded is true but body is not base64") from None
    else:
        data = body.encode("utf-8")
    return HttpResponse(int(status), headers, data)


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def standard_headers(response: HttpResponse, request_id: str) -> HttpResponse:
    """Add the headers API Gateway always sends (``date``, ``content-length``, ``apigw-requestid``)."""
    names = {name.lower() for name, _ in response.headers}
    extra = [("apigw-requestid", request_id)]
    if "date" not in names:
        extra.append(("date", formatdate(usegmt=True)))
    headers = [(n, v) for n, v in response.headers if n.lower() != "content-length"]
    headers += [*extra, ("content-length", str(len(response.body)))]
    return HttpResponse(response.status, headers, response.body)


def cors_headers(
    cors: Mapping[str, Any] | None, method: str, headers: Mapping[str, str]
) -> tuple[bool, list[tuple[str, str]]]:
    """``(is a preflight to answer, headers to add)`` for an API's (or function URL's) CORS configuration.

    ``cors`` has the keys of either API (``AllowOrigins`` or ``allowOrigins``); ``headers`` are the request's,
    lower-cased. A preflight is an ``OPTIONS`` with ``origin`` and
    ``access-control-request-method`` when CORS is configured; API Gateway answers it without calling the function.
    """
    origin = headers.get("origin")
    if not cors or not origin:
        return False, []
    cors = {key[:1].upper() + key[1:]: value for key, value in cors.items()}  # API Gateway's JSON is camelCase
    allowed = [str(o) for o in cors.get("AllowOrigins") or []]
    if "*" not in allowed and origin not in allowed:
        return False, []
    out = [("access-control-allow-origin", "*" if "*" in allowed and not cors.get("AllowCredentials") else origin)]
    if cors.get("AllowCredentials"):
        out.append(("access-control-allow-credentials", "true"))
    preflight = method.upper() == "OPTIONS" and "access-control-request-method" in headers
    if preflight:
        if cors.get("AllowMethods"):
            out.append(("access-control-allow-methods", ",".join(cors["AllowMethods"])))
        if cors.get("AllowHeaders"):
            out.append(("access-control-allow-headers", ",".join(cors["AllowHeaders"])))
        if cors.get("MaxAge") is not None:
            out.append(("access-control-max-age", str(cors["MaxAge"])))
    elif cors.get("ExposeHeaders"):
        out.append(("access-control-expose-headers", ",".join(cors["ExposeHeaders"])))
    return preflight, out
