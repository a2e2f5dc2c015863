"""The patch ``s3-atomic-conditional-writes`` (:mod:`cdktf_lambda.emulator.fidelity_s3`): one winner per race.

moto's race shows only now and then (about one round of 48 writers in 250 here), too rarely to test; these tests
widen its window: every write into moto's S3 backend first sleeps 50 ms, in a moto server of this process. Without
the patch every round then has several winners (the control test below); with it exactly one, every round.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from cdktf_lambda.emulator.fidelity_s3 import s3_atomic_conditional_writes
from cdktf_lambda.emulator.server import reset
from tests.cdktf_lambda.emulator._s3race import race, racing_client

pytestmark = pytest.mark.slow

ROUNDS = 3
SLOW_WRITE_SECONDS = 0.05


@pytest.fixture
def slow_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto server in this process whose S3 writes take 50 ms longer; patches made by the test are undone."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.s3 import models, notifications, responses

    for name in ("put_object", "copy_object", "delete_object", "_key_response_post"):
        monkeypatch.setattr(responses.S3Response, name, getattr(responses.S3Response, name))
    monkeypatch.setattr(notifications, "send_event", notifications.send_event)
    original = models.S3Backend.put_object

    def slow_put_object(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_WRITE_SECONDS)  # between the precondition check and the write
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.S3Backend, "put_object", slow_put_object)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        reset(endpoint_url)  # moto's backends are this process's: start empty, leave nothing behind
        client = racing_client(endpoint_url)
        client.create_bucket(Bucket="state")
        yield client
        reset(endpoint_url)
    finally:
        server.stop()


def _winners(client: Any) -> list[int]:
    """Per round: winners of an ``If-None-Match: *`` race (a lock) and of an ``If-Match`` race (a state update)."""
    winners = []
    for round_ in range(ROUNDS):
        lock = race(client, "state", f"round-{round_}.tflock", IfNoneMatch="*")
        etag = client.put_object(Bucket="state", Key=f"round-{round_}.tfstate", Body=b"v0")["ETag"]
        update = race(client, "state", f"round-{round_}.tfstate", IfMatch=etag)
        for statuses in (lock, update):
            assert set(statuses) <= {200, 412}, statuses
            winners.append(statuses.count(200))
    return winners


def test_racing_conditional_writes_have_exactly_one_winner(slow_s3: Any) -> None:
    assert s3_atomic_conditional_writes() == "applied"
    assert _winners(slow_s3) == [1] * (2 * ROUNDS)


def test_without_the_patch_the_widened_race_has_several_winners(slow_s3: Any) -> None:
    """The control: the window is wide enough that unpatched moto fails every round (else the test above proves
    nothing). When a moto release fixes the race, this fails and the patch can go."""
    winners = _winners(slow_s3)
    assert all(count > 1 for count in winners), winners


def test_the_notification_of_a_locked_write_is_sent_after_it(slow_s3: Any) -> None:
    """Notifications are held back while the key is locked, then sent: none is lost."""
    import boto3

    assert s3_atomic_conditional_writes() == "applied"
    endpoint = slow_s3.meta.endpoint_url
    sqs = boto3.client(
        "sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    url = sqs.create_queue(QueueName="object-created")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    slow_s3.put_bucket_notification_configuration(
        Bucket="state",
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
    )
    slow_s3.put_object(Bucket="state", Key="notified.tflock", Body=b"x", IfNoneMatch="*")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    keys = [record["s3"]["object"]["key"] for m in messages for record in json.loads(m["Body"]).get("Records", [])]
    assert keys == ["notified.tflock"]
