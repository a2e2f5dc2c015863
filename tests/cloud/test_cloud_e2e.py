"""The deployed app runs in the local cloud: the toolkit's ``local_cloud`` (the session's app deployed once per
session or xdist worker, taken down at the end), then its parts talking to each other, through moto on 127.0.0.1
only and without Docker.

``GET /`` -> ``lambda.invoke`` with an HTTP API v2 event -> 50 greetings through API, queue, worker and table, 5
malformed messages sent to the queue -> 100 queued requests through the worker -> ``fire`` the schedule, see old
greetings go -> 200 concurrent requests -> the malformed messages are all in the dead-letter queue -> IAM (enforced)
denied none of it. Figures are printed (messages per second through the worker, p50/p99 latency of the concurrent
requests). The team's S3 backend (two applies racing for its lock) and a destroy that leaves moto empty need a
deployment of their own: test_cloud_s3_lock.py.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.testing import LocalCloud, events, wait_for
from tests.cloud._e2e import percentile, queue_bodies, scan_table
from tests.conftest import PROJECT_ROOT
from tests.lifecycle._lifecycle import echo

pytestmark = pytest.mark.terraform

MALFORMED = (
    "not json at all",
    '["a", "json", "array"]',
    '{"name": "Ada"}',
    '{"request_id": "e2e-bad-language", "name": "Ada", "language": "xx"}',
    '{"request_id": "e2e-empty-name", "name": "   "}',
)
GREETINGS = 50
BURST = 100
CONCURRENT = 200


@pytest.fixture(scope="module")
def figures(local_cloud: LocalCloud, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """What the tests measured, printed at the end of the module with the deploy's steps."""
    measured: dict[str, str] = {}
    yield measured
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in local_cloud.timings.items())
    lines = [f"== the app in the local cloud ({local_cloud.endpoint_url}): deploy {steps}"]
    lines += [f"   {name}: {value}" for name, value in measured.items()]
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        echo("\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def api(local_cloud: LocalCloud) -> str:
    return local_cloud.http_api_url("practice-dev-api")


@pytest.fixture(scope="module", autouse=True)
def iam_before(local_cloud: LocalCloud) -> dict[str, Any]:
    """IAM's counts when the module starts (the deployment is shared: other modules may have been denied)."""
    iam: dict[str, Any] = local_api(local_cloud.server, "inventory")["iam"]
    return iam


def test_get_root_is_hello_world(local_cloud: LocalCloud, api: str) -> None:
    answer = local_cloud.http("GET", api + "/")
    assert (answer.status, answer.json()) == (200, {"message": "Hello World"})


def test_lambda_invoke_answers_a_real_http_api_v2_event(local_cloud: LocalCloud) -> None:
    result = local_cloud.invoke("api_server", events.load(PROJECT_ROOT / "tests/events/apigw_http_v2_get_root.json"))
    assert result.ok, result.error
    assert (result.status_code, result.json()) == (200, {"message": "Hello World"})
    assert result.function.function_name == local_cloud.outputs["api_server_function_name"]


def test_fifty_greetings_go_through_and_none_is_written_twice(
    local_cloud: LocalCloud, api: str, figures: dict[str, str]
) -> None:
    sqs, queue_url = local_cloud.client("sqs"), local_cloud.outputs["worker_queue_url"]
    started = time.monotonic()
    for body in MALFORMED:  # straight to the queue, among the good ones
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    names = [f"Guest {index}" for index in range(GREETINGS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        posted = list(
            pool.map(lambda n: local_cloud.http("POST", f"{api}/greetings", json={"name": n, "language": "fr"}), names)
        )
    assert {answer.status for answer in posted} == {202}, [(a.status, a.text) for a in posted]
    request_ids = [answer.json()["request_id"] for answer in posted]
    table = local_cloud.outputs["greetings_table_name"]

    def all_written() -> list[dict[str, str]]:
        items = [item for item in scan_table(local_cloud, table) if item["request_id"] in set(request_ids)]
        return items if len(items) == GREETINGS else []

    items = local_cloud.wait_for(all_written, timeout=180, what=f"{GREETINGS} greetings in {table}")
    seconds = time.monotonic() - started
    assert sorted(item["greeting"] for item in items) == sorted(f"Bonjour, {name}!" for name in names)
    for request_id in request_ids[:5]:
        answer = local_cloud.http("GET", f"{api}/greetings/{request_id}")
        assert answer.status == 200 and answer.json()["request_id"] == request_id
    assert local_cloud.http("GET", f"{api}/greetings/{uuid.uuid4()}").status == 404

    # Written once each: the worker logged one "Greeting produced" per request (a redelivery logs a duplicate). A
    # run's log is written when the run ends, after its item: the last ones may still be on their way.
    def all_logged() -> Counter[str]:
        records = [json.loads(message) for message in local_cloud.logs("worker") if message.startswith("{")]
        produced = Counter(r["request_id"] for r in records if r.get("message") == "Greeting produced")
        return produced if set(produced) >= set(request_ids) else Counter()

    produced = local_cloud.wait_for(all_logged, timeout=30, what="a 'Greeting produced' log line per request")
    assert max(produced.values()) == 1, produced.most_common(3)
    assert not {"e2e-bad-language", "e2e-empty-name"} & {item["request_id"] for item in scan_table(local_cloud, table)}
    figures["greetings, POST -> worker -> readable"] = (
        f"{GREETINGS} in {seconds:.1f} s = {GREETINGS / seconds:.1f} messages/s"
    )


def test_worker_throughput_on_a_full_queue(local_cloud: LocalCloud, figures: dict[str, str]) -> None:
    """100 greeting requests put on the queue at once: batches of 10, five pollers, one conditional write each."""
    sqs, queue_url = local_cloud.client("sqs"), local_cloud.outputs["worker_queue_url"]
    request_ids = [f"burst-{index:03d}" for index in range(BURST)]
    started = time.monotonic()
    for first in range(0, BURST, 10):
        entries = [
            {"Id": str(index), "MessageBody": json.dumps({"request_id": request_id, "name": "Burst"})}
            for index, request_id in enumerate(request_ids[first : first + 10])
        ]
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    table = local_cloud.outputs["greetings_table_name"]

    def done() -> bool:
        return len({i["request_id"] for i in scan_table(local_cloud, table)} & set(request_ids)) == BURST

    local_cloud.wait_for(done, timeout=180, what="every queued request written")
    seconds = time.monotonic() - started
    figures["worker, from a full queue"] = f"{BURST} messages in {seconds:.1f} s = {BURST / seconds:.1f} messages/s"


def test_fire_the_schedule_and_old_greetings_are_deleted(local_cloud: LocalCloud) -> None:
    dynamodb, table = local_cloud.client("dynamodb"), local_cloud.outputs["greetings_table_name"]
    for index, created in enumerate(("2020-01-01T00:00:00Z", "2021-06-30T12:00:00Z")):
        item = {"request_id": f"e2e-old-{index}", "name": "Old", "language": "en", "greeting": "Hello, Old!"}
        dynamodb.put_item(TableName=table, Item={k: {"S": v} for k, v in {**item, "created_at": created}.items()})
    before = len(scan_table(local_cloud, table))

    (fired,) = local_cloud.fire("practice-dev-cron-server", wait=60)

    assert (fired["finished"], fired["condition"]) == (True, None), fired
    assert (fired["response"]["job"], fired["response"]["deleted"]) == ("greetings-retention", 2)
    remaining = {item["request_id"] for item in scan_table(local_cloud, table)}
    assert not {"e2e-old-0", "e2e-old-1"} & remaining and len(remaining) == before - 2


def test_two_hundred_concurrent_requests(local_cloud: LocalCloud, api: str, figures: dict[str, str]) -> None:
    def timed(_: int) -> tuple[int, float]:
        started = time.monotonic()
        status = local_cloud.http("GET", api + "/health", timeout=600).status
        return status, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        results = list(pool.map(timed, range(CONCURRENT)))
    wall = time.monotonic() - started
    assert Counter(status for status, _ in results) == {200: CONCURRENT}
    latencies = [seconds for _, seconds in results]
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    figures["HTTP"] = (
        f"{CONCURRENT} concurrent GET /health: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"{CONCURRENT / wall:.1f} requests/s (python3.13 runtime client, warm)"
    )
    # The functions ran on their own runtime (provisioned by `make runtimes`), never on the host fallback.
    log = Path(str(local_cloud.server.log_path)).read_text()
    assert not [line for line in log.splitlines() if "host fallback" in line]


def test_every_malformed_message_is_in_the_dead_letter_queue_and_nothing_is_lost(local_cloud: LocalCloud) -> None:
    sqs = local_cloud.client("sqs")
    dlq_url, queue_url = local_cloud.outputs["worker_dlq_url"], local_cloud.outputs["worker_queue_url"]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]

    def in_the_queue() -> int:
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
        return sum(int(attributes[name]) for name in names)

    dead: list[str] = []

    def all_dead() -> bool:
        dead.extend(queue_bodies(local_cloud, dlq_url))
        return len(dead) == len(MALFORMED) and in_the_queue() == 0

    # Two deliveries 18 s apart (the visibility timeout), then the redrive on the next receive.
    try:
        wait_for(all_dead, timeout=120, interval=1, what="the malformed messages in the dead-letter queue")
    except AssertionError:
        raise AssertionError(f"dead-letter queue: {dead}; still in the queue: {in_the_queue()}") from None
    assert sorted(dead) == sorted(MALFORMED)


def test_all_of_it_ran_with_iam_enforced_and_nothing_was_denied(
    local_cloud: LocalCloud, iam_before: dict[str, Any]
) -> None:
    """The app's roles and permissions are enough for everything above: HTTP, queue, schedule, dead-letter queue."""
    iam = local_api(local_cloud.server, "inventory")["iam"]
    assert iam["enforced"] is True and iam["checks"] > iam_before["checks"], iam
    assert iam["denied"] == iam_before["denied"], "a call of the app was denied: see the server log's IAM lines"
