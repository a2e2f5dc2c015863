"""The deployed app runs in the local cloud: one deployment (the team's S3 backend, two applies started together),
then its parts talking to each other, through moto on 127.0.0.1 only and without Docker.

Deploy (two concurrent ``terraform apply``: one waits for the other's S3 lock) -> the lock test -> ``GET /`` ->
``lambda.invoke`` with an HTTP API v2 event -> 50 greetings through API, queue, worker and table, 5 malformed messages
sent to the queue -> ``fire`` the schedule, see old greetings go -> 200 concurrent requests -> the malformed messages
are all in the dead-letter queue -> IAM (enforced) denied none of it -> destroy leaves moto empty. Figures are printed
(messages per second through the worker, p50/p99 latency of the concurrent requests).
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cdktf_lambda import settings
from cdktf_lambda.deploy.terraform import run_terraform
from cdktf_lambda.emulator.contents import leftovers
from cdktf_lambda.emulator.server import MotoServer, aws_client, running_server
from tests.cdktf_lambda.emulator.cloud._cloud import wait_for
from tests.cloud._e2e import (
    E2E_MAIN,
    STATE_BUCKET,
    STATE_KEY,
    TwoApplies,
    apply_twice_at_once,
    backend_config,
    env_for,
    http,
    percentile,
    queue_bodies,
    scan_table,
    second_working_dir,
)
from tests.conftest import PROJECT_ROOT
from tests.fixtures.layers import session_wheelhouse
from tests.lifecycle._lifecycle import Phases, copy_project, echo, state_and_outputs, synth_app

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


@dataclass
class Deployed:
    server: MotoServer
    stack_dir: Path
    env: dict[str, str]
    outputs: dict[str, Any]
    applies: TwoApplies
    resources: int
    api_url: str
    phases: Phases
    figures: dict[str, str]


@pytest.fixture(scope="module")
def deployed(
    tmp_path_factory: pytest.TempPathFactory, terraform_cli_config: Path, request: pytest.FixtureRequest
) -> Iterator[Deployed]:
    """The app with the e2e configuration, deployed once for the module into a local cloud; stopped by PID."""
    phases = Phases("the app in the local cloud (S3 backend, two applies at once)")
    project = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    (project / "main.py").write_text(E2E_MAIN)
    figures: dict[str, str] = {}
    extra = {
        "CDKTF_LAMBDA_PROJECT_DIR": str(project),
        "CDKTF_LAMBDA_LOCAL_SYNTH_DIRS": str(project / "cdktf.out"),  # dependency layer -> its lock file
        settings.WHEELHOUSE.name: str(
            session_wheelhouse(tmp_path_factory)
        ),  # its rebuild for this interpreter, offline
    }
    with running_server(log_path=project.parent / "moto.log", extra_env=extra) as server:
        try:
            aws_client("s3", server.endpoint_url).create_bucket(Bucket=STATE_BUCKET)
            with phases("synth"):
                stack_dir = synth_app(project)
            env = env_for(terraform_cli_config, server)
            directories = [stack_dir, second_working_dir(stack_dir)]
            with phases("init x2"):
                for directory in directories:
                    config = backend_config(directory, server.endpoint_url)
                    run_terraform(["init", "-input=false", f"-backend-config={config}"], directory, env)
            with phases("two applies at once"):
                applies = apply_twice_at_once(directories, env, server)
            shown = run_terraform(["show", "-json"], stack_dir, env, abort_if=server.gone_reason)
            state, outputs = state_and_outputs(json.loads(shown.output))
            with phases("prepare the functions"):
                prepared = json.loads(_post(server, "prepare"))
                assert prepared["errors"] == {}, prepared
            api_url = wait_for(lambda: _endpoints(server)["http_apis"].get("practice-dev-api"), 10)
            yield Deployed(server, stack_dir, env, outputs, applies, len(state), api_url, phases, figures)
        finally:
            report = phases.report() + "".join(f"\n   {name}: {value}" for name, value in figures.items())
            with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
                echo("\n" + report)


def _post(server: MotoServer, path: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(f"{server.endpoint_url}/_local/{path}", data=b"", method="POST")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=600) as response:
        return response.read()


def _endpoints(server: MotoServer) -> dict[str, dict[str, str]]:
    return http(f"{server.endpoint_url}/_local/endpoints")[1]


def test_s3_backend_two_applies_started_together_one_waits_for_the_lock(deployed: Deployed) -> None:
    first, second = deployed.applies.results
    assert (first.returncode, second.returncode) == (0, 0), first.output[-3000:] + second.output[-3000:]
    created = [r for r in (first, second) if f"Apply complete! Resources: {deployed.resources} added" in r.output]
    waited = [r for r in (first, second) if "No changes." in r.output]
    assert len(created) == 1 and len(waited) == 1, "one apply created everything, the other found nothing to do"
    assert waited[0].duration >= created[0].duration - 5, "the second one waited for the first one's lock"
    assert deployed.applies.lock_seen, f"no {STATE_KEY}.tflock in s3://{STATE_BUCKET} while the applies ran"
    s3 = aws_client("s3", deployed.server.endpoint_url)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET)["Contents"]]
    assert keys == [STATE_KEY], "the lock is released, the state is there"
    state = json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read())
    assert len([r for r in state["resources"] if r["mode"] == "managed"]) == deployed.resources
    plan = run_terraform(
        ["plan", "-input=false", "-detailed-exitcode"], deployed.stack_dir, deployed.env, ok_codes=(0, 2)
    )
    assert plan.returncode == 0, f"re-plan after the two applies is not clean:\n{plan.output[-3000:]}"
    deployed.figures["two applies at once"] = f"{created[0].duration:.0f} s and {waited[0].duration:.0f} s (waited)"


def test_get_root_is_hello_world(deployed: Deployed) -> None:
    assert http(deployed.api_url + "/") == (200, {"message": "Hello World"})


def test_lambda_invoke_answers_a_real_http_api_v2_event(deployed: Deployed) -> None:
    event = json.loads((PROJECT_ROOT / "tests" / "events" / "apigw_http_v2_get_root.json").read_text())
    answer = aws_client("lambda", deployed.server.endpoint_url).invoke(
        FunctionName=deployed.outputs["api_server_function_name"], Payload=json.dumps(event)
    )
    assert "FunctionError" not in answer, answer["Payload"].read()
    response = json.loads(answer["Payload"].read())
    assert (response["statusCode"], json.loads(response["body"])) == (200, {"message": "Hello World"})


def test_fifty_greetings_go_through_and_none_is_written_twice(deployed: Deployed) -> None:
    sqs, queue_url = aws_client("sqs", deployed.server.endpoint_url), deployed.outputs["worker_queue_url"]
    started = time.monotonic()
    for body in MALFORMED:  # straight to the queue, among the good ones
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    names = [f"Guest {index}" for index in range(GREETINGS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        posted = list(
            pool.map(
                lambda n: http(f"{deployed.api_url}/greetings", method="POST", body={"name": n, "language": "fr"}),
                names,
            )
        )
    assert {status for status, _ in posted} == {202}, posted
    request_ids = [answer["request_id"] for _, answer in posted]
    table = deployed.outputs["greetings_table_name"]

    def all_written() -> list[dict[str, str]]:
        items = [item for item in scan_table(deployed.server, table) if item["request_id"] in set(request_ids)]
        return items if len(items) == GREETINGS else []

    with deployed.phases("50 greetings through"):
        items = wait_for(all_written, 180)
    seconds = time.monotonic() - started
    assert len(items) == GREETINGS, "not every greeting was written"
    assert sorted(item["greeting"] for item in items) == sorted(f"Bonjour, {name}!" for name in names)
    for request_id in request_ids[:5]:
        status, item = http(f"{deployed.api_url}/greetings/{request_id}")
        assert status == 200 and item["request_id"] == request_id
    assert http(f"{deployed.api_url}/greetings/{uuid.uuid4()}")[0] == 404
    # Written once each: the worker logged one "Greeting produced" per request (a redelivery logs a duplicate). A
    # run's log is written when the run ends, after its item: the last ones may still be on their way.
    logs = aws_client("logs", deployed.server.endpoint_url)
    group = f"/aws/lambda/{deployed.outputs['worker_function_name']}"

    def all_logged() -> Counter[str]:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
        records = [json.loads(e["message"]) for page in pages for e in page["events"] if e["message"].startswith("{")]
        produced = Counter(r["request_id"] for r in records if r.get("message") == "Greeting produced")
        return produced if set(produced) >= set(request_ids) else Counter()

    produced = wait_for(all_logged, 30)
    assert set(produced) >= set(request_ids) and max(produced.values()) == 1, produced.most_common(3)
    assert not {"e2e-bad-language", "e2e-empty-name"} & {
        item["request_id"] for item in scan_table(deployed.server, table)
    }
    deployed.figures["greetings, POST -> worker -> readable"] = (
        f"{GREETINGS} in {seconds:.1f} s = {GREETINGS / seconds:.1f} messages/s"
    )


def test_worker_throughput_on_a_full_queue(deployed: Deployed) -> None:
    """100 greeting requests put on the queue at once: batches of 10, five pollers, one conditional write each."""
    sqs, queue_url = aws_client("sqs", deployed.server.endpoint_url), deployed.outputs["worker_queue_url"]
    request_ids = [f"burst-{index:03d}" for index in range(BURST)]
    started = time.monotonic()
    for first in range(0, BURST, 10):
        entries = [
            {"Id": str(index), "MessageBody": json.dumps({"request_id": request_id, "name": "Burst"})}
            for index, request_id in enumerate(request_ids[first : first + 10])
        ]
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    table = deployed.outputs["greetings_table_name"]

    def done() -> bool:
        return len({i["request_id"] for i in scan_table(deployed.server, table)} & set(request_ids)) == BURST

    with deployed.phases("100 queued requests through the worker"):
        assert wait_for(done, 180), "not every queued request was written"
    seconds = time.monotonic() - started
    deployed.figures["worker, from a full queue"] = (
        f"{BURST} messages in {seconds:.1f} s = {BURST / seconds:.1f} messages/s"
    )


def test_fire_the_schedule_and_old_greetings_are_deleted(deployed: Deployed) -> None:
    dynamodb, table = aws_client("dynamodb", deployed.server.endpoint_url), deployed.outputs["greetings_table_name"]
    for index, created in enumerate(("2020-01-01T00:00:00Z", "2021-06-30T12:00:00Z")):
        item = {"request_id": f"e2e-old-{index}", "name": "Old", "language": "en", "greeting": "Hello, Old!"}
        dynamodb.put_item(TableName=table, Item={k: {"S": v} for k, v in {**item, "created_at": created}.items()})
    before = len(scan_table(deployed.server, table))

    status, answer = http(
        f"{deployed.server.endpoint_url}/_local/fire?name=practice-dev-cron-server&wait=60", method="POST"
    )

    assert status == 200, answer
    (fired,) = answer["fired"]
    assert (fired["finished"], fired["condition"]) == (True, None), fired
    assert (fired["response"]["job"], fired["response"]["deleted"]) == ("greetings-retention", 2)
    remaining = {item["request_id"] for item in scan_table(deployed.server, table)}
    assert not {"e2e-old-0", "e2e-old-1"} & remaining and len(remaining) == before - 2


def test_two_hundred_concurrent_requests(deployed: Deployed) -> None:
    def timed(_: int) -> tuple[int, float]:
        started = time.monotonic()
        status, _body = http(deployed.api_url + "/health", timeout=600)
        return status, time.monotonic() - started

    started = time.monotonic()
    with deployed.phases("200 concurrent requests"), ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        results = list(pool.map(timed, range(CONCURRENT)))
    wall = time.monotonic() - started
    assert Counter(status for status, _ in results) == {200: CONCURRENT}
    latencies = [seconds for _, seconds in results]
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    deployed.figures["HTTP"] = (
        f"{CONCURRENT} concurrent GET /health: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"{CONCURRENT / wall:.1f} requests/s (python3.13 runtime client, warm)"
    )
    # The functions ran on their own runtime (provisioned by `make runtimes`), never on the host fallback.
    fallback = [line for line in Path(deployed.server.log_path).read_text().splitlines() if "host fallback" in line]
    assert not fallback, fallback


def test_every_malformed_message_is_in_the_dead_letter_queue_and_nothing_is_lost(deployed: Deployed) -> None:
    server, sqs = deployed.server, aws_client("sqs", deployed.server.endpoint_url)
    dlq_url, queue_url = deployed.outputs["worker_dlq_url"], deployed.outputs["worker_queue_url"]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]

    def in_the_queue() -> int:
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
        return sum(int(attributes[name]) for name in names)

    dead: list[str] = []

    def all_dead() -> bool:
        dead.extend(queue_bodies(server, dlq_url))
        return len(dead) == len(MALFORMED) and in_the_queue() == 0

    # Two deliveries 18 s apart (the visibility timeout), then the redrive on the next receive.
    with deployed.phases("malformed messages to the DLQ"):
        redriven = wait_for(all_dead, 120, interval=1)
    assert redriven, f"dead-letter queue: {dead}; still in the queue: {in_the_queue()}"
    assert sorted(dead) == sorted(MALFORMED)


def test_all_of_it_ran_with_iam_enforced_and_nothing_was_denied(deployed: Deployed) -> None:
    """The app's roles and permissions are enough for everything above: HTTP, queue, schedule, dead-letter queue."""
    iam = http(f"{deployed.server.endpoint_url}/_local/inventory")[1]["iam"]
    assert iam["enforced"] is True and iam["checks"] > 0 and iam["denied"] == 0, iam


def test_destroy_leaves_moto_empty(deployed: Deployed) -> None:
    with deployed.phases("destroy"):
        run_terraform(["destroy", "-input=false", "-auto-approve"], deployed.stack_dir, deployed.env)
    time.sleep(1)  # the pollers and fronts notice within a tick
    assert leftovers(deployed.server.endpoint_url) == {
        "s3_buckets": [STATE_BUCKET],
        "s3_objects": [f"{STATE_BUCKET}/{STATE_KEY}"],
    }, "only the state bucket and its (empty) state are left"
    state = json.loads(
        aws_client("s3", deployed.server.endpoint_url).get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read()
    )
    assert state["resources"] == []
    assert _endpoints(deployed.server) == {"http_apis": {}, "function_urls": {}}
