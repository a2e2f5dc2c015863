"""The API handler: cold ``import api_server`` time, and per-request latency of the module-level Mangum adapter against
the seed's per-call ``Mangum(app)`` (``bench/_handler.py`` in fresh processes)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.measure import HANDLER, ROOT, base_env, progress, run_process
from bench.report import Table, fmt_ratio, fmt_stat, ratio, summary

NAME = "handler"


def bench_handler(work: Path, import_reps: int, requests: int) -> dict[str, Any]:
    """Cold import time of the API function and per-request latency of the adapter patterns."""
    logs = work / "logs"
    env = base_env()
    imports: list[dict[str, Any]] = []
    for index in range(import_reps):
        progress(f"handler: cold import {index + 1}/{import_reps}")
        result = logs / f"handler-import-{index}.json"
        wall, _ = run_process(
            f"handler-import-{index}",
            [sys.executable, HANDLER, "import", "--result", result],
            cwd=ROOT,
            env=env,
            logs=logs,
            sample_rss=False,
        )
        imports.append({"process_wall_s": wall, **json.loads(result.read_text())})
    progress(f"handler: per-request latency ({requests} requests per variant)")
    result = logs / "handler-latency.json"
    run_process(
        "handler-latency",
        [sys.executable, HANDLER, "latency", "--result", result, "--requests", str(requests)],
        cwd=ROOT,
        env=env,
        logs=logs,
        sample_rss=False,
    )
    latency = json.loads(result.read_text())
    return {
        "import_s": summary(i["import_s"] for i in imports),
        "process_wall_s": summary(i["process_wall_s"] for i in imports),
        "latency": latency,
        "latency_ratio_seed_vs_module": ratio(
            latency["seed_per_call"]["median_ms"], latency["module_adapter"]["median_ms"]
        ),
    }


def handler_table(result: dict[str, Any]) -> Table:
    latency = result["latency"]
    rows = [["cold `import api_server` (ms)", fmt_stat(result["import_s"], 1000, 0), "", ""]]
    labels = {
        "module_adapter": "module-level Mangum(app, lifespan='off')",
        "seed_per_call": "seed: Mangum(app) on every call",
        "lambda_handler": "deployed lambda_handler (module adapter + logging)",
    }
    for key, label in labels.items():
        stat = latency[key]
        rows.append([label, f"{stat['median_ms']:.3f}", f"{stat['p95_ms']:.3f}", f"{stat['min_ms']:.3f}"])
    return Table(
        title="API function (lambda_src/api_server): cold import and per-request latency, GET /hello/Ada (HTTP API v2)",
        header=["", "median (ms)", "p95 (ms)", "min (ms)"],
        rows=rows,
        notes=[
            f"cold import: fresh interpreter per run, {result['import_s']['n']} runs; "
            f"latency: {latency['module_adapter']['n']} requests per variant in one warm process",
            "seed per-call adapter / module-level adapter (medians): "
            + fmt_ratio(result["latency_ratio_seed_vs_module"], 2),
        ],
    )


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_handler(work, 3 if args.quick else 5, 100 if args.quick else 300)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    return handler_table(result)


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return []
