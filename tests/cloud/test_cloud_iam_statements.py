"""The app's policies, proven by running them: the reference app in the session's local cloud (the toolkit's
``local_cloud``, IAM enforced); for every statement of every role of the app, the statement is removed through the
local cloud's IAM API, the end-to-end behaviour that needs it is shown to break, the statement is restored and the
behaviour works again (the deployment is shared: every case puts back what it took).

:data:`CASES` is the table the README carries (statement -> what breaks without it). X-Ray's statements show
nothing locally (no X-Ray in the local cloud): their case shows the app working without them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.testing import LocalCloud, wait_for
from tests.cloud._iam_app import (
    PREFIX,
    App,
    dead_letters,
    failed_cron_run_is_kept,
    greeting_goes_through,
    invoke,
    log_text,
    logged,
    old_greetings_deleted,
    post_greeting,
    queue_delivers,
    read_greeting,
    request,
    schedule_fires,
    store,
    stored,
    worker_event,
)

pytestmark = pytest.mark.terraform

ROLES = ("api-server-role", "worker-role", "cron-server-role", "cron-server-scheduler")


@pytest.fixture(scope="module")
def app(local_cloud: LocalCloud) -> App:
    """The app as the session deployed it (the toolkit's ``local_cloud``), with IAM enforced (the default)."""
    assert local_api(local_cloud.server, "inventory")["iam"]["enforced"] is True
    return App(local_cloud.server, dict(local_cloud.outputs), local_cloud.http_api_url(f"{PREFIX}-api"))


def moto_log(app: App) -> str:
    return Path(app.server.log_path).read_text()


def mapping_result(app: App) -> str | None:
    mappings = local_api(app.server, "inventory")["event_source_mappings"]
    return next(m["last_processing_result"] for m in mappings if m["function"].startswith(app.function("worker")))


# --- what each statement is for: check(app, allowed, token) asserts the behaviour with it (allowed) or without --


def read_back(app: App, allowed: bool, token: str) -> None:
    store(app, token, created_at="2999-01-01T00:00:00Z")  # never old: the shared deployment's schedule keeps it
    assert read_greeting(app, token) == (200 if allowed else 500)
    if not allowed:
        assert "dynamodb:GetItem" in log_text(app, "api_server")


def post_queued(app: App, allowed: bool, token: str) -> None:
    status, _ = post_greeting(app)
    assert status == (202 if allowed else 500)
    if not allowed:
        assert "is not authorized to perform: sqs:sendmessage" in log_text(app, "api_server")


def worker_writes(app: App, allowed: bool, token: str) -> None:
    answer, error, tail = invoke(app, "worker", worker_event(token))
    assert error == ""
    if allowed:
        assert answer == {"batchItemFailures": []} and stored(app, token) is not None
    else:
        assert answer == {"batchItemFailures": [{"itemIdentifier": f"iam-{token}"}]}
        assert "AccessDeniedException" in tail and "dynamodb:PutItem" in log_text(app, "worker")
        assert stored(app, token) is None, "nothing is written"


def queue_polled(app: App, allowed: bool, token: str) -> None:
    sqs, url = app.client("sqs"), app.queue_url("worker")
    if allowed:
        assert wait_for(lambda: stored(app, token), timeout=60), (
            "the message left while the role could not poll arrives"
        )
        return
    problem = "PROBLEM: The provided execution role does not have permissions to call ReceiveMessage on SQS"
    assert wait_for(lambda: mapping_result(app) == problem, timeout=10)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"request_id": token, "name": "Queued"}))
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    assert (attributes[names[0]], attributes[names[1]]) == ("1", "0") and stored(app, token) is None


def expired(app: App, allowed: bool, token: str) -> None:
    assert old_greetings_deleted(app) is allowed
    if not allowed:
        assert "dynamodb:Scan" in log_text(app, "cron_server")


def failures_kept(app: App, allowed: bool, token: str) -> None:
    if allowed:
        assert failed_cron_run_is_kept(app)
        return
    dlq = f"arn:aws:sqs:us-east-1:123456789012:{PREFIX}-cron-server-dlq"
    marker = f"delivery to {dlq} denied: arn:aws:iam::123456789012:role/{PREFIX}-cron-server-role"
    app.client("lambda").invoke(FunctionName=app.function("cron_server"), InvocationType="Event", Payload=b"{}")
    assert wait_for(lambda: marker in moto_log(app), timeout=20)
    assert dead_letters(app) == []


def schedule_invokes(app: App, allowed: bool, token: str) -> None:
    dead_letters(app)  # what earlier cases left
    fired = schedule_fires(app)
    if allowed:
        assert (fired.get("error"), fired["condition"]) == (None, None)
        return
    assert "is not authorized to perform: lambda:InvokeFunction" in fired["error"]
    assert wait_for(lambda: dead_letters(app), timeout=10), "the event it could not deliver is kept"


def failed_deliveries_kept(app: App, allowed: bool, token: str) -> None:
    if allowed:
        schedule_invokes(app, True, token)
        return
    dead_letters(app)
    assert "error" in schedule_fires(app)  # statement 0 is removed too: the delivery fails
    marker = f"delivery to arn:aws:sqs:us-east-1:123456789012:{PREFIX}-cron-server-dlq denied"
    role = f"arn:aws:iam::123456789012:role/{PREFIX}-cron-server-scheduler"
    assert wait_for(lambda: f"{marker}: {role}" in moto_log(app), timeout=20)
    assert dead_letters(app) == [], "the failed delivery is lost"


def log_written(name: str) -> Callable[[App, bool, str], None]:
    def check(app: App, allowed: bool, token: str) -> None:
        assert logged(app, name) is allowed, "the function runs either way; its log is written only with the statement"

    return check


def works_without(behaviour: Callable[[App], bool]) -> Callable[[App, bool, str], None]:
    def check(app: App, allowed: bool, token: str) -> None:
        assert behaviour(app), "nothing local uses this statement"

    return check


@dataclass(frozen=True)
class Case:
    breaks: str
    check: Callable[[App, bool, str], None]
    #: Statements of the same policy removed with it (to make the behaviour happen at all).
    also: tuple[int, ...] = ()


XRAY = "nothing local (no X-Ray here); on AWS active tracing drops the function's traces"
CASES: dict[tuple[str, str, int], Case] = {
    ("api-server-role", "greetings_read", 0): Case("GET /greetings/{id} answers 500", read_back),
    ("api-server-role", "worker_queue_send", 0): Case("POST /greetings answers 500, nothing is queued", post_queued),
    ("api-server-role", "logs", 0): Case("api_server's log stays empty", log_written("api_server")),
    ("api-server-role", "xray", 0): Case(XRAY, works_without(greeting_goes_through)),
    ("worker-role", "greetings_write", 0): Case("the worker fails the record, nothing is written", worker_writes),
    ("worker-role", "queue", 0): Case("the worker's queue is not polled: requests wait", queue_polled),
    ("worker-role", "logs", 0): Case("the worker's log stays empty", log_written("worker")),
    ("worker-role", "xray", 0): Case(XRAY, works_without(lambda app: queue_delivers(app, timeout=60))),
    ("cron-server-role", "greetings_expire", 0): Case("the scheduled run fails, old greetings stay", expired),
    ("cron-server-role", "destinations", 0): Case("a failed run is not kept in cron_server_dlq", failures_kept),
    ("cron-server-role", "logs", 0): Case("cron_server's log stays empty", log_written("cron_server")),
    ("cron-server-role", "xray", 0): Case(XRAY, works_without(old_greetings_deleted)),
    ("cron-server-scheduler", "invoke", 0): Case("the schedule cannot invoke cron_server (event to the DLQ)",
                                                 schedule_invokes),
    ("cron-server-scheduler", "invoke", 1): Case("an undeliverable event is lost, not kept in the DLQ",
                                                 failed_deliveries_kept, also=(0,)),
}  # fmt: skip


def deployed_statements(app: App) -> dict[tuple[str, str, int], dict[str, object]]:
    iam, found = app.client("iam"), {}
    for role in ROLES:
        name = f"{PREFIX}-{role}"
        assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            document = json.loads(document) if isinstance(document, str) else document
            for index, statement in enumerate(document["Statement"]):
                found[(role, policy, index)] = statement
    return found


def test_every_statement_of_every_role_of_the_app_has_a_case(app: App) -> None:
    assert sorted(deployed_statements(app)) == sorted(CASES)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]}.{key[1]}[{key[2]}]")
def test_removing_a_statement_breaks_what_needs_it_and_restoring_it_mends_it(
    app: App, key: tuple[str, str, int]
) -> None:
    role, policy, index = key
    case, iam, name = CASES[key], app.client("iam"), f"{PREFIX}-{role}"
    original = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
    document = json.loads(original) if isinstance(original, str) else original
    removed = {index, *case.also}
    kept = [statement for i, statement in enumerate(document["Statement"]) if i not in removed]
    if kept:
        iam.put_role_policy(
            RoleName=name, PolicyName=policy, PolicyDocument=json.dumps({**document, "Statement": kept})
        )
    else:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    token = f"iam-{uuid.uuid4().hex[:10]}"
    try:
        case.check(app, False, token)
    finally:
        iam.put_role_policy(RoleName=name, PolicyName=policy, PolicyDocument=json.dumps(document))
    case.check(app, True, token)


def test_the_http_api_invokes_api_server_only_with_its_resource_based_permission(app: App) -> None:
    lam, function = app.client("lambda"), f"{PREFIX}-api-server"
    statement = next(
        s for s in json.loads(lam.get_policy(FunctionName=function, Qualifier="live")["Policy"])["Statement"]
        if s["Sid"] == "AllowHttpApiInvoke"
    )  # fmt: skip
    lam.remove_permission(FunctionName=function, StatementId="AllowHttpApiInvoke")
    try:
        assert request(f"{app.api_url}/")[0] == 500
    finally:
        source = statement["Condition"]["ArnLike"]["AWS:SourceArn"]
        grant = {"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": source}
        lam.add_permission(FunctionName=function, Qualifier="live", StatementId="AllowHttpApiInvoke", **grant)
    assert request(f"{app.api_url}/") == (200, b'{"message":"Hello World"}')
