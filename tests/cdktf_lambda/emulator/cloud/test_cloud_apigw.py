"""Payload format 2.0: the event built from a request, the function's response mapped back, CORS."""

from __future__ import annotations

import base64
import json

import pytest

from cdktf_lambda.emulator.cloud.apigw import (
    HttpResponse,
    MalformedResponse,
    cors_headers,
    http_event,
    is_text,
    map_response,
    standard_headers,
)


def event(**overrides):
    kwargs = {
        "method": "POST",
        "raw_path": "/greetings",
        "raw_query": "a=1&a=2&b=x%20y&empty=",
        "headers": [
            ("Host", "127.0.0.1:8080"),
            ("User-Agent", "curl/8"),
            ("X-Multi", "one"),
            ("x-multi", "two"),
            ("Cookie", "s=1; theme=dark"),
            ("Content-Type", "application/json"),
        ],
        "body": b'{"name": "Ada"}',
        "source_ip": "127.0.0.1",
        "route_key": "POST /greetings",
        "stage": "$default",
        "api_id": "abc123",
        "domain_name": "abc123.execute-api.us-east-1.amazonaws.com",
        "account_id": "123456789012",
        "request_id": "req-1",
        "path_parameters": {},
        "now": 1709272800.5,
    }
    return http_event(**{**kwargs, **overrides})


def test_event_as_api_gateway_builds_it():
    built = event()
    assert built["version"] == "2.0"
    assert (built["routeKey"], built["rawPath"], built["rawQueryString"]) == (
        "POST /greetings",
        "/greetings",
        "a=1&a=2&b=x%20y&empty=",
    )
    assert built["cookies"] == ["s=1", "theme=dark"]
    assert built["headers"] == {
        "host": "127.0.0.1:8080",
        "user-agent": "curl/8",
        "x-multi": "one,two",
        "content-type": "application/json",
    }
    assert built["queryStringParameters"] == {"a": "1,2", "b": "x y", "empty": ""}
    context = built["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/greetings",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "curl/8",
    }
    assert (context["routeKey"], context["stage"], context["requestId"], context["apiId"]) == (
        "POST /greetings",
        "$default",
        "req-1",
        "abc123",
    )
    assert (context["domainPrefix"], context["time"], context["timeEpoch"]) == (
        "abc123",
        "01/Mar/2024:06:00:00 +0000",
        1709272800500,
    )
    assert (built["body"], built["isBase64Encoded"]) == ('{"name": "Ada"}', False)
    assert "pathParameters" not in built and "stageVariables" not in built


def test_binary_body_is_base64_and_empty_parts_are_left_out():
    data = bytes(range(256))
    built = event(headers=[("content-type", "image/png")], body=data, raw_query="", path_parameters={"id": "7"})
    assert built["isBase64Encoded"] is True and base64.b64decode(built["body"]) == data
    assert "cookies" not in built and "queryStringParameters" not in built
    assert built["pathParameters"] == {"id": "7"}
    assert "body" not in event(body=b"") and event(body=b"")["isBase64Encoded"] is False


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("application/json", b"{}", True),
        ("text/html; charset=utf-8", b"<p>", True),
        ("application/vnd.api+json", b"{}", True),
        (None, b"plain", True),
        ("application/octet-stream", b"abc", False),
        ("text/plain", b"\xff\xfe", False),
    ],
)
def test_what_counts_as_text(content_type, body, text):
    assert is_text(content_type, body) is text


def test_a_response_without_status_code_is_a_200_json_body():
    assert map_response({"message": "Hello World"}) == HttpResponse(
        200, [("content-type", "application/json")], b'{"message": "Hello World"}'
    )
    assert map_response("hi").body == b'"hi"'


def test_a_proxy_response_gives_status_headers_cookies_and_body():
    response = map_response(
        {
            "statusCode": 201,
            "headers": {"content-type": "text/plain", "x-flag": True},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.headers == [
        ("content-type", "text/plain"),
        ("x-flag", "true"),
        ("set-cookie", "a=1; Path=/"),
        ("set-cookie", "b=2"),
    ]
    assert response.body == b"\x00\x01"


@pytest.mark.parametrize(
    "response",
    [
        {"statusCode": "two hundred"},
        {"statusCode": 99},
        {"statusCode": 200, "headers": ["x"]},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "body": "!!", "isBase64Encoded": True},
    ],
)
def test_malformed_responses(response):
    with pytest.raises(MalformedResponse):
        map_response(response)


def test_standard_headers_replace_the_length():
    response = standard_headers(HttpResponse(200, [("Content-Length", "999")], b"abc"), "rid")
    headers = dict(response.headers)
    assert (headers["content-length"], headers["apigw-requestid"]) == ("3", "rid") and "Content-Length" not in headers
    assert "date" in headers


CORS = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "AllowHeaders": ["content-type"],
        "MaxAge": 300, "ExposeHeaders": ["x-id"]}  # fmt: skip


def test_cors_preflight_and_simple_requests():
    preflight, headers = cors_headers(
        CORS, "OPTIONS", {"origin": "https://app.example", "access-control-request-method": "POST"}
    )
    assert preflight is True
    assert dict(headers) == {
        "access-control-allow-origin": "https://app.example",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "300",
    }
    assert cors_headers(CORS, "GET", {"origin": "https://app.example"}) == (
        False,
        [("access-control-allow-origin", "https://app.example"), ("access-control-expose-headers", "x-id")],
    )
    assert cors_headers(CORS, "GET", {"origin": "https://evil.example"}) == (False, [])
    assert cors_headers(None, "OPTIONS", {"origin": "x", "access-control-request-method": "GET"}) == (False, [])
    assert json.dumps(cors_headers({"AllowOrigins": ["*"]}, "GET", {"origin": "o"})[1]) == json.dumps(
        [["access-control-allow-origin", "*"]]
    )
