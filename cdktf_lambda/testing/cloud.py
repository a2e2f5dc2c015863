"""The app as deployed into the local cloud, seen from a test: :class:`LocalCloud` (``local_cloud`` in tests).

Its stack outputs (real values: queue URLs, table names), the base URLs of its HTTP APIs and function URLs on
127.0.0.1, boto3 clients bound to it, and helpers that wait for an effect (a queue drained, an item written, a log
line) with a timeout instead of a sleep. :mod:`.deploy` makes one.

Examples
--------
>>> answer = local_cloud.http("POST", "/orders", json={"item": "tea"})  # doctest: +SKIP
>>> item = local_cloud.wait_for_item(local_cloud.outputs["orders_table_name"], {"order_id": answer.json()["id"]})
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.deploy.terraform import TerraformResult, run_terraform
from cdktf_lambda.emulator.server import DEFAULT_REGION, MotoServer, aws_client
from cdktf_lambda.errors import NotInStackError
from cdktf_lambda.testing.http import HttpAnswer, request
from cdktf_lambda.testing.invoke import Invocation
from cdktf_lambda.testing.stack import SynthesizedStack
from cdktf_lambda.testing.waiting import wait_for

__all__ = ["LocalCloud"]

T = TypeVar("T")


class LocalCloud:
    """A stack deployed into a local cloud on 127.0.0.1 (see the module docstring).

    Attributes
    ----------
    server
        The moto server with the local cloud (its ``endpoint_url``, ``pid``, ``log_path``).
    stack
        The stack as synthesized (:class:`~cdktf_lambda.testing.stack.SynthesizedStack`).
    directory
        Terraform's working directory of the deployment (its state file is there).
    env
        The environment terraform ran with (the local cloud's endpoint, test credentials).
    outputs
        The stack outputs after apply, by name.
    timings
        Seconds per deploy step (``start``, ``init``, ``apply``, ``outputs``, ``prepare``).
    """

    def __init__(
        self,
        server: MotoServer,
        stack: SynthesizedStack,
        directory: Path,
        env: Mapping[str, str],
        outputs: Mapping[str, Any],
        timings: Mapping[str, float],
    ) -> None:
        self.server, self.stack, self.directory, self.env = server, stack, directory, dict(env)
        self.outputs: dict[str, Any] = dict(outputs)
        self.timings: dict[str, float] = dict(timings)
        self.region = self.region_of(stack)
        self._clients: dict[str, Any] = {}

    @staticmethod
    def region_of(stack: SynthesizedStack) -> str:
        """The region of the stack's aws provider (``us-east-1`` when it is not a literal)."""
        providers = stack.json.get("provider", {}).get("aws") or [{}]
        region = providers[0].get("region") if isinstance(providers, list) else None
        return region if isinstance(region, str) and "${" not in region else DEFAULT_REGION

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: what ``AWS_ENDPOINT_URL`` is set to for the app and its functions."""
        return self.server.endpoint_url

    @property
    def deploy_seconds(self) -> float:
        """The whole deploy, in seconds (server start, init, apply, outputs and the functions' preparation)."""
        return sum(self.timings.values())

    # --- where things answer -----------------------------------------------------------------------------------------
    def endpoints(self) -> dict[str, dict[str, str]]:
        """``{"http_apis": {api name: base URL}, "function_urls": {function name: base URL}}``, as they are now."""
        answer: dict[str, dict[str, str]] = local_api(self.server, "endpoints")
        return answer

    @property
    def http_apis(self) -> dict[str, str]:
        return self.endpoints().get("http_apis", {})

    @property
    def function_urls(self) -> dict[str, str]:
        return self.endpoints().get("function_urls", {})

    def http_api_url(self, name: str | None = None) -> str:
        """The base URL of the HTTP API named ``name`` (default: the only one)."""
        __tracebackhide__ = True
        return self._one(self.http_apis, name, "HTTP API")

    def function_url(self, function: str | None = None) -> str:
        """The base URL of the function URL of ``function`` (construct id or name; default: the only one)."""
        __tracebackhide__ = True
        name = self.stack.function(function).function_name if function is not None else None
        return self._one(self.function_urls, name, "function URL")

    def _one(self, urls: Mapping[str, str], name: str | None, what: str) -> str:
        __tracebackhide__ = True
        if name is None and len(urls) == 1:
            return next(iter(urls.values()))
        if name is not None and name in urls:
            return urls[name]
        known = ", ".join(sorted(urls)) or "none"
        wanted = f" {name!r}" if name else " (several: name one)"
        raise NotInStackError(f"the local cloud has no {what}{wanted}; its {what}s: {known}")

    def http(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> HttpAnswer:
        """One request; a ``url`` starting with ``/`` goes to the app's only HTTP API (or function URL)."""
        __tracebackhide__ = True
        if url.startswith("/"):
            bases = {**self.http_apis, **self.function_urls}
            url = self._one(bases, None, "HTTP API or function URL") + url
        return request(method, url, json=json, body=body, headers=headers, timeout=timeout)

    # --- AWS ---------------------------------------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` bound to the local cloud, in the stack's region (kept for reuse)."""
        if service not in self._clients:
            self._clients[service] = aws_client(service, self.endpoint_url, self.region)
        return self._clients[service]

    def invoke(self, function: str, event: Any = None) -> Invocation:
        """``lambda.invoke`` of the deployed ``function`` (construct id or name): the deployed code on the local
        runtime, its response or error and the tail of its log."""
        target = self.stack.function(function)
        started = time.monotonic()
        answer = self.client("lambda").invoke(
            FunctionName=target.function_name, Payload=json.dumps({} if event is None else event), LogType="Tail"
        )
        payload = json.loads(answer["Payload"].read() or b"null")
        failed = "FunctionError" in answer
        logs = base64.b64decode(answer.get("LogResult") or "").decode("utf-8", errors="replace")
        return Invocation(
            function=target,
            event=event,
            response=None if failed else payload,
            error=payload if failed else None,
            logs=logs,
            runtime=f"the local cloud at {self.endpoint_url}",
            seconds=time.monotonic() - started,
        )

    def fire(self, name: str, *, wait: float = 60.0) -> list[dict[str, Any]]:
        """Fire the schedule or rule ``name`` now; how each invocation ended (``finished``, ``response``...)."""
        answer = local_api(self.server, f"fire?name={name}&wait={wait:g}", method="POST")
        if "fired" not in answer:
            raise NotInStackError(f"the local cloud cannot fire {name!r}: {answer.get('error', answer)}")
        fired: list[dict[str, Any]] = answer["fired"]
        return fired

    def terraform(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> TerraformResult:
        """``terraform <args>`` in the deployment's working directory (``plan -detailed-exitcode``, ``show``...)."""
        return run_terraform(list(args), self.directory, self.env, ok_codes=ok_codes, abort_if=self.server.gone_reason)

    # --- logs ----------------------------------------------------------------------------------------------------
    def _log_group(self, function: str) -> str:
        target = self.stack.function(function)
        logging_config = target.config.get("logging_config")
        group = logging_config.get("log_group") if isinstance(logging_config, Mapping) else None
        return str(group or f"/aws/lambda/{target.function_name}")

    def logs(self, function: str, *, since: float | None = None) -> list[str]:
        """The messages ``function`` logged (since ``since``, a ``time.time()``), oldest first."""
        arguments: dict[str, Any] = {"logGroupName": self._log_group(function)}
        if since is not None:
            arguments["startTime"] = int(since * 1000)
        try:
            pages = self.client("logs").get_paginator("filter_log_events").paginate(**arguments)
            events = [event for page in pages for event in page["events"]]
        except self.client("logs").exceptions.ResourceNotFoundException:
            return []
        return [str(event["message"]).rstrip("\n") for event in sorted(events, key=lambda e: e["timestamp"])]

    def recent_logs(self, since: float, *, lines: int = 40) -> str:
        """What every function logged since ``since`` (the last ``lines`` each), for a failing test's report."""
        parts = []
        for function in self.stack.functions.values():
            logged = self.logs(function.construct_id, since=since)
            if logged:
                parts.append(f"--- {function.construct_id} ({function.function_name}) ---")
                parts += logged[-lines:]
        return "\n".join(parts)

    # --- waiting for an effect ----------------------------------------------------------------------------------
    def wait_for(self, condition: Callable[[], T | None], *, timeout: float = 30.0, what: str = "") -> T:
        """The first truthy value of ``condition()`` (see :func:`cdktf_lambda.testing.waiting.wait_for`)."""
        __tracebackhide__ = True
        return wait_for(condition, timeout=timeout, what=what)

    def queue_url(self, queue: str) -> str:
        """The URL of ``queue`` (a name, or already a URL)."""
        if queue.startswith("http"):
            return queue
        url: str = self.client("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
        return url

    def wait_for_queue_drained(self, queue: str, *, timeout: float = 60.0) -> None:
        """Wait until ``queue`` (name or URL) holds no message, visible, in flight or delayed."""
        __tracebackhide__ = True
        url, names = self.queue_url(queue), ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        names.append("ApproximateNumberOfMessagesDelayed")

        def drained() -> bool:
            attributes = self.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
            counts = {name: int(attributes.get(name, 0)) for name in names}
            last.update(counts)
            return not any(counts.values())

        last: dict[str, int] = {}
        try:
            wait_for(drained, timeout=timeout)
        except AssertionError:
            left = ", ".join(f"{name.removeprefix('ApproximateNumberOf')} {count}" for name, count in last.items())
            raise AssertionError(f"waited {timeout:g} s for queue {queue} to drain; still in it: {left}") from None

    def wait_for_item(self, table: str, key: Mapping[str, Any], *, timeout: float = 30.0) -> dict[str, Any]:
        """The item of ``table`` with ``key`` (plain values: ``{"order_id": "42"}``) once it is written."""
        __tracebackhide__ = True
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        serialized = {name: TypeSerializer().serialize(value) for name, value in key.items()}

        def item() -> dict[str, Any] | None:
            found = self.client("dynamodb").get_item(TableName=table, Key=serialized, ConsistentRead=True).get("Item")
            return {name: TypeDeserializer().deserialize(value) for name, value in found.items()} if found else None

        return wait_for(item, timeout=timeout, what=f"item {dict(key)} in table {table}")

    def wait_for_log(self, function: str, pattern: str, *, timeout: float = 30.0) -> str:
        """The first log message of ``function`` that contains ``pattern`` (a regular expression), once logged."""
        __tracebackhide__ = True
        compiled = re.compile(pattern)

        def line() -> str | None:
            return next((message for message in self.logs(function) if compiled.search(message)), None)

        return wait_for(line, timeout=timeout, what=f"a log line of {function} matching {pattern!r}")
