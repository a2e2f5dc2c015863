"""What IAM enforcement costs in the local cloud: the reference app deployed once with Terraform into a local cloud,
then the same work with enforcement on and off, side by side (``POST /_local/iam?enforce=1|0`` between rounds, the
order alternating round by round, so that both modes see the same machine load):

* the greetings pipeline: ``POST /greetings`` (api_server sends to the queue) -> worker (writes the table) -> until
  ``GET /greetings/{id}`` reads it back, per greeting (a batch posted at once, its wall time / its size);
* warm invocations: ``lambda.invoke`` of api_server's alias with an HTTP API event for ``GET /greetings/{id}`` (one
  DynamoDB ``GetItem`` made with the function's own credentials, checked when enforced, and its log written).

After each switch one invocation of each function is discarded (the runtime restarts with the other credentials).
Medians; the ratios on/off are the acceptance figures (target: at most 1.10).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.measure import ROOT, app_context, base_env, progress
from bench.report import Table, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "iam"
PREFIX = "practice-dev"
EVENT = ROOT / "tests" / "events" / "apigw_http_v2_get_greeting.json"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http(url: str, *, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with _OPENER.open(request, timeout=300) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _deploy(work: Path, endpoint: str) -> dict[str, Any]:
    """Synthesize the app into ``work`` and apply it to the moto server at ``endpoint``; the stack outputs."""
    from cdktf_lambda.deploy.mirror import find_provider_mirror, terraform_env, write_cli_config
    from cdktf_lambda.deploy.terraform import run_terraform

    outdir = work / "cdktf.out"
    env = base_env(
        CDKTF_OUTDIR=str(outdir), CDKTF_LAMBDA_CACHE_DIR=str(work / "cache"), CDKTF_CONTEXT_JSON=app_context()
    )
    subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)
    stack_dir = outdir / "stacks" / PREFIX
    tf_env = terraform_env(write_cli_config(work / "cli.tfrc", find_provider_mirror()), endpoint)
    run_terraform(["init", "-input=false"], stack_dir, tf_env)
    run_terraform(["apply", "-input=false", "-auto-approve"], stack_dir, tf_env)
    return {
        name: item["value"]
        for name, item in json.loads(run_terraform(["output", "-json"], stack_dir, tf_env).output).items()
    }


def _greeting_event(request_id: str) -> bytes:
    event = json.loads(EVENT.read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/greetings/{request_id}"
    event["pathParameters"] = {"request_id": request_id}
    return json.dumps(event).encode()


def _pipeline(api_url: str, count: int) -> float:
    """Seconds per greeting: ``count`` posted at once, until each one reads back."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        posted = list(
            pool.map(lambda i: _http(f"{api_url}/greetings", method="POST", body={"name": f"B{i}"}), range(count))
        )
    assert {status for status, _ in posted} == {202}, posted[:3]
    pending = {answer["request_id"] for _, answer in posted}
    while pending:
        pending = {rid for rid in pending if _http(f"{api_url}/greetings/{rid}")[0] != 200}
        if pending:
            time.sleep(0.05)
        assert time.perf_counter() - started < 300, f"{len(pending)} greetings never arrived"
    return (time.perf_counter() - started) / count


def _warm(lam: Any, alias: str, payload: bytes, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        answer = lam.invoke(FunctionName=alias, Payload=payload)
        assert "FunctionError" not in answer and json.loads(answer["Payload"].read())["statusCode"] == 200
        times.append(time.perf_counter() - started)
    return times


def bench_iam(work: Path, rounds: int, greetings: int, invocations: int) -> dict[str, Any]:
    from cdktf_lambda import settings
    from cdktf_lambda.emulator.server import aws_client, running_server

    work.mkdir(parents=True, exist_ok=True)
    extra = {settings.PROJECT_DIR.name: str(ROOT), settings.LOCAL_SYNTH_DIRS.name: str(work / "cdktf.out")}
    with running_server(log_path=work / "moto.log", extra_env=extra) as server:
        progress("iam: synthesizing and deploying the app (Terraform, about two minutes)")
        outputs = _deploy(work, server.endpoint_url)
        assert _http(f"{server.endpoint_url}/_local/prepare", method="POST")[1]["errors"] == {}
        api_url, deadline = "", time.monotonic() + 30
        while not api_url and time.monotonic() < deadline:  # the HTTP front starts within a tick of the deploy
            api_url = _http(f"{server.endpoint_url}/_local/endpoints")[1]["http_apis"].get(f"{PREFIX}-api", "")
            time.sleep(0.1)
        assert api_url, "the HTTP API got no local endpoint"
        lam, alias = aws_client("lambda", server.endpoint_url), outputs["api_server_alias_arn"]
        known = f"bench-{uuid.uuid4().hex[:8]}"
        item = {
            "request_id": known,
            "name": "Bench",
            "language": "en",
            "greeting": "Hello",
            "created_at": "2030-01-01T00:00:00Z",
        }
        aws_client("dynamodb", server.endpoint_url).put_item(
            TableName=outputs["greetings_table_name"], Item={k: {"S": v} for k, v in item.items()}
        )
        payload = _greeting_event(known)
        pipeline: dict[str, list[float]] = {"on": [], "off": []}
        warm: dict[str, list[float]] = {"on": [], "off": []}
        for index in range(rounds):
            for mode in ("on", "off") if index % 2 == 0 else ("off", "on"):
                progress(f"iam: round {index + 1}/{rounds}, enforcement {mode}")
                _http(f"{server.endpoint_url}/_local/iam?enforce={1 if mode == 'on' else 0}", method="POST")
                _warm(lam, alias, payload, 1)  # the runtime restarts with the mode's credentials: not counted
                _pipeline(api_url, 2)
                pipeline[mode].append(_pipeline(api_url, greetings))
                warm[mode] += _warm(lam, alias, payload, invocations)
        counts = _http(f"{server.endpoint_url}/_local/inventory")[1]["iam"]
    stats = {
        "pipeline_s": {mode: summary(values) for mode, values in pipeline.items()},
        "warm_s": {mode: summary(values) for mode, values in warm.items()},
    }
    return {
        **stats,
        "iam": counts,
        "ratio_pipeline": ratio(stats["pipeline_s"]["on"]["median"], stats["pipeline_s"]["off"]["median"]),
        "ratio_warm": ratio(stats["warm_s"]["on"]["median"], stats["warm_s"]["off"]["median"]),
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_iam(work, 2 if args.quick else 10, 10 if args.quick else 20, 20 if args.quick else 60)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    pipeline, warm = result["pipeline_s"], result["warm_s"]
    rows = [
        ["greetings pipeline, per greeting (ms)", fmt_stat(pipeline["on"], 1000, 1), fmt_stat(pipeline["off"], 1000, 1),
         fmt_ratio(result["ratio_pipeline"])],
        ["warm invocation, GET /greetings/{id} (ms)", fmt_stat(warm["on"], 1000, 2), fmt_stat(warm["off"], 1000, 2),
         fmt_ratio(result["ratio_warm"])],
    ]  # fmt: skip
    return Table(
        title="IAM enforced in the local cloud, against the same local cloud with it off",
        header=["", "enforced", "off", "on / off"],
        rows=rows,
        notes=[
            f"one deployment, the modes alternating round by round; pipeline: {pipeline['on']['n']} rounds of a batch "
            f"of greetings per mode; warm: {warm['on']['n']} invocations per mode",
            f"decisions taken while enforced: {result['iam']['checks']} ({result['iam']['denied']} denied)",
        ],
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        ratio_check("iam_pipeline", "IAM on / off: greetings pipeline", result["ratio_pipeline"], 1.10),
        ratio_check("iam_warm", "IAM on / off: warm invocation", result["ratio_warm"], 1.10),
    ]
