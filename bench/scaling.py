"""Synth wall time of a synthetic app (``bench/_scaling_app.py``) with 1, 3, 30 and 300 functions (``--functions``)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.measure import ROOT, SCALING_APP, Run, base_env, progress, run_measured
from bench.report import MIB, Table, flag_check, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "scaling"


def make_scaling_project(project: Path, count: int) -> None:
    """A project dir with ``lambda_src/fn_01`` … ``fn_<count>`` (``__init__.py`` + ``fn_XX.py``) and practice_util."""
    source = project / "lambda_src"
    source.mkdir(parents=True)
    shutil.copytree(
        ROOT / "lambda_src" / "practice_util",
        source / "practice_util",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    for index in range(1, count + 1):
        name = f"fn_{index:02d}"
        directory = source / name
        directory.mkdir()
        (directory / "__init__.py").write_text("")
        (directory / f"{name}.py").write_text(
            f'"""Synthetic benchmark function {name}."""\n\n'
            "from __future__ import annotations\n\n"
            "from typing import Any\n\n"
            "from practice_util import get_logger\n\n"
            f'logger = get_logger("{name}")\n\n\n'
            "def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:\n"
            f'    logger.info("invoked", extra={{"keys": sorted(event)}})\n'
            f'    return {{"function": "{name}", "ok": True}}\n'
        )


def bench_scaling(work: Path, counts: Sequence[int], reps: int) -> dict[str, Any]:
    """Synth wall time of the synthetic app for each function count (fast path, warm package cache)."""
    logs = work / "logs"
    project = work / "scaling-project"
    cache = work / "cache-scaling"
    make_scaling_project(project, max(counts))
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

    def env_for(outdir: Path) -> dict[str, str]:
        return base_env(
            CDKTF_OUTDIR=str(outdir),
            CDKTF_LAMBDA_CACHE_DIR=str(cache),
            CDKTF_LAMBDA_FAST_IMPORT="1",
            PYTHONPATH=pythonpath,
        )

    progress(f"scaling: warm-up run ({max(counts)} functions, fills the package cache)")
    outdir = work / "out-scaling-warmup"
    run_measured("scaling-warmup", SCALING_APP, [str(max(counts))], cwd=project, env=env_for(outdir), logs=logs)
    shutil.rmtree(outdir)
    cache_before = _cache_listing(cache)

    runs: dict[int, list[Run]] = {count: [] for count in counts}
    for rep in range(reps):
        for count in counts:
            progress(f"scaling: {count} functions, run {rep + 1}/{reps}")
            outdir = work / f"out-scaling-{count}-{rep}"
            run = run_measured(
                f"scaling-{count}-{rep}", SCALING_APP, [str(count)], cwd=project, env=env_for(outdir), logs=logs
            )
            functions = json.loads((outdir / "stacks" / f"bench-{count}" / "cdk.tf.json").read_text())["resource"][
                "aws_lambda_function"
            ]
            if len(functions) != count:
                raise RuntimeError(f"scaling app with {count} functions synthesized {len(functions)}")
            runs[count].append(run)
            shutil.rmtree(outdir)
    stats = {
        str(count): {
            "wall_s": summary(r.wall_s for r in count_runs),
            "python_node_kib": summary(r.python_node_kib for r in count_runs),
        }
        for count, count_runs in runs.items()
    }
    # A second synth with nothing changed does no packaging work: not one file of the package cache is written.
    untouched = _cache_listing(cache) == cache_before
    lo, hi = min(counts), max(counts)
    per_function = None
    if hi > lo:
        per_function = (stats[str(hi)]["wall_s"]["median"] - stats[str(lo)]["wall_s"]["median"]) / (hi - lo)
    base = 3 if 3 in counts else lo
    return {
        "runs": {str(count): [asdict(r) for r in count_runs] for count, count_runs in runs.items()},
        "stats": stats,
        "per_function_s": per_function,
        "ratio": ratio(stats[str(hi)]["wall_s"]["median"], stats[str(base)]["wall_s"]["median"]),
        "ratio_counts": [hi, base],
        "warm_synth_wrote_nothing": untouched,
        "cache_files": len(cache_before),
    }


def _cache_listing(cache: Path) -> dict[str, tuple[int, int]]:
    """Every file of the package cache with its size and modification time (ns)."""
    return {
        str(path.relative_to(cache)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(cache.rglob("*"))
        if path.is_file()
    }


def scaling_table(result: dict[str, Any]) -> Table:
    rows = [
        [str(count), fmt_stat(stat["wall_s"]), fmt_stat(stat["python_node_kib"], MIB, 0)]
        for count, stat in result["stats"].items()
    ]
    hi, base = result["ratio_counts"]
    notes = [
        f"{hi} / {base} functions: {fmt_ratio(result['ratio'])}",
        f"warm synths wrote nothing to the package cache ({result['cache_files']} files): "
        + ("yes" if result["warm_synth_wrote_nothing"] else "NO"),
    ]
    if result["per_function_s"] is not None:
        notes.append(f"marginal cost per function: {result['per_function_s'] * 1000:.0f} ms")
    return Table(
        title="Synth time vs number of functions (synthetic app, fast path, warm package cache)",
        header=["functions", "wall time (s)", "peak RSS python + node (MiB)"],
        rows=rows,
        notes=notes,
    )


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_scaling(work, args.functions, args.reps_scaling)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    return scaling_table(result)


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    hi, base = result["ratio_counts"]
    return [
        ratio_check("scaling", f"synth wall time, {hi} / {base} functions (medians)", result["ratio"], 2.0),
        flag_check(
            "scaling_no_packaging",
            "a second synth with nothing changed does no packaging work",
            result["warm_synth_wrote_nothing"],
        ),
    ]
