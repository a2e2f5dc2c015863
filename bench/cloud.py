"""The app deployed into the local cloud (moto on 127.0.0.1, the functions on their own python3.13 runtime): the
worker's throughput from a full queue against the same messages invoked directly, and the latency of 200 concurrent
``GET /health`` through the local HTTP API against the same requests one at a time.

The app is synthesized from ``main.py`` and applied with raw Terraform (the provider mirror of ``make setup``), once;
``/_local/prepare`` starts every function's runtime before anything is timed. The correctness of the same paths (every
greeting written once, every request answered, no host fallback) is tested by ``tests/cloud``; the figures live here.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.measure import ROOT, app_context, base_env, progress
from bench.report import Table, flag_check, fmt_ratio, ratio

NAME = "cloud"
STACK = "practice-dev"
#: Queued requests (sent in batches of 10, SQS's largest), and concurrent HTTP requests.
MESSAGES = 100
CONCURRENT = 200
EVENT = ROOT / "tests" / "events" / "sqs_batch_all_good.json"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, *, data: bytes | None = None, timeout: float = 600) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _synth(work: Path) -> Path:
    outdir = work / "cdktf.out"
    cache = work / "cache"
    env = base_env(CDKTF_OUTDIR=str(outdir), CDKTF_LAMBDA_CACHE_DIR=str(cache), CDKTF_CONTEXT_JSON=app_context())
    subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    return outdir


def _percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.5 = p50, 0.99 = p99)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))]


def _written(dynamodb: Any, table: str, request_ids: set[str]) -> set[str]:
    pages = dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="request_id")
    return {item["request_id"]["S"] for page in pages for item in page["Items"]} & request_ids


def _wait_written(dynamodb: Any, table: str, request_ids: set[str], timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _written(dynamodb, table, request_ids) == request_ids:
            return True
        time.sleep(0.1)
    return False


def _bodies(prefix: str) -> list[str]:
    return [json.dumps({"request_id": f"{prefix}-{index:03d}", "name": "Bench"}) for index in range(MESSAGES)]


def _queue_throughput(server: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    """``MESSAGES`` greeting requests put on the worker's queue at once: seconds until every one is written."""
    from cdktf_lambda.emulator.server import aws_client

    sqs, dynamodb = aws_client("sqs", server.endpoint_url), aws_client("dynamodb", server.endpoint_url)
    bodies = _bodies("queued")
    started = time.perf_counter()
    for first in range(0, MESSAGES, 10):
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[first : first + 10])]
        sqs.send_message_batch(QueueUrl=outputs["worker_queue_url"], Entries=entries)
    done = _wait_written(dynamodb, outputs["greetings_table_name"], {json.loads(b)["request_id"] for b in bodies})
    return {"seconds": time.perf_counter() - started, "all_written": done}


def _direct_throughput(server: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    """The same number of requests as SQS events of 10 records, invoked one after the other (``lambda.invoke``)."""
    from cdktf_lambda.emulator.server import aws_client

    lam, dynamodb = aws_client("lambda", server.endpoint_url), aws_client("dynamodb", server.endpoint_url)
    template = json.loads(EVENT.read_text())["Records"][0]
    bodies = _bodies("direct")
    started = time.perf_counter()
    failures = 0
    for first in range(0, MESSAGES, 10):
        records = []
        for index, body in enumerate(bodies[first : first + 10]):
            record = copy.deepcopy(template)
            record.update(messageId=f"direct-{first + index:03d}", body=body)
            records.append(record)
        answer = lam.invoke(FunctionName=outputs["worker_function_name"], Payload=json.dumps({"Records": records}))
        response = json.loads(answer["Payload"].read())
        failures += len(response.get("batchItemFailures", [])) + ("FunctionError" in answer)
    seconds = time.perf_counter() - started
    done = _written(dynamodb, outputs["greetings_table_name"], {json.loads(b)["request_id"] for b in bodies})
    return {"seconds": seconds, "all_written": failures == 0 and len(done) == MESSAGES}


def _http_latencies(url: str, concurrency: int) -> dict[str, Any]:
    def timed(_: int) -> tuple[int, float]:
        started = time.perf_counter()
        status, _body = _get(url)
        return status, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(timed, range(CONCURRENT)))
    wall = time.perf_counter() - started
    latencies = [seconds for _, seconds in results]
    return {
        "all_ok": all(status == 200 for status, _ in results),
        "p50_s": _percentile(latencies, 0.50),
        "p99_s": _percentile(latencies, 0.99),
        "mean_s": statistics.fmean(latencies),
        "per_second": CONCURRENT / wall,
    }


def bench_cloud(work: Path) -> dict[str, Any]:
    from cdktf_lambda import settings
    from cdktf_lambda.deploy.mirror import terraform_env, write_cli_config
    from cdktf_lambda.deploy.terraform import run_terraform
    from cdktf_lambda.emulator.server import running_server

    work.mkdir(parents=True, exist_ok=True)
    progress("cloud: synthesizing the app")
    outdir = _synth(work)
    stack_dir = outdir / "stacks" / STACK
    cli_config = write_cli_config(work / "cli.tfrc")
    extra = {settings.PROJECT_DIR.name: str(ROOT), settings.LOCAL_SYNTH_DIRS.name: str(outdir)}
    with running_server(log_path=work / "moto.log", extra_env=extra) as server:
        env = terraform_env(cli_config, server.endpoint_url)
        progress("cloud: terraform init + apply (the aws provider waits ~25 s per SQS queue)")
        run_terraform(["init", "-input=false"], stack_dir, env, abort_if=server.gone_reason)
        started = time.perf_counter()
        run_terraform(["apply", "-input=false", "-auto-approve"], stack_dir, env, abort_if=server.gone_reason)
        deploy_s = time.perf_counter() - started
        shown = run_terraform(["output", "-json"], stack_dir, env, abort_if=server.gone_reason)
        outputs = {name: value["value"] for name, value in json.loads(shown.output).items()}
        status, prepared = _get(f"{server.endpoint_url}/_local/prepare", data=b"")
        assert status == 200 and json.loads(prepared)["errors"] == {}, prepared
        endpoints = json.loads(_get(f"{server.endpoint_url}/_local/endpoints")[1])
        api_url = endpoints["http_apis"][f"{STACK}-api"]
        progress(f"cloud: {MESSAGES} requests through the queue, then invoked directly")
        queued = _queue_throughput(server, outputs)
        direct = _direct_throughput(server, outputs)
        progress(f"cloud: {CONCURRENT} GET /health at once, then one at a time")
        concurrent = _http_latencies(api_url + "/health", CONCURRENT)
        sequential = _http_latencies(api_url + "/health", 1)
        log = Path(server.log_path or os.devnull).read_text(errors="replace")
    queued_rate, direct_rate = MESSAGES / queued["seconds"], MESSAGES / direct["seconds"]
    return {
        "deploy_s": deploy_s,
        "queued": queued | {"per_second": queued_rate},
        "direct": direct | {"per_second": direct_rate},
        "concurrent": concurrent,
        "sequential": sequential,
        "host_fallback": "host fallback" in log,
        "ratio_queue_direct": ratio(queued_rate, direct_rate),
        "ratio_p50": ratio(concurrent["p50_s"], sequential["p50_s"]),
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_cloud(work)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    queued, direct = result["queued"], result["direct"]
    concurrent, sequential = result["concurrent"], result["sequential"]
    rows = [
        ["deploy: terraform apply of the app (s)", f"{result['deploy_s']:.1f}", "", ""],
        [
            f"worker: {MESSAGES} greeting requests, messages/s",
            f"{queued['per_second']:.1f}",
            f"{direct['per_second']:.1f}",
            fmt_ratio(result["ratio_queue_direct"], 2),
        ],
        [
            f"GET /health, p50 (ms) [{CONCURRENT} at once | one at a time]",
            f"{concurrent['p50_s'] * 1000:.0f}",
            f"{sequential['p50_s'] * 1000:.1f}",
            fmt_ratio(result["ratio_p50"], 1),
        ],
        ["GET /health, p99 (ms)", f"{concurrent['p99_s'] * 1000:.0f}", f"{sequential['p99_s'] * 1000:.1f}", ""],
        ["GET /health, requests/s", f"{concurrent['per_second']:.1f}", f"{sequential['per_second']:.1f}", ""],
    ]
    return Table(
        title="The app in the local cloud (moto on 127.0.0.1, functions on python3.13)",
        header=["", "through the cloud", "direct / one at a time", "ratio"],
        rows=rows,
        notes=[
            f"worker: {MESSAGES} messages put on the queue in batches of 10 (pollers, one conditional write each), "
            "against the same number as 10-record SQS events invoked one after the other (lambda.invoke)",
            f"HTTP: {CONCURRENT} concurrent requests through the local HTTP API, against {CONCURRENT} in sequence; "
            "warm runtimes (/_local/prepare) before either",
            "reported only (no target): the figures depend on the machine's load more than on the code",
        ],
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        flag_check(
            "cloud_queue_all_written",
            f"local cloud: every one of {MESSAGES} queued requests (and of the direct ones) is written",
            result["queued"]["all_written"] and result["direct"]["all_written"],
        ),
        flag_check(
            "cloud_http_all_answered",
            f"local cloud: all {CONCURRENT} concurrent GET /health answered 200, on the python3.13 runtime",
            result["concurrent"]["all_ok"] and result["sequential"]["all_ok"] and not result["host_fallback"],
        ),
    ]
