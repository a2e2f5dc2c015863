"""The documentation's worked example (docs/testing.md) run with pytest as a user runs it: how long its test session
takes, and what share of it is the local cloud's deploy.

The example's files are written into a new project (:mod:`devtools.example`) and ``python -m pytest`` runs there, in
this virtualenv (the library installed, its plugin registered), as a fresh process per run. One discarded run first
fills the project's package cache and the page cache; then each run reports, through the plugin's
``--cdktf-report``, the session, the synth, and the deploy by step (server start, ``terraform init``, ``apply``,
outputs, the functions made ready). The wall time of the whole ``pytest`` process (interpreter start and collection
included) is measured outside. Medians.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import ROOT, base_env, progress
from bench.report import Table, fmt_stat, summary

NAME = "testing"


def _session(project: Path, report: Path) -> dict[str, Any]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--cdktf-report={report}"],
        cwd=project,
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"the example's tests failed:\n{(result.stdout + result.stderr)[-4000:]}")
    timings = json.loads(report.read_text())
    (deploy,) = timings["deploys"]
    return {
        "wall_s": wall,
        "session_s": timings["session_seconds"],
        "synth_s": max(timings["synth_seconds"]),
        "deploy_s": deploy["seconds"],
        "phases": deploy["phases"],
        "share": deploy["seconds"] / timings["session_seconds"],
    }


def bench_testing(work: Path, reps: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from devtools.example import write_example

    project = write_example(work / "example")
    runs = []
    for index in range(-1, reps):  # round -1: the package cache and the page cache, not counted
        progress(f"testing: the worked example's test session {index + 1}/{reps}" if index >= 0 else "testing: warm-up")
        measured = _session(project, work / f"report-{index}.json")
        if index >= 0:
            runs.append(measured)
    phases = sorted({name for run in runs for name in run["phases"]}, key=list(runs[0]["phases"]).index)
    return {
        "wall_s": summary(run["wall_s"] for run in runs),
        "session_s": summary(run["session_s"] for run in runs),
        "synth_s": summary(run["synth_s"] for run in runs),
        "deploy_s": summary(run["deploy_s"] for run in runs),
        "phases_s": {name: summary(run["phases"].get(name) for run in runs) for name in phases},
        "share": summary(run["share"] for run in runs),
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_testing(work, 1 if args.quick else 3)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    rows = [
        ["pytest process, wall (interpreter start, collection, session)", fmt_stat(result["wall_s"], 1, 1)],
        ["test session (the plugin's clock)", fmt_stat(result["session_s"], 1, 1)],
        ["synth of the app (once per session)", fmt_stat(result["synth_s"], 1, 1)],
        ["local cloud deploy (once per session)", fmt_stat(result["deploy_s"], 1, 1)],
        *[[f"· {name}", fmt_stat(stat, 1, 1)] for name, stat in result["phases_s"].items()],
        ["deploy / session", fmt_stat(result["share"], 100, 0) + " %"],
    ]
    return Table(
        title="The worked example's test session (3 tests: synth, invoke on python3.13, local cloud)",
        header=["", "median (s)"],
        rows=rows,
        notes=[f"{result['session_s']['n']} sessions after one warm-up, each a fresh pytest process"],
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return []
