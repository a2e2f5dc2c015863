"""SQS event source mappings deliver: batching window, partial failures, redelivery, redrive, disable and delete."""

from __future__ import annotations

import json
import time

import pytest

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud

pytestmark = pytest.mark.slow


def _recorded(cloud: Cloud, url: str) -> list[dict]:
    sqs = cloud.client("sqs")
    found = []
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found.append(json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def _counts(cloud: Cloud, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = cloud.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def _worker(cloud: Cloud, name: str, handler: str, *, visibility: int, max_receive: int) -> tuple[str, str, str, str]:
    """A queue (+ DLQ) consumed by a function that records its batches; (queue url, queue arn, dlq url, record url)."""
    record_url, _ = cloud.queue(f"{name}-record")
    dlq_url, dlq_arn = cloud.queue(f"{name}-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive})
    url, arn = cloud.queue(name, VisibilityTimeout=str(visibility), RedrivePolicy=redrive)
    cloud.function(name, handler, Environment={"Variables": {"RECORD_QUEUE": record_url}})
    return url, arn, dlq_url, record_url


def test_a_batch_window_partial_failure_redelivery_and_redrive(cloud: Cloud) -> None:
    url, arn, dlq_url, record_url = _worker(cloud, "esm-partial", "record", visibility=3, max_receive=2)
    # The visibility timeout starts at the receive, before the invocation: a cold start (seconds on a loaded machine)
    # would let the whole batch reappear before the function answers. A first direct invocation warms the runtime.
    cloud.client("lambda").invoke(FunctionName="esm-partial", Payload=json.dumps({"Records": []}))
    assert wait_for(lambda: _recorded(cloud, record_url), timeout=15) == [{"bodies": [], "counts": []}]
    cloud.client("lambda").create_event_source_mapping(
        EventSourceArn=arn,
        FunctionName="esm-partial",
        BatchSize=10,
        MaximumBatchingWindowInSeconds=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(["a", "b", "please fail"])]
    cloud.client("sqs").send_message_batch(QueueUrl=url, Entries=entries)

    batches = wait_for(lambda: _recorded(cloud, record_url), timeout=15)
    assert [sorted(batch["bodies"]) for batch in batches] == [["a", "b", "please fail"]], "one batch of three"
    assert batches[0]["counts"] == ["1", "1", "1"]
    # Only the failed message comes back, after the visibility timeout, received a second time...
    (again,) = wait_for(lambda: _recorded(cloud, record_url), timeout=15)
    assert (again["bodies"], again["counts"]) == (["please fail"], ["2"])
    # ...and then moves to the dead-letter queue (maxReceiveCount 2) instead of a third delivery.
    dead = wait_for(lambda: cloud.client("sqs").receive_message(QueueUrl=dlq_url).get("Messages"), timeout=15)
    assert [message["Body"] for message in dead] == ["please fail"]
    assert _recorded(cloud, record_url) == [] and _counts(cloud, url) == (0, 0)


def test_a_function_error_fails_the_whole_batch(cloud: Cloud) -> None:
    url, arn, dlq_url, _ = _worker(cloud, "esm-crash", "crash", visibility=1, max_receive=1)
    cloud.client("lambda").create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-crash", BatchSize=5)
    cloud.client("sqs").send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)]
    )

    def all_dead() -> list[str]:
        messages = cloud.client("sqs").receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", [])
        return sorted(m["Body"] for m in messages) if len(messages) == 3 else []

    assert wait_for(all_dead, timeout=20) == ["m0", "m1", "m2"]


def test_a_disabled_mapping_stops_and_a_deleted_one_too(cloud: Cloud) -> None:
    url, arn, _, record_url = _worker(cloud, "esm-toggle", "record", visibility=30, max_receive=5)
    lam, sqs = cloud.client("lambda"), cloud.client("sqs")
    mapping = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-toggle", Enabled=False)["UUID"]

    sqs.send_message(QueueUrl=url, MessageBody="waiting")
    time.sleep(1.5)
    assert _recorded(cloud, record_url) == [] and _counts(cloud, url) == (1, 0)

    lam.update_event_source_mapping(UUID=mapping, Enabled=True)
    assert [batch["bodies"] for batch in wait_for(lambda: _recorded(cloud, record_url), timeout=15)] == [["waiting"]]

    lam.delete_event_source_mapping(UUID=mapping)
    time.sleep(1)
    sqs.send_message(QueueUrl=url, MessageBody="after delete")
    time.sleep(1.5)
    assert _recorded(cloud, record_url) == [] and _counts(cloud, url) == (1, 0)
