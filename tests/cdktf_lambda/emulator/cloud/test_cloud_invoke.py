"""moto's Lambda Invoke runs the deployed code and answers as Lambda; Event invokes retry, then DLQ + destination."""

from __future__ import annotations

import base64
import json
import re

import pytest
from botocore.exceptions import ClientError

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud

pytestmark = pytest.mark.slow


def test_invoke_returns_the_handler_result_and_the_log_tail(cloud: Cloud) -> None:
    cloud.function("echo-fn", "echo", Environment={"Variables": {"GREETING": "hi"}})
    lam = cloud.client("lambda")

    answer = lam.invoke(FunctionName="echo-fn", Payload=json.dumps({"hello": "world"}), LogType="Tail")

    assert (answer["StatusCode"], answer.get("FunctionError"), answer["ExecutedVersion"]) == (200, None, "$LATEST")
    payload = json.loads(answer["Payload"].read())
    assert payload == {"event": {"hello": "world"}, "function": "echo-fn", "endpoint": cloud.server.endpoint_url}
    tail = base64.b64decode(answer["LogResult"]).decode().splitlines()
    assert tail[0].startswith("START RequestId: ") and tail[0].endswith(" Version: $LATEST")
    assert tail[1] == 'echo got {"hello": "world"}'
    assert tail[2].startswith("END RequestId: ") and tail[3].startswith("REPORT RequestId: ")
    assert "\tDuration: " in tail[3] and "\tMemory Size: 128 MB" in tail[3]
    assert "LogResult" not in lam.invoke(FunctionName="echo-fn", Payload=b"{}")


def test_an_error_is_unhandled_with_lambdas_error_object(cloud: Cloud) -> None:
    cloud.function("boom-fn", "boom")

    answer = cloud.client("lambda").invoke(FunctionName="boom-fn", Payload=json.dumps({"why": "testing"}))

    assert (answer["StatusCode"], answer["FunctionError"]) == (200, "Unhandled")
    error = json.loads(answer["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "boom: testing")
    assert error["requestId"] and any("raise ValueError" in line for line in error["stackTrace"])


def test_output_goes_to_the_functions_log_group(cloud: Cloud) -> None:
    cloud.function("logged-fn", "echo")
    cloud.client("lambda").invoke(FunctionName="logged-fn", Payload=b'{"n": 1}')
    events = cloud.client("logs").filter_log_events(logGroupName="/aws/lambda/logged-fn")["events"]
    messages = [event["message"] for event in events]
    assert any(m.startswith("START RequestId: ") for m in messages) and 'echo got {"n": 1}' in messages
    (stream,) = {event["logStreamName"] for event in events}
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", stream), stream


def test_dry_run_runs_nothing_and_bad_requests_are_client_errors(cloud: Cloud) -> None:
    cloud.function("dry-fn", "echo")
    lam = cloud.client("lambda")
    assert lam.invoke(FunctionName="dry-fn", InvocationType="DryRun")["StatusCode"] == 204
    assert cloud.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/dry-fn")["logGroups"] == []
    with pytest.raises(ClientError, match="InvalidRequestContentException"):
        lam.invoke(FunctionName="dry-fn", Payload=b"{not json")
    lam.put_function_concurrency(FunctionName="dry-fn", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError, match="TooManyRequestsException"):
        lam.invoke(FunctionName="dry-fn", Payload=b"{}")


def test_an_event_invoke_runs_in_the_background(cloud: Cloud) -> None:
    cloud.function("event-fn", "echo")

    answer = cloud.client("lambda").invoke(FunctionName="event-fn", InvocationType="Event", Payload=b'{"later": 1}')

    assert (answer["StatusCode"], answer["Payload"].read()) == (202, b"")
    logs = cloud.client("logs")

    def ran() -> bool:
        groups = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/event-fn")["logGroups"]
        return bool(groups) and any(
            e["message"] == 'echo got {"later": 1}'
            for e in logs.filter_log_events(logGroupName="/aws/lambda/event-fn")["events"]
        )

    assert wait_for(ran, timeout=15)


def test_a_failing_event_is_retried_then_reaches_the_dlq_and_the_on_failure_destination(cloud: Cloud) -> None:
    dlq_url, dlq_arn = cloud.queue("async-dlq")
    failures_url, failures_arn = cloud.queue("async-failures")
    cloud.function("async-boom", "boom", DeadLetterConfig={"TargetArn": dlq_arn})
    lam = cloud.client("lambda")
    lam.put_function_event_invoke_config(
        FunctionName="async-boom",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )

    lam.invoke(FunctionName="async-boom", InvocationType="Event", Payload=json.dumps({"why": "async"}))

    sqs = cloud.client("sqs")
    receive = lambda url: sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"]).get("Messages")  # noqa: E731
    (dead,) = wait_for(lambda: receive(dlq_url), timeout=20)
    assert json.loads(dead["Body"]) == {"why": "async"}
    attributes = {name: value["StringValue"] for name, value in dead["MessageAttributes"].items()}
    assert attributes["ErrorMessage"] == "boom: async" and attributes["ErrorCode"] == "200" and attributes["RequestID"]
    (failure,) = wait_for(lambda: receive(failures_url), timeout=10)
    record = json.loads(failure["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2  # the first attempt and one retry
    assert record["requestContext"]["requestId"] == attributes["RequestID"]
    assert record["requestPayload"] == {"why": "async"}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "boom: async"
