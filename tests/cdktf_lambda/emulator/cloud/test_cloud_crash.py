"""A function whose runtime is killed (the out-of-memory killer, a crash in a C extension) is survived as on AWS,
by every trigger: the invocation in flight fails with ``Runtime.ExitError``, the next one gets a fresh runtime.

The handlers are ``perish`` and ``perish_once`` of ``sample_functions.py``; runtimes are killed by the handler itself
(mid-invocation) or, while idle, from outside with SIGKILL (``tests/fixtures/runtimes.py``).
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import psutil
import pytest

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud
from tests.cdktf_lambda.emulator.cloud.test_cloud_http import request
from tests.fixtures.runtimes import kill_runtimes, runtime_processes

pytestmark = pytest.mark.slow

KILLED = re.compile(r"RequestId: ([0-9a-f-]{36}) Error: Runtime exited with error: signal: killed")


def _invoke(cloud: Cloud, name: str, event: dict[str, Any], **kwargs: Any) -> tuple[str | None, Any, dict]:
    answer = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event), **kwargs)
    return answer.get("FunctionError"), json.loads(answer["Payload"].read()), answer


def _boot(payload: Any) -> str:
    return json.loads(payload["body"])["boot"]


def _kill_idle_runtimes(cloud: Cloud, handler: str) -> None:
    """SIGKILL the function's warm runtimes in the moto server and wait until they are gone."""
    victims = runtime_processes(cloud.server.pid, handler)
    assert victims, f"no runtime of {handler} is running"
    kill_runtimes(cloud.server.pid, handler)
    psutil.wait_procs(victims, timeout=5)


def test_a_killed_invoke_is_unhandled_with_the_exit_error_and_the_next_one_is_answered(cloud: Cloud) -> None:
    cloud.function("perish-fn", "perish")
    error, before, _ = _invoke(cloud, "perish-fn", {})
    assert error is None

    error, payload, answer = _invoke(cloud, "perish-fn", {"die": True}, LogType="Tail")

    assert (answer["StatusCode"], error, payload["errorType"]) == (200, "Unhandled", "Runtime.ExitError")
    assert KILLED.fullmatch(payload["errorMessage"]), payload
    tail = base64.b64decode(answer["LogResult"]).decode().splitlines()
    assert tail[-4:-2] == [payload["errorMessage"], "Runtime.ExitError"] and "about to be killed" in tail
    error, after, _ = _invoke(cloud, "perish-fn", {})
    assert error is None and _boot(after) != _boot(before), "the next invocation runs on a fresh runtime"


def test_a_runtime_killed_while_idle_leaves_the_function_answering(cloud: Cloud) -> None:
    """The reported failure: after one SIGKILL every later invocation timed out."""
    cloud.function("idle-kill-fn", "perish", Timeout=30)
    before = _boot(_invoke(cloud, "idle-kill-fn", {})[1])
    _kill_idle_runtimes(cloud, "app.perish")
    for _ in range(3):
        started = time.monotonic()
        error, payload, _ = _invoke(cloud, "idle-kill-fn", {})
        assert error is None and time.monotonic() - started < 10, "answered, not after the 30 s timeout"
    assert _boot(payload) != before


def test_a_runtime_that_hangs_past_its_timeout_is_not_reused(cloud: Cloud) -> None:
    cloud.function("hang-fn", "perish", Timeout=1)
    before = _boot(_invoke(cloud, "hang-fn", {})[1])
    error, payload, _ = _invoke(cloud, "hang-fn", {"hang": True})
    assert (error, payload["errorType"]) == ("Unhandled", "Sandbox.Timedout")
    error, after, _ = _invoke(cloud, "hang-fn", {})
    assert error is None and _boot(after) != before


def test_http_api_and_function_url_answer_502_for_a_killed_runtime_and_then_normally(cloud: Cloud) -> None:
    arn = cloud.function("perish-http-fn", "perish", Timeout=30)
    gateway = cloud.client("apigatewayv2")
    api_id = cloud.http_api("perish-api", arn, ["$default"])
    gateway.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    cloud.client("lambda").create_function_url_config(FunctionName="perish-http-fn", AuthType="NONE")
    cloud.permit("perish-http-fn", "apigateway.amazonaws.com")  # IAM is enforced: both need a permission
    cloud.permit("perish-http-fn", "*")
    endpoints = wait_for(
        lambda: (
            (found := cloud.local("endpoints")[1])["http_apis"].get("perish-api")
            and found["function_urls"].get("perish-http-fn")
            and found
        ),
        timeout=10,
        what="the API's and the function URL's endpoints",
    )
    for url in (endpoints["http_apis"]["perish-api"], endpoints["function_urls"]["perish-http-fn"]):
        assert request(f"{url}/")[0] == 200
        assert request(f"{url}/die")[::2] == (502, b'{"message": "Internal Server Error"}')
        assert request(f"{url}/")[0] == 200, "the next request gets a fresh runtime"
        _kill_idle_runtimes(cloud, "app.perish")
        started = time.monotonic()
        assert request(f"{url}/")[0] == 200 and time.monotonic() - started < 10, "not a 503 after 30 s"


def test_a_killed_batch_comes_back_after_the_visibility_timeout_or_goes_to_the_dlq(cloud: Cloud) -> None:
    """Two queues feed one worker: its runtime is killed by the first delivery of ``once`` and by every delivery of
    ``always``. The visibility timeout (5 s) outlasts any delivery here, so none is received twice at once."""
    record_url, _ = cloud.queue("perish-record")
    cloud.function("perish-worker", "perish_once", Environment={"Variables": {"RECORD_QUEUE": record_url}})
    sqs, queues = cloud.client("sqs"), {}
    for body in ("once", "always"):
        dlq_url, dlq_arn = cloud.queue(f"perish-{body}-dlq")
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
        url, arn = cloud.queue(f"perish-{body}", VisibilityTimeout="5", RedrivePolicy=redrive)
        cloud.client("lambda").create_event_source_mapping(
            EventSourceArn=arn, FunctionName="perish-worker", BatchSize=1
        )
        queues[body] = (url, dlq_url)

    for body, (url, _) in queues.items():
        sqs.send_message(QueueUrl=url, MessageBody=body)

    recorded = wait_for(lambda: sqs.receive_message(QueueUrl=record_url).get("Messages"), timeout=30)
    assert [json.loads(m["Body"]) for m in recorded] == [{"bodies": ["once"], "counts": ["2"]}], "delivered again"
    dead = wait_for(lambda: sqs.receive_message(QueueUrl=queues["always"][1]).get("Messages"), timeout=30)
    assert [m["Body"] for m in dead] == ["always"], "killed on both deliveries: in the dead-letter queue"
    assert "Messages" not in sqs.receive_message(QueueUrl=queues["once"][1])
    events = cloud.client("logs").filter_log_events(logGroupName="/aws/lambda/perish-worker")["events"]
    assert sum(bool(KILLED.fullmatch(e["message"])) for e in events) == 3, "each killed delivery is in the log"


def test_a_killed_event_invoke_is_retried_then_sent_to_the_dlq_and_the_destination(cloud: Cloud) -> None:
    dlq_url, dlq_arn = cloud.queue("perish-async-dlq")
    failures_url, failures_arn = cloud.queue("perish-async-failures")
    cloud.function("perish-async", "perish", DeadLetterConfig={"TargetArn": dlq_arn})
    lam, sqs = cloud.client("lambda"), cloud.client("sqs")
    on_failure = {"OnFailure": {"Destination": failures_arn}}
    lam.put_function_event_invoke_config(
        FunctionName="perish-async", MaximumRetryAttempts=1, DestinationConfig=on_failure
    )

    lam.invoke(FunctionName="perish-async", InvocationType="Event", Payload=json.dumps({"die": True}))

    (dead,) = wait_for(
        lambda: sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"]).get("Messages"), timeout=20
    )
    assert json.loads(dead["Body"]) == {"die": True}
    assert KILLED.fullmatch(dead["MessageAttributes"]["ErrorMessage"]["StringValue"])
    (failure,) = wait_for(lambda: sqs.receive_message(QueueUrl=failures_url).get("Messages"), timeout=10)
    record = json.loads(failure["Body"])
    assert (record["requestContext"]["condition"], record["requestContext"]["approximateInvokeCount"]) == (
        "RetriesExhausted",
        2,
    )
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorType"] == "Runtime.ExitError"


def test_a_schedule_whose_target_is_killed_retries_it_and_gives_up(cloud: Cloud) -> None:
    arn = cloud.function("perish-cron", "perish")
    events = cloud.client("events")
    events.put_rule(Name="perish-nightly", ScheduleExpression="cron(0 3 * * ? *)")
    events.put_targets(Rule="perish-nightly", Targets=[{"Id": "fn", "Arn": arn, "Input": '{"die": true}'}])
    cloud.permit("perish-cron", "events.amazonaws.com")

    status, answer = cloud.local("fire?name=perish-nightly&wait=30", method="POST")

    (fired,) = answer["fired"]
    assert status == 200 and (fired["finished"], fired["condition"], fired["attempts"]) == (True, "RetriesExhausted", 3)
    assert fired["function_error"] == "Unhandled" and fired["response"]["errorType"] == "Runtime.ExitError"
    assert _boot(_invoke(cloud, "perish-cron", {})[1]), "and the function still answers"
