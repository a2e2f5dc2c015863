"""The servers of the HTTP fronts: one per deployed HTTP API and function URL, on 127.0.0.1 (:class:`HttpFronts`).

A supervisor thread in the moto process looks at what is deployed every ``tick`` and gives every HTTP API and every
function URL its own :class:`Front`, a threaded HTTP/1.1 server on a free port of the moto server's loopback address,
for as long as it exists; what a request gets is :mod:`.http`'s. :meth:`HttpFronts.endpoints` is what
``cdktf-lambda local status`` prints.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cdktf_lambda.emulator.cloud.apigw import HttpResponse, standard_headers
from cdktf_lambda.emulator.cloud.http import INTERNAL_ERROR, ApiApp, Request, UrlApp
from cdktf_lambda.emulator.cloud.invoke import engine
from cdktf_lambda.emulator.cloud.loops import Every
from cdktf_lambda.logs import room_logger
from cdktf_lambda.processes import free_port

__all__ = ["Front", "HttpFronts", "fronts", "install"]

log = room_logger(__name__)


def _handler_class(app: ApiApp | UrlApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, path, query, list(self.headers.items()), body, self.client_address[0])
            try:
                response = app.handle(request)
            except Exception as exc:
                log.error("%s: %r", app.key, exc)
                response = standard_headers(HttpResponse.of_json(500, INTERNAL_ERROR), "-")
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Quiet: access logs go to the stage's log group."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # many clients at once (the default backlog of 5 drops connections)


class Front:
    """One app listening on ``host:port`` in a thread of its own."""

    def __init__(self, app: ApiApp | UrlApp, host: str) -> None:
        self.app = app
        self.server = _Server((host, free_port(host)), _handler_class(app))
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"front-{app.key}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HttpFronts(Every):
    """Keeps a :class:`Front` for every deployed HTTP API and function URL (see the module docstring)."""

    def __init__(self, host: str, interval: float) -> None:
        super().__init__("http-fronts", interval)
        self.host = host
        self.fronts: dict[str, Front] = {}
        self._lock = threading.Lock()

    def step(self) -> None:
        self.reconcile()

    def deployed(self) -> list[ApiApp | UrlApp]:
        from moto.apigatewayv2.models import apigatewayv2_backends
        from moto.awslambda.models import lambda_backends

        apps: list[ApiApp | UrlApp] = []
        for account, regions in list(apigatewayv2_backends.items()):
            for region, backend in list(regions.items()):
                for api in list(backend.apis.values()):
                    if api.protocol_type == "HTTP":
                        apps.append(ApiApp(account, region, api.api_id))
        for account, regions in list(lambda_backends.items()):
            for region, backend in list(regions.items()):
                apps += [
                    UrlApp(account, region, fn.function_name)
                    for fn in backend.list_functions()
                    if fn.url_config is not None
                ]
        return apps

    def reconcile(self) -> None:
        apps = {app.key: app for app in self.deployed()}
        with self._lock:
            for key in [key for key in self.fronts if key not in apps]:
                self.fronts.pop(key).stop()
            for key, app in apps.items():
                if key not in self.fronts:
                    self.fronts[key] = Front(app, self.host)

    def endpoints(self) -> dict[str, dict[str, str]]:
        """``{"http_apis": {api name: url}, "function_urls": {function name: url}}``."""
        self.reconcile()
        result: dict[str, dict[str, str]] = {"http_apis": {}, "function_urls": {}}
        with self._lock:
            for front in self.fronts.values():
                result[front.app.kind][front.app.name] = front.url
        return result


_FRONTS: HttpFronts | None = None


def fronts() -> HttpFronts | None:
    return _FRONTS


def install() -> str:
    """Start the supervisor of the HTTP fronts; ``applied``."""
    global _FRONTS
    config = engine().config
    _FRONTS = HttpFronts(config.host, config.tick)
    _FRONTS.start()
    return "applied"
