"""What an HTTP API or a function URL answers, from what is deployed in moto: :class:`ApiApp`, :class:`UrlApp`.

Each front (:mod:`.fronts`) hands its requests to one of these. A request to an API goes through what is deployed:
the stage (``$default`` at the root, a named stage under ``/<stage>``), the route (:mod:`.routes`), its ``AWS_PROXY``
integration with payload format 2.0, the function, through the same invoke path as ``Invoke`` (:mod:`.invoke`); the
event and the answer follow :mod:`.apigw`, CORS preflights are answered from the API's CORS configuration, and the
stage's access log goes to its log group in moto. What API Gateway itself answers: 404 ``{"message":"Not Found"}``
when no route (or stage) matches, 502 ``{"message":"Internal Server Error"}`` when the function fails or returns a
malformed response, 500 when the integration cannot be called (not a Lambda proxy with payload 2.0, or throttled),
503 after the integration's timeout, 500 when API Gateway may not invoke the function (with IAM enforced: no
``aws_lambda_permission`` for ``apigateway.amazonaws.com`` matching the request's source ARN, or the integration's
role may not). A function URL answers 403 ``{"Message":"Forbidden"}`` when the request may not invoke it: ``AWS_IAM``
needs a signed request (whose signer is allowed, with IAM enforced), ``NONE`` a resource-based permission letting
anyone ``lambda:InvokeFunctionUrl`` (with IAM enforced).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from cdktf_lambda.emulator.cloud.apigw import (
    HttpResponse,
    MalformedResponse,
    cors_headers,
    http_event,
    map_response,
    standard_headers,
)
from cdktf_lambda.emulator.cloud.iam.services import api_may_invoke, url_may_invoke
from cdktf_lambda.emulator.cloud.invoke import Invocation, Throttled, invoke_function
from cdktf_lambda.emulator.cloud.routes import match_route
from cdktf_lambda.emulator.cloud.types import HttpApiEvent
from cdktf_lambda.iam.services import API_NO_PERMISSION, execute_api_arn
from cdktf_lambda.logs import room_logger

__all__ = ["INTERNAL_ERROR", "ApiApp", "Request", "UrlApp"]

log = room_logger(__name__)

_FUNCTION_IN_URI = re.compile(r"functions/(arn:[^/]+)/invocations")
NOT_FOUND = {"message": "Not Found"}
INTERNAL_ERROR = {"message": "Internal Server Error"}


@dataclass(frozen=True)
class Request:
    """An HTTP request as a front received it."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str

    def header_map(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers}

    def event(self, **context: Any) -> HttpApiEvent:
        """The payload 2.0 event of this request; ``context``: the rest of :func:`~.apigw.http_event`'s arguments."""
        return http_event(
            method=self.method,
            raw_path=self.path,
            raw_query=self.query,
            headers=self.headers,
            body=self.body,
            source_ip=self.source_ip,
            **context,
        )


def _invoke_within(fn: Any, event: HttpApiEvent, seconds: float) -> Invocation | None:
    """Run ``fn`` on ``event``; None if it runs longer than ``seconds`` once started (it finishes in the background).

    The integration timeout counts from the function's start: waiting for a local run slot is not the function's.
    """
    box: dict[str, Any] = {}
    started = threading.Event()

    def run() -> None:
        try:
            box["outcome"] = invoke_function(fn, json.dumps(event).encode(), on_start=started.set)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc
        finally:
            started.set()

    thread = threading.Thread(target=run, name="front-invoke", daemon=True)
    thread.start()
    started.wait()
    thread.join(seconds)
    if thread.is_alive():
        return None
    if "error" in box:
        raise box["error"]
    outcome: Invocation = box["outcome"]
    return outcome


def _lambda(account: str, region: str) -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[account][region]


def _answer(fn: Any, event: HttpApiEvent, seconds: float) -> tuple[HttpResponse, str]:
    """The HTTP answer of ``fn`` to ``event`` and the integration error message (empty when none)."""
    try:
        outcome = _invoke_within(fn, event, seconds)
    except Throttled:
        return HttpResponse.of_json(500, INTERNAL_ERROR), "Rate Exceeded."
    if outcome is None:
        return HttpResponse.of_json(503, {"message": "Service Unavailable"}), "Integration timeout"
    if outcome.function_error:
        return HttpResponse.of_json(502, INTERNAL_ERROR), "The Lambda function returned an error"
    try:
        return map_response(outcome.response), ""
    except MalformedResponse as exc:
        return HttpResponse.of_json(502, INTERNAL_ERROR), f"Malformed Lambda proxy response: {exc}"


class ApiApp:
    """Serves one HTTP API (``api_id`` in ``account``/``region``) as it is deployed in moto."""

    kind = "http_apis"

    def __init__(self, account: str, region: str, api_id: str) -> None:
        self.account, self.region, self.api_id = account, region, api_id
        self.key = f"api:{account}:{region}:{api_id}"

    def _api(self) -> Any:
        from moto.apigatewayv2.models import apigatewayv2_backends

        return apigatewayv2_backends[self.account][self.region].apis.get(self.api_id)

    @property
    def name(self) -> str:
        api = self._api()
        return api.name if api is not None else self.api_id

    def handle(self, request: Request) -> HttpResponse:
        request_id = str(uuid.uuid4())
        started = time.time()
        api = self._api()
        stage_name, path = self._stage(api, request.path)
        if api is None or stage_name is None:
            return standard_headers(HttpResponse.of_json(404, NOT_FOUND), request_id)
        stage = api.stages[stage_name]
        preflight, cors = cors_headers(api.cors_configuration, request.method, request.header_map())
        if preflight:
            return standard_headers(HttpResponse(204, cors), request_id)
        response, route_key, error = self._route(api, stage, request, path, request_id)
        response.headers += cors
        response = standard_headers(response, request_id)
        self._access_log(stage, request, route_key, response, error, request_id, started)
        return response

    def _stage(self, api: Any, path: str) -> tuple[str | None, str]:
        if api is None:
            return None, path
        if "$default" in api.stages:
            return "$default", path
        first, _, rest = path.lstrip("/").partition("/")
        return (first, "/" + rest) if first in api.stages else (None, path)

    def _route(
        self, api: Any, stage: Any, request: Request, path: str, request_id: str
    ) -> tuple[HttpResponse, str, str]:
        routes = {route.route_key: route for route in api.routes.values()}
        matched = match_route(routes, request.method, path)
        if matched is None:
            return HttpResponse.of_json(404, NOT_FOUND), "-", ""
        integration = api.integrations.get((routes[matched.route_key].target or "").removeprefix("integrations/"))
        function_arn = self._function_arn(integration)
        if integration is None or function_arn is None or integration.payload_format_version != "2.0":
            reason = "only AWS_PROXY integrations of a Lambda function with payload format 2.0 are emulated"
            return HttpResponse.of_json(500, INTERNAL_ERROR), matched.route_key, reason
        try:
            fn = _lambda(function_arn.split(":")[4], function_arn.split(":")[3]).get_function(function_arn)
        except Exception:
            return HttpResponse.of_json(500, INTERNAL_ERROR), matched.route_key, f"no function {function_arn}"
        source_arn = execute_api_arn(self.region, self.account, api.api_id, stage.name, request.method, path)
        if not api_may_invoke(fn, function_arn, source_arn, getattr(integration, "credentials_arn", None)):
            return HttpResponse.of_json(500, INTERNAL_ERROR), matched.route_key, API_NO_PERMISSION
        event = request.event(
            route_key=matched.route_key,
            stage=stage.name,
            api_id=api.api_id,
            domain_name=f"{api.api_id}.execute-api.{self.region}.amazonaws.com",
            account_id=self.account,
            request_id=request_id,
            path_parameters=matched.path_parameters,
            stage_variables=stage.stage_variables,
        )
        response, error = _answer(fn, event, (integration.timeout_in_millis or 30_000) / 1000)
        return response, matched.route_key, error

    @staticmethod
    def _function_arn(integration: Any) -> str | None:
        if integration is None or integration.integration_type != "AWS_PROXY":
            return None
        uri = integration.integration_uri or ""
        found = _FUNCTION_IN_URI.search(uri)
        return found.group(1) if found else (uri if uri.startswith("arn:") and ":lambda:" in uri else None)

    def _access_log(
        self,
        stage: Any,
        request: Request,
        route_key: str,
        response: HttpResponse,
        error: str,
        request_id: str,
        started: float,
    ) -> None:
        settings = {key.lower(): value for key, value in (stage.access_log_settings or {}).items()}
        arn, template = settings.get("destinationarn"), settings.get("format")
        if not arn or not template:
            return
        values = {
            "requestId": request_id,
            "identity.sourceIp": request.source_ip,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(started)),
            "requestTimeEpoch": str(int(started)),
            "httpMethod": request.method,
            "path": request.path,
            "routeKey": route_key,
            "status": str(response.status),
            "protocol": "HTTP/1.1",
            "responseLength": str(len(response.body)),
            "integrationErrorMessage": error or "-",
            "stage": stage.name,
            "apiId": self.api_id,
        }
        line = re.sub(r"\$context\.([A-Za-z0-9_.]+)", lambda m: json.dumps(values.get(m.group(1), "-"))[1:-1], template)
        _put_log_line(self.account, self.region, arn, f"{self.api_id}_{stage.name}", line)


def _put_log_line(account: str, region: str, group_arn: str, stream: str, line: str) -> None:
    from moto.core.utils import unix_time_millis
    from moto.logs.models import logs_backends

    group = group_arn.split(":log-group:", 1)[-1].removesuffix(":*")
    logs = logs_backends[account][region]
    try:
        if group in logs.groups:  # a deleted log group is not re-created by access logs
            logs.ensure_log_stream(group, stream)
            logs.put_log_events(group, stream, [{"timestamp": int(unix_time_millis()), "message": line}])
    except Exception as exc:
        log.error("access log to %s: %r", group, exc)


class UrlApp:
    """Serves the function URL of one function."""

    kind = "function_urls"

    def __init__(self, account: str, region: str, function_name: str) -> None:
        self.account, self.region, self.name = account, region, function_name
        self.key = f"url:{account}:{region}:{function_name}"

    def _function(self) -> Any:
        try:
            fn = _lambda(self.account, self.region).get_function(self.name)
        except Exception:
            return None
        return fn if fn.url_config is not None else None

    def handle(self, request: Request) -> HttpResponse:
        request_id = str(uuid.uuid4())
        fn = self._function()
        if fn is None:
            return standard_headers(HttpResponse.of_json(404, NOT_FOUND), request_id)
        config = fn.url_config.config
        headers = request.header_map()
        if not url_may_invoke(fn, fn.function_arn, config.get("AuthType") or "NONE", headers.get("authorization")):
            return standard_headers(HttpResponse.of_json(403, {"Message": "Forbidden"}), request_id)
        preflight, cors = cors_headers(config.get("Cors"), request.method, headers)
        if preflight:
            return standard_headers(HttpResponse(204, cors), request_id)
        url_id = fn.url_config.url.split("//", 1)[1].split(".", 1)[0]
        event = request.event(
            route_key="$default",
            stage="$default",
            api_id=url_id,
            domain_name=fn.url_config.url.split("//", 1)[1],
            account_id=self.account,
            request_id=request_id,
        )
        response, _ = _answer(fn, event, float(fn.timeout or 3) + 10)
        response.headers += cors
        return standard_headers(response, request_id)
