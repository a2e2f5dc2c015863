"""The reference app in the session's local cloud (IAM enforced), and what its end-to-end behaviours look like from
outside: a greeting posted and read back, a worker batch, the queue drained, the schedule fired, a failed cron run
kept in the dead-letter queue, a function's log written."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.emulator.server import MotoServer, aws_client
from cdktf_lambda.testing import wait_for
from tests.cloud._e2e import queue_bodies
from tests.conftest import PROJECT_ROOT

PREFIX = "practice-dev"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class App:
    """The deployed app: the server, the stack's outputs and the local URL of its API."""

    server: MotoServer
    outputs: dict[str, Any]
    api_url: str

    def client(self, service: str) -> Any:
        return aws_client(service, self.server.endpoint_url)

    @property
    def table(self) -> str:
        return str(self.outputs["greetings_table_name"])

    def function(self, name: str) -> str:
        """The alias ARN of ``api_server``, ``worker`` or ``cron_server`` (what every consumer invokes)."""
        return str(self.outputs[f"{name}_alias_arn"])

    def queue_url(self, name: str) -> str:
        return str(self.client("sqs").get_queue_url(QueueName=f"{PREFIX}-{name}")["QueueUrl"])


def request(url: str, *, method: str = "GET", body: Any = None) -> tuple[int, bytes]:
    """Status and body of one request (a failing function's 500 is not JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"content-type": "application/json"} if data is not None else {}
    try:
        sent = urllib.request.Request(url, data=data, method=method, headers=headers)
        with _OPENER.open(sent, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post_greeting(app: App, name: str = "Ada") -> tuple[int, Any]:
    status, body = request(f"{app.api_url}/greetings", method="POST", body={"name": name, "language": "es"})
    return status, json.loads(body) if status == 202 else body


def read_greeting(app: App, request_id: str) -> int:
    return request(f"{app.api_url}/greetings/{request_id}")[0]


def stored(app: App, request_id: str) -> dict[str, str] | None:
    item = app.client("dynamodb").get_item(TableName=app.table, Key={"request_id": {"S": request_id}}).get("Item")
    return {key: value["S"] for key, value in item.items()} if item else None


def store(app: App, request_id: str, created_at: str = "2020-01-01T00:00:00Z") -> None:
    """A greeting written with the test credentials (an administrator's)."""
    item = {"request_id": request_id, "name": "Old", "language": "en", "greeting": "Hello, Old!"}
    values = {key: {"S": value} for key, value in {**item, "created_at": created_at}.items()}
    app.client("dynamodb").put_item(TableName=app.table, Item=values)


def worker_event(request_id: str) -> dict[str, Any]:
    """One SQS record asking for a greeting (the shape of tests/events/sqs_batch_all_good.json)."""
    template = json.loads((PROJECT_ROOT / "tests" / "events" / "sqs_batch_all_good.json").read_text())
    record = dict(template["Records"][0])
    record["messageId"] = f"iam-{request_id}"
    record["body"] = json.dumps({"request_id": request_id, "name": "Grace", "language": "en"})
    return {"Records": [record]}


def invoke(app: App, name: str, event: Any) -> tuple[Any, str, str]:
    """(answer, error type or "", log tail) of one synchronous invocation of the function's alias."""
    answer = app.client("lambda").invoke(FunctionName=app.function(name), Payload=json.dumps(event), LogType="Tail")
    tail = base64.b64decode(answer.get("LogResult", "")).decode(errors="replace")
    return json.loads(answer["Payload"].read() or b"null"), answer.get("FunctionError", ""), tail


def log_text(app: App, name: str) -> str:
    """Every line of the log group of ``api_server``, ``worker`` or ``cron_server``, joined."""
    logs = app.client("logs")
    group = f"/aws/lambda/{PREFIX}-{name.replace('_', '-')}"
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
    return "\n".join(event["message"] for page in pages for event in page["events"])


def logged(app: App, name: str) -> bool:
    """Whether one invocation of the function (a ``{}`` event) reaches its log group."""
    _, _, tail = invoke(app, name, {})
    request_id = re.search(r"START RequestId: (\S+)", tail)
    assert request_id, tail
    return f"START RequestId: {request_id.group(1)}" in log_text(app, name)


def greeting_goes_through(app: App) -> bool:
    """POST /greetings answers 202, and the worker writes the greeting, readable through GET."""
    status, answer = post_greeting(app)
    if status != 202:
        return False
    request_id = answer["request_id"]
    return bool(wait_for(lambda: read_greeting(app, request_id) == 200, timeout=60))


def queue_delivers(app: App, *, timeout: float) -> bool:
    """A greeting request put on the worker's queue is written within ``timeout`` seconds."""
    request_id = f"iam-queued-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"request_id": request_id, "name": "Queued"})
    app.client("sqs").send_message(QueueUrl=app.queue_url("worker"), MessageBody=body)
    return bool(wait_for(lambda: stored(app, request_id), timeout=timeout))


def schedule_fires(app: App) -> dict[str, Any]:
    """Fire the cron schedule now and wait for its invocation: the fire record."""
    answer = local_api(app.server, f"fire?name={PREFIX}-cron-server&wait=60", method="POST")
    assert "fired" in answer, answer
    return dict(answer["fired"][0])


def dead_letters(app: App) -> list[str]:
    """The bodies in cron_server's dead-letter queue (received once each)."""
    return queue_bodies(app, app.queue_url("cron-server-dlq"))


def failed_cron_run_is_kept(app: App) -> bool:
    """An asynchronous cron_server invocation that fails (not a schedule event) ends in its dead-letter queue as
    the on-failure destination's invocation record."""
    marker = f"iam-{uuid.uuid4().hex[:8]}"
    app.client("lambda").invoke(FunctionName=app.function("cron_server"), InvocationType="Event",
                                Payload=json.dumps({"marker": marker}))  # fmt: skip

    def kept() -> bool:
        return any(marker in body for body in dead_letters(app))

    return bool(wait_for(kept, timeout=20))


def old_greetings_deleted(app: App) -> bool:
    """The schedule's run deletes a greeting older than the retention."""
    request_id = f"iam-old-{uuid.uuid4().hex[:8]}"
    store(app, request_id)
    fired = schedule_fires(app)
    return fired.get("condition") is None and stored(app, request_id) is None
