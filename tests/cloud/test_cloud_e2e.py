"""The deployed app runs in the local cloud: the toolkit's ``local_cloud`` (the session's app deployed once per
session or xdist worker, taken down at the end), then its parts talking to each other, through moto on 127.0.0.1
only and without Docker.

``GET /`` -> ``lambda.invoke`` with an HTTP API v2 event -> 50 greetings through API, queue, worker and table, 5
malformed messages sent to the queue -> ``fire`` the schedule, see old greetings go -> 200 concurrent requests -> the
malformed messages are all in the dead-letter queue -> the API's and the schedule's runtimes killed, and answering at
once -> 40 greetings while the worker's runtime is killed again and again -> IAM (enforced) denied none of it. The
figures of these paths (messages per second through the worker, from a full queue too; p50/p99 latency of concurrent
requests) are measured by ``make bench`` (``bench/cloud.py``).
The team's S3 backend (two applies racing for its lock) and a destroy that leaves moto empty need a deployment of
their own: test_cloud_s3_lock.py.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest

from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.testing import LocalCloud, events, wait_for
from tests.cloud._e2e import queue_bodies, scan_table
from tests.conftest import PROJECT_ROOT
from tests.fixtures.runtimes import RuntimeKiller, kill_runtimes, runtime_processes

pytestmark = pytest.mark.terraform

MALFORMED = (
    "not json at all",
    '["a", "json", "array"]',
    '{"name": "Ada"}',
    '{"request_id": "e2e-bad-language", "name": "Ada", "language": "xx"}',
    '{"request_id": "e2e-empty-name", "name": "   "}',
)
GREETINGS = 50
CHAOS_GREETINGS = 40
CONCURRENT = 200


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


def test_fifty_greetings_go_through_and_none_is_written_twice(local_cloud: LocalCloud, api: str) -> None:
    sqs, queue_url = local_cloud.client("sqs"), local_cloud.outputs["worker_queue_url"]
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


def test_two_hundred_concurrent_requests(local_cloud: LocalCloud, api: str) -> None:
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        statuses = list(
            pool.map(lambda _: local_cloud.http("GET", api + "/health", timeout=600).status, range(CONCURRENT))
        )
    assert Counter(statuses) == {200: CONCURRENT}
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


def _handler(local_cloud: LocalCloud, function: str) -> str:
    name = local_cloud.outputs[f"{function}_function_name"]
    return str(local_cloud.client("lambda").get_function(FunctionName=name)["Configuration"]["Handler"])


def test_after_a_sigkill_of_the_api_and_cron_runtimes_their_next_requests_are_answered(
    local_cloud: LocalCloud, api: str
) -> None:
    """The reported failure: one SIGKILL of the api_server's runtime, and every later ``GET /`` was a 503 after 30 s."""

    def cron_ran() -> bool:
        (fired,) = local_cloud.fire("practice-dev-cron-server", wait=60)
        return bool(fired["finished"]) and fired["condition"] is None

    calls = {
        "api_server": lambda: local_cloud.http("GET", api + "/").json() == {"message": "Hello World"},
        "cron_server": cron_ran,
    }
    pid = local_cloud.server.pid
    for function, call in calls.items():
        handler = _handler(local_cloud, function)
        assert call(), f"{function} before the kill"  # warm
        victims = runtime_processes(pid, handler)
        assert victims and kill_runtimes(pid, handler)
        psutil.wait_procs(victims, timeout=5)
        started = time.monotonic()
        assert call() and call(), f"{function} after the kill"
        assert time.monotonic() - started < 20, f"{function}: answered at once, not after its timeout"


def test_greetings_survive_a_worker_whose_runtime_is_killed_again_and_again(local_cloud: LocalCloud, api: str) -> None:
    """40 greetings while the worker's runtimes are SIGKILLed every 0.3 s until each message was delivered once: each
    is written once, or its message is in the dead-letter queue; none is lost. Then the worker answers normally. Runs
    after the malformed messages' test: the dead-letter queue it reads holds nothing of theirs."""
    outputs, sqs = local_cloud.outputs, local_cloud.client("sqs")
    names = [f"Chaos {index}" for index in range(CHAOS_GREETINGS)]

    def post(name: str) -> Any:
        return local_cloud.http("POST", f"{api}/greetings", json={"name": name, "language": "de"})

    def delivered_once() -> bool:  # no message left that was never received
        names = ["ApproximateNumberOfMessages"]
        attributes = sqs.get_queue_attributes(QueueUrl=outputs["worker_queue_url"], AttributeNames=names)
        return attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"

    with RuntimeKiller(local_cloud.server.pid, _handler(local_cloud, "worker"), interval=0.3) as killer:
        with ThreadPoolExecutor(max_workers=4) as pool:
            posted = list(pool.map(post, names))
        local_cloud.wait_for(delivered_once, timeout=60, what="every greeting request delivered once")
    assert {answer.status for answer in posted} == {202}, [(a.status, a.text) for a in posted]
    request_ids = {answer.json()["request_id"] for answer in posted}
    table, dead = outputs["greetings_table_name"], set()

    def settled() -> bool:  # redeliveries come after the visibility timeout (18 s), the redrive after two of them
        dead.update(json.loads(body).get("request_id") for body in queue_bodies(local_cloud, outputs["worker_dlq_url"]))
        return request_ids <= {item["request_id"] for item in scan_table(local_cloud, table)} | dead

    wait_for(settled, timeout=120, interval=1, what="each greeting written or its message in the dead-letter queue")
    items = [item for item in scan_table(local_cloud, table) if item["request_id"] in request_ids]
    assert sorted(item["greeting"] for item in items) == sorted(f"Hallo, {item['name']}!" for item in items)
    messages = local_cloud.logs("worker")
    records = [json.loads(message) for message in messages if message.startswith("{")]
    produced = Counter(r["request_id"] for r in records if r.get("message") == "Greeting produced")
    assert max(produced[request_id] for request_id in request_ids) <= 1, "a greeting was written twice"
    killed = sum("Error: Runtime exited with error: signal: killed" in message for message in messages)
    assert killer.kills >= 3 and killed >= 1, (killer.kills, killed)
    assert len(items) + len(request_ids & dead - {item["request_id"] for item in items}) == CHAOS_GREETINGS
    # The worker answers normally: a fresh greeting request invoked directly is written.
    event = events.load(PROJECT_ROOT / "tests/events/sqs_batch_all_good.json")
    record = {**event["Records"][0], "body": json.dumps({"request_id": "chaos-after", "name": "Ada", "language": "de"})}
    result = local_cloud.invoke("worker", {"Records": [record]})
    assert result.ok and result.response == {"batchItemFailures": []}, result.error
    assert result.seconds < 10
    assert "chaos-after" in {item["request_id"] for item in scan_table(local_cloud, table)}


def test_all_of_it_ran_with_iam_enforced_and_nothing_was_denied(
    local_cloud: LocalCloud, iam_before: dict[str, Any]
) -> None:
    """The app's roles and permissions are enough for everything above: HTTP, queue, schedule, dead-letter queue."""
    iam = local_api(local_cloud.server, "inventory")["iam"]
    assert iam["enforced"] is True and iam["checks"] > iam_before["checks"], iam
    assert iam["denied"] == iam_before["denied"], "a call of the app was denied: see the server log's IAM lines"
