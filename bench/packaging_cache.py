"""Packaging, cold (empty ``CDKTF_LAMBDA_CACHE_DIR``) against warm (the cache a cold run filled): seconds spent inside
the packaging constructs (``LambdaPythonPackage``, ``DependencyLayer``) during a synth of ``main.py``."""

from __future__ import annotations

import argparse
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.measure import ROOT, Run, app_context, base_env, progress, run_measured
from bench.report import Table, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "packaging"


def bench_packaging(work: Path, reps_cold: int, reps_warm: int) -> dict[str, Any]:
    """Time inside the packaging constructs during a synth of main.py: empty cache dir vs the filled one."""
    logs = work / "logs"
    context = app_context()
    runs: dict[str, list[Run]] = {"cold": [], "warm": []}
    warm_cache = work / "cache-packaging-0"
    plan = [("cold", i) for i in range(reps_cold)] + [("warm", i) for i in range(reps_warm)]
    for kind, index in plan:
        cache = work / f"cache-packaging-{index}" if kind == "cold" else warm_cache
        progress(f"packaging: {kind} cache run {index + 1}/{reps_cold if kind == 'cold' else reps_warm}")
        outdir = work / f"out-packaging-{kind}-{index}"
        env = base_env(
            CDKTF_OUTDIR=str(outdir),
            CDKTF_LAMBDA_CACHE_DIR=str(cache),
            CDKTF_LAMBDA_FAST_IMPORT="1",
            CDKTF_CONTEXT_JSON=context,
        )
        run = run_measured(
            f"packaging-{kind}-{index}", ROOT / "main.py", cwd=ROOT, env=env, logs=logs, time_packaging=True
        )
        runs[kind].append(run)
        shutil.rmtree(outdir)
    timed = runs["cold"][0].data.get("packaging_classes", []) if runs["cold"] else []
    stats = {
        kind: {
            "packaging_s": summary((r.packaging or {}).get("total_s") for r in kind_runs),
            "jsii_s": summary((r.packaging or {}).get("jsii_s") for r in kind_runs),
            "wall_s": summary(r.wall_s for r in kind_runs),
            "by_class_s": {
                name: summary((r.packaging or {}).get("seconds", {}).get(name) for r in kind_runs) for name in timed
            },
            "calls": (kind_runs[0].packaging or {}).get("calls", {}) if kind_runs else {},
        }
        for kind, kind_runs in runs.items()
    }
    return {
        "runs": {kind: [asdict(r) for r in kind_runs] for kind, kind_runs in runs.items()},
        "timed_classes": timed,
        "stats": stats,
        "ratio": ratio(stats["warm"]["packaging_s"]["median"], stats["cold"]["packaging_s"]["median"]),
    }


def packaging_table(result: dict[str, Any]) -> Table:
    stats = result["stats"]
    cold, warm = stats["cold"], stats["warm"]
    rows = [
        [
            "packaging work (ms)",
            fmt_stat(cold["packaging_s"], 1000, 1),
            fmt_stat(warm["packaging_s"], 1000, 1),
            fmt_ratio(result["ratio"]),
        ]
    ]
    for name in result["timed_classes"]:
        calls = cold["calls"].get(name, 0)
        rows.append(
            [
                f"  {name} ({calls}x) (ms)",
                fmt_stat(cold["by_class_s"][name], 1000, 1),
                fmt_stat(warm["by_class_s"][name], 1000, 1),
                fmt_ratio(ratio(warm["by_class_s"][name]["median"], cold["by_class_s"][name]["median"])),
            ]
        )
    rows.append(
        [
            "jsii round trips inside them, not counted (ms)",
            fmt_stat(cold["jsii_s"], 1000, 1),
            fmt_stat(warm["jsii_s"], 1000, 1),
            "",
        ]
    )
    rows.append(["whole synth process (s)", fmt_stat(cold["wall_s"]), fmt_stat(warm["wall_s"]), ""])
    missing = [name for name in ("DependencyLayer",) if name not in result["timed_classes"]]
    notes = ["cold: empty CDKTF_LAMBDA_CACHE_DIR; warm: the cache the first cold run filled"]
    if missing:
        notes.append(f"not in this library (not timed): {', '.join(missing)}")
    return Table(
        title="Packaging during a synth of main.py, cold vs warm package cache (fast path)",
        header=["median (min-max)", "cold cache", "warm cache", "warm / cold"],
        rows=rows,
        notes=notes,
    )


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_packaging(work, args.reps_packaging, args.reps_packaging)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    return packaging_table(result)


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [ratio_check("packaging", "packaging time, warm / cold cache (medians)", result["ratio"], 0.10)]
