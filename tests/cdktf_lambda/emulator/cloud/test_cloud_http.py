"""HTTP APIs and function URLs answer on 127.0.0.1: routes and AWS_PROXY integrations as deployed, payload 2.0."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud

pytestmark = pytest.mark.slow
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ACCESS_LOG_FORMAT = '{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status"}'


def request(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> tuple:
    """``(status, headers, body)`` of one HTTP request."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture(scope="module")
def api(cloud: Cloud) -> dict[str, Any]:
    """An HTTP API with two routes to ``http``, a CORS configuration and a ``$default`` stage; its local URL."""
    arn = cloud.function("http-fn", "http")
    gateway = cloud.client("apigatewayv2")
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "MaxAge": 60}
    routes = ("GET /items/{id}", "POST /upload", "ANY /fail/{proxy+}")
    api_id = cloud.http_api("local-api", arn, routes, CorsConfiguration=cors)
    cloud.client("lambda").add_permission(
        FunctionName="http-fn", StatementId="api", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com"
    )
    logs = cloud.client("logs")
    logs.create_log_group(logGroupName="/aws/apigateway/local-api")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="/aws/apigateway/local-api")["logGroups"][0]["arn"]
    access_log = {"DestinationArn": group_arn, "Format": ACCESS_LOG_FORMAT}
    gateway.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True, AccessLogSettings=access_log)
    endpoints = wait_for(lambda: cloud.local("endpoints")[1]["http_apis"].get("local-api"), timeout=10)
    assert endpoints and endpoints.startswith("http://127.0.0.1:")
    return {"url": endpoints, "api_id": api_id}


def test_a_route_gets_the_payload_2_event_and_its_response_goes_back(api: dict[str, Any]) -> None:
    status, headers, body = request(
        f"{api['url']}/items/42?color=red&color=blue", headers={"Cookie": "session=abc", "X-Trace": "t1"}
    )

    assert status == 201
    assert headers["x-route"] == "GET /items/{id}" and headers["set-cookie"] == "seen=1; Path=/"
    assert headers["apigw-requestid"]
    event = json.loads(body)
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "GET /items/{id}", "/items/42")
    assert (event["rawQueryString"], event["queryStringParameters"]) == ("color=red&color=blue", {"color": "red,blue"})
    assert event["cookies"] == ["session=abc"] and "cookie" not in event["headers"]
    assert event["headers"]["x-trace"] == "t1" and event["pathParameters"] == {"id": "42"}
    context = event["requestContext"]
    assert (context["routeKey"], context["stage"], context["apiId"]) == ("GET /items/{id}", "$default", api["api_id"])
    assert (context["http"]["method"], context["http"]["path"], context["http"]["sourceIp"]) == (
        "GET",
        "/items/42",
        "127.0.0.1",
    )
    assert event["isBase64Encoded"] is False and "body" not in event


def test_the_stage_writes_its_access_log(cloud: Cloud, api: dict[str, Any]) -> None:
    request(f"{api['url']}/items/7")
    request(f"{api['url']}/nowhere")
    events = cloud.client("logs").filter_log_events(logGroupName="/aws/apigateway/local-api")["events"]
    lines = [json.loads(event["message"]) for event in events]
    assert {"routeKey": "GET /items/{id}", "status": "201"}.items() <= lines[-2].items()
    assert {"routeKey": "-", "status": "404"}.items() <= lines[-1].items() and lines[-1]["requestId"]


def test_a_binary_body_arrives_base64(api: dict[str, Any]) -> None:
    data = bytes(range(256))
    status, _, body = request(
        f"{api['url']}/upload", method="POST", body=data, headers={"Content-Type": "application/octet-stream"}
    )
    event = json.loads(body)
    assert status == 201 and event["isBase64Encoded"] is True
    import base64

    assert base64.b64decode(event["body"]) == data


def test_no_route_is_404_and_a_failing_integration_502(api: dict[str, Any]) -> None:
    assert request(f"{api['url']}/nowhere")[::2] == (404, b'{"message": "Not Found"}')
    assert request(f"{api['url']}/fail/boom")[::2] == (502, b'{"message": "Internal Server Error"}')
    assert request(f"{api['url']}/fail/malformed")[0] == 502
    status, headers, body = request(f"{api['url']}/fail/binary")
    assert (status, headers["content-type"], body) == (200, "application/octet-stream", bytes(range(8)))
    status, headers, body = request(f"{api['url']}/fail/plain")
    assert (status, headers["content-type"], json.loads(body)) == (200, "application/json", {"hello": "world"})


def test_cors_preflight_is_answered_by_the_api(api: dict[str, Any]) -> None:
    status, headers, _ = request(
        f"{api['url']}/items/1",
        method="OPTIONS",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert status == 204
    assert (headers["access-control-allow-origin"], headers["access-control-allow-methods"]) == (
        "https://app.example",
        "GET,POST",
    )
    assert (
        request(f"{api['url']}/items/1", headers={"Origin": "https://app.example"})[1]["access-control-allow-origin"]
        == "https://app.example"
    )


def test_a_deleted_api_stops_answering(cloud: Cloud, api: dict[str, Any]) -> None:
    gateway = cloud.client("apigatewayv2")
    other = gateway.create_api(Name="short-lived", ProtocolType="HTTP")["ApiId"]
    url = wait_for(lambda: cloud.local("endpoints")[1]["http_apis"].get("short-lived"), timeout=10)
    assert request(url)[0] == 404  # no stage yet
    gateway.delete_api(ApiId=other)
    assert wait_for(lambda: "short-lived" not in cloud.local("endpoints")[1]["http_apis"], timeout=10)


def test_function_urls(cloud: Cloud) -> None:
    cloud.function("url-fn", "http")
    cloud.function("iam-url-fn", "http")
    lam = cloud.client("lambda")
    lam.create_function_url_config(FunctionName="url-fn", AuthType="NONE")
    lam.create_function_url_config(FunctionName="iam-url-fn", AuthType="AWS_IAM")
    public = {"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}
    lam.add_permission(FunctionName="url-fn", StatementId="public", **public)
    urls = wait_for(
        lambda: len(cloud.local("endpoints")[1]["function_urls"]) == 2 and cloud.local("endpoints")[1], timeout=10
    )

    status, _, body = request(f"{urls['function_urls']['url-fn']}/anything?x=1")
    event = json.loads(body)
    assert status == 201 and (event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "$default",
        "/anything",
        "x=1",
    )
    assert event["requestContext"]["domainName"].endswith(".lambda-url.us-east-1.on.aws")
    assert request(urls["function_urls"]["iam-url-fn"])[0] == 403
    signed = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x"
    assert request(urls["function_urls"]["iam-url-fn"], headers={"Authorization": signed})[0] == 201
