#!/usr/bin/env python
"""Synth benchmark: the fast provider import against the ordinary one, packaging caches, scaling, API handler.

Run ``make bench`` (or ``.venv/bin/python bench/synth.py [--quick]``) from the project directory. One run measures,
each synth in a fresh process:

1. **Full-app synth** (``main.py`` as it is, with ``cdktf.json``'s context, warm package cache): wall time and peak
   RSS with the ordinary ``import cdktf_cdktf_provider_aws`` (``CDKTF_LAMBDA_FAST_IMPORT=0``), with the fast path,
   and with the fast path on the ``cdktn`` flavor (CDK Terrain, ``CDKTF_LAMBDA_FLAVOR=cdktn``; reported only, and
   skipped with a note when it is not installed), several runs each (median, min, max), interleaved. The cdktf
   outputs are compared byte for byte; the cdktn output byte for byte with an untimed cdktn ordinary-import run, and
   with the cdktf output once the flavor's version and provider source are set aside (:func:`normalized_tree`).
2. **Packaging**, cold (empty ``CDKTF_LAMBDA_CACHE_DIR``) against warm (the cache a cold run filled): seconds spent
   inside the packaging constructs (``LambdaPythonPackage``, and ``DependencyLayer`` when the library has one)
   during a synth of ``main.py``.
3. **Scaling**: synth wall time of a synthetic app with 1, 3, 10 and 30 functions (``bench/_scaling_app.py``).
4. **API handler**: cold ``import api_server`` time, and per-request latency of the module-level Mangum adapter
   against the seed's per-call ``Mangum(app)``.

Prints the tables and the acceptance ratios (PASS/FAIL), writes ``bench/results/synth.json`` and
``bench/results/synth.md``, and exits 1 when a target is missed. What each figure measures: ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CHILD = BENCH / "_child.py"
SCALING_APP = BENCH / "_scaling_app.py"
HANDLER = BENCH / "_handler.py"
DEFAULT_OUTPUT = BENCH / "results" / "synth.json"
CHILD_TIMEOUT_S = 600
SAMPLE_INTERVAL_S = 0.01

#: Acceptance targets (issue "Fast synth"): name -> (largest ratio that passes, what the ratio is).
TARGETS: dict[str, tuple[float, str]] = {
    "synth_wall": (0.25, "full-app synth wall time, fast / ordinary (medians)"),
    "synth_rss": (0.50, "full-app synth peak RSS python+node, fast / ordinary (medians)"),
    "packaging": (0.10, "packaging time, warm / cold cache (medians)"),
    "scaling": (1.50, "synth wall time, 30 / 3 functions (medians)"),
}

PACKAGES = (
    "cdktf",
    "cdktf-cdktf-provider-aws",
    "cdktf-cdktf-provider-archive",
    "cdktn",
    "cdktn-provider-aws",
    "cdktn-provider-archive",
    "constructs",
    "jsii",
    "mangum",
)

#: Python packages the cdktn flavor needs (``cdktf_lambda.cdk.FLAVOR_PACKAGES["cdktn"]``).
CDKTN_MODULES = ("cdktn", "cdktn_provider_aws", "cdktn_provider_archive")


# --------------------------------------------------------------------------------------------------------------
# running and measuring one child process


@dataclass
class Run:
    """One measured child process."""

    label: str
    wall_s: float
    python_kib: int | None = None
    node_kib: int | None = None
    tree_peak_kib: int | None = None
    provider_modules: int | None = None
    cdktn_modules: int | None = None
    fast_import: bool | None = None
    packaging: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def python_node_kib(self) -> int | None:
        if self.python_kib is None or self.node_kib is None:
            return None
        return self.python_kib + self.node_kib


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found.extend(int(child) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return found


def tree_rss_kib(pid: int) -> int:
    """Sum of VmRSS over ``pid`` and all its descendants, right now (0 once it is gone)."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kib(current)
        pending.extend(_children(current))
    return total


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree every ``interval`` seconds and keeps the peak."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL_S) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kib


def run_process(
    label: str, argv: Sequence[str | Path], *, cwd: Path, env: dict[str, str], logs: Path, sample_rss: bool = True
) -> tuple[float, int | None]:
    """Run ``argv`` to completion; return its wall time and sampled process-tree peak RSS. Raises on failure."""
    logs.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = logs / f"{label}.stdout", logs / f"{label}.stderr"
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env, stdout=stdout, stderr=stderr)
        sampler = TreeSampler(process.pid) if sample_rss else None
        if sampler is not None:
            sampler.start()
        try:
            returncode = process.wait(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        finally:
            peak = sampler.stop() if sampler is not None else None
        wall = time.perf_counter() - start
    if returncode != 0:
        tail = stderr_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{label}: {' '.join(map(str, argv))} exited with {returncode} (cwd={cwd})\n{tail}")
    return wall, peak


def run_measured(
    label: str,
    script: Path,
    args: Sequence[str] = (),
    *,
    cwd: Path,
    env: dict[str, str],
    logs: Path,
    time_packaging: bool = False,
) -> Run:
    """Run ``script`` under ``bench/_child.py`` in a fresh interpreter and collect its measurements."""
    result_path = logs / f"{label}.json"
    argv: list[str | Path] = [sys.executable, CHILD, "--result", result_path]
    if time_packaging:
        argv.append("--time-packaging")
    argv += [script, "--", *args]
    wall, peak = run_process(label, argv, cwd=cwd, env=env, logs=logs)
    data = json.loads(result_path.read_text())
    return Run(
        label=label,
        wall_s=wall,
        python_kib=data.get("python_maxrss_kib"),
        node_kib=data.get("children_maxrss_kib"),
        tree_peak_kib=peak,
        provider_modules=data.get("provider_modules"),
        cdktn_modules=data.get("cdktn_modules"),
        fast_import=data.get("fast_import"),
        packaging=data.get("packaging"),
        data=data,
    )


# --------------------------------------------------------------------------------------------------------------
# statistics and tables


def summary(values: Iterable[float | int | None]) -> dict[str, Any]:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return {"n": 0, "median": None, "min": None, "max": None, "values": []}
    return {
        "n": len(numbers),
        "median": statistics.median(numbers),
        "min": min(numbers),
        "max": max(numbers),
        "values": numbers,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt_stat(stat: dict[str, Any], scale: float = 1.0, digits: int = 2) -> str:
    """``median (min-max)``, or just the value for one sample."""
    if not stat["n"]:
        return "n/a"
    median, low, high = (stat[k] * scale for k in ("median", "min", "max"))
    if stat["n"] == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def fmt_ratio(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [max(len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]
        lines = [self.title, "-" * len(self.title)]
        for index, row in enumerate([self.header, *self.rows]):
            cells = [
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("  ".join("-" * width for width in widths))
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "|".join([" --- "] + [" ---: "] * (len(self.header) - 1)) + "|")
        for row in self.rows:
            first = row[0]
            indent = len(first) - len(first.lstrip())
            cells = ["&emsp;" * (indent // 2) + first.lstrip(), *row[1:]]
            lines.append("| " + " | ".join(cells) + " |")
        if self.notes:
            lines.append("")
            lines += [f"{note}  " for note in self.notes]
        return "\n".join(lines)


MIB = 1 / 1024


# --------------------------------------------------------------------------------------------------------------
# the sections


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment without the switches a run sets itself (so the default flavor is cdktf)."""
    env = dict(os.environ)
    for name in (
        "CDKTF_OUTDIR",
        "CDKTF_LAMBDA_CACHE_DIR",
        "CDKTF_LAMBDA_FAST_IMPORT",
        "CDKTF_LAMBDA_FLAVOR",
        "CDKTF_CONTEXT_JSON",
    ):
        env.pop(name, None)
    env.update(extra)
    return env


def app_context() -> str:
    """The context ``cdktf synth`` passes to ``main.py`` (``cdktf.json``'s ``context``), as JSON."""
    config = json.loads((ROOT / "cdktf.json").read_text())
    return json.dumps(config.get("context", {}))


def tree_bytes(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def cdktn_missing() -> list[str]:
    """The cdktn flavor's Python packages that are not installed (none: the flavor can be measured)."""
    return [name for name in CDKTN_MODULES if importlib.util.find_spec(name) is None]


def normalized_tree(tree: dict[str, bytes]) -> dict[str, Any]:
    """A synth output with what may differ between the flavors set aside; JSON files parsed, other files as bytes.

    Set aside: the library version (``//.metadata.version`` of each stack, ``version`` of ``manifest.json``) and
    ``terraform.required_providers.*.source`` (``aws`` for cdktf, ``hashicorp/aws`` for cdktn), as in
    ``tests/test_flavors.py``. Everything else, every zip included, must be equal.
    """
    result: dict[str, Any] = {}
    for name, content in tree.items():
        if not name.endswith(".json"):
            result[name] = content
            continue
        document = json.loads(content)
        if name == "manifest.json":
            document.pop("version", None)
        if isinstance(document.get("//"), dict):
            document["//"].get("metadata", {}).pop("version", None)
        for provider in document.get("terraform", {}).get("required_providers", {}).values():
            provider.pop("source", None)
        result[name] = document
    return result


def bench_synth(work: Path, reps_ordinary: int, reps_fast: int, reps_cdktn: int, warm_ordinary: bool) -> dict[str, Any]:
    """Full-app synth of main.py: cdktf ordinary import, cdktf fast path, cdktn fast path; warm cache, interleaved."""
    cache = work / "cache-synth"
    logs = work / "logs"
    context = app_context()
    missing = cdktn_missing() if reps_cdktn else []
    if missing:
        progress(
            "NOTE: the cdktn flavor is not installed (no " + ", ".join(missing) + "): its column is skipped. "
            "Install it with `make setup FLAVOR=cdktn`."
        )
        reps_cdktn = 0

    def env_for(mode: str, outdir: Path) -> dict[str, str]:
        return base_env(
            CDKTF_OUTDIR=str(outdir),
            CDKTF_LAMBDA_CACHE_DIR=str(cache),
            CDKTF_LAMBDA_FAST_IMPORT="0" if mode in ("ordinary", "cdktn-ordinary") else "1",
            CDKTF_LAMBDA_FLAVOR="cdktn" if mode.startswith("cdktn") else "cdktf",
            CDKTF_CONTEXT_JSON=context,
        )

    # The cdktn warm-up uses the ordinary import: its output is the reference the cdktn fast-path runs must match.
    warmups = ["fast"] + (["ordinary"] if warm_ordinary else []) + (["cdktn-ordinary"] if reps_cdktn else [])
    outputs: dict[str, dict[str, bytes]] = {}
    cdktn_error = None
    for mode in warmups:
        progress(f"synth: warm-up run ({mode}: package cache, jsii cache, page cache)")
        outdir = work / f"out-warmup-{mode}"
        try:
            run_measured(f"synth-warmup-{mode}", ROOT / "main.py", cwd=ROOT, env=env_for(mode, outdir), logs=logs)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            if not mode.startswith("cdktn"):
                raise
            cdktn_error, reps_cdktn = str(exc), 0
            progress(f"NOTE: the cdktn flavor failed, its column is skipped:\n{exc}")
            continue
        if mode == "cdktn-ordinary":
            outputs["cdktn-ordinary"] = tree_bytes(outdir)
        shutil.rmtree(outdir)

    runs: dict[str, list[Run]] = {"ordinary": [], "fast": [], "cdktn": []}
    identical = True
    cdktn_identical = True
    for index in range(max(reps_ordinary, reps_fast, reps_cdktn)):
        for mode, reps in (("ordinary", reps_ordinary), ("fast", reps_fast), ("cdktn", reps_cdktn)):
            if index >= reps:
                continue
            progress(f"synth: {mode} run {index + 1}/{reps}")
            outdir = work / f"out-{mode}-{index}"
            try:
                run = run_measured(
                    f"synth-{mode}-{index}", ROOT / "main.py", cwd=ROOT, env=env_for(mode, outdir), logs=logs
                )
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                if mode != "cdktn":
                    raise
                cdktn_error, reps_cdktn = str(exc), index
                progress(f"NOTE: the cdktn flavor failed, no more cdktn runs:\n{exc}")
                continue
            runs[mode].append(run)
            tree = tree_bytes(outdir)
            if mode == "cdktn":
                cdktn_identical = cdktn_identical and tree == outputs.setdefault("cdktn-ordinary", tree)
                outputs.setdefault("cdktn", tree)
            else:
                identical = identical and tree == outputs.setdefault("reference", tree)
            shutil.rmtree(outdir)

    stats = {mode: _synth_stats(mode_runs) for mode, mode_runs in runs.items()}
    cdktn_result: dict[str, Any] = {
        "measured": bool(runs["cdktn"]),
        "missing_packages": missing,
        "error": cdktn_error,
        "provider_package": runs["cdktn"][0].data.get("provider_package") if runs["cdktn"] else None,
        "fast_path_active": bool(runs["cdktn"])
        and all(r.provider_modules is not None and r.provider_modules < 50 for r in runs["cdktn"]),
        "outputs_identical_to_cdktn_ordinary": cdktn_identical if runs["cdktn"] else None,
        "outputs_equal_to_cdktf_normalized": (
            normalized_tree(outputs["cdktn"]) == normalized_tree(outputs["reference"])
            if "cdktn" in outputs and "reference" in outputs
            else None
        ),
    }
    fast_ok = all(r.provider_modules is not None and r.provider_modules < 50 for r in runs["fast"])
    return {
        "runs": {mode: [asdict(r) for r in mode_runs] for mode, mode_runs in runs.items()},
        "stats": stats,
        "outputs_identical": identical,
        "output_files": len(outputs.get("reference", {})),
        "fast_path_active": fast_ok,
        "cdktn": cdktn_result,
        "ratios": _synth_ratios(stats, "fast"),
        "ratios_cdktn": _synth_ratios(stats, "cdktn"),
    }


def _synth_ratios(stats: dict[str, Any], mode: str) -> dict[str, float | None]:
    """``mode`` against the cdktf ordinary import, medians."""
    mine, base = stats[mode], stats["ordinary"]
    return {
        "wall": ratio(mine["wall_s"]["median"], base["wall_s"]["median"]),
        "rss_python_node": ratio(mine["python_node_kib"]["median"], base["python_node_kib"]["median"]),
        "rss_tree_sampled": ratio(mine["tree_peak_kib"]["median"], base["tree_peak_kib"]["median"]),
        "rss_python": ratio(mine["python_kib"]["median"], base["python_kib"]["median"]),
        "rss_node": ratio(mine["node_kib"]["median"], base["node_kib"]["median"]),
    }


def _synth_stats(runs: list[Run]) -> dict[str, Any]:
    return {
        "wall_s": summary(r.wall_s for r in runs),
        "python_kib": summary(r.python_kib for r in runs),
        "node_kib": summary(r.node_kib for r in runs),
        "python_node_kib": summary(r.python_node_kib for r in runs),
        "tree_peak_kib": summary(r.tree_peak_kib for r in runs),
        "provider_modules": summary(r.provider_modules for r in runs),
        "cdktn_modules": summary(r.cdktn_modules for r in runs),
    }


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
    }


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


# --------------------------------------------------------------------------------------------------------------
# report


def synth_table(result: dict[str, Any], reps: tuple[int, int, int]) -> Table:
    stats, ratios, ratios_n = result["stats"], result["ratios"], result["ratios_cdktn"]
    o, f, n = stats["ordinary"], stats["fast"], stats["cdktn"]
    cdktn = result["cdktn"]
    measured = cdktn["measured"]

    def row(label: str, key: str, ratio_key: str | None, scale: float = 1.0, digits: int = 2) -> list[str]:
        cells = [fmt_stat(stat[key], scale, digits) for stat in (o, f, n)]
        if not measured:
            cells[2] = "not measured"
        if ratio_key is None:
            return [label, *cells, "", ""]
        return [label, *cells, fmt_ratio(ratios[ratio_key]), fmt_ratio(ratios_n[ratio_key]) if measured else "n/a"]

    rows = [
        row("wall time (s)", "wall_s", "wall"),
        row("peak RSS python + node (MiB)", "python_node_kib", "rss_python_node", MIB, 0),
        row("  python (MiB)", "python_kib", "rss_python", MIB, 0),
        row("  node (MiB)", "node_kib", "rss_node", MIB, 0),
        row("peak RSS process tree, sampled (MiB)", "tree_peak_kib", "rss_tree_sampled", MIB, 0),
        row("aws provider package modules imported", "provider_modules", None, digits=0),
    ]
    notes = [
        f"cdktf synthesized output byte-identical across all runs: {'yes' if result['outputs_identical'] else 'NO'}"
        f" ({result['output_files']} files)",
    ]
    if measured:
        normalized_equal = cdktn["outputs_equal_to_cdktf_normalized"]
        notes += [
            "cdktn: CDKTF_LAMBDA_FLAVOR=cdktn, fast path; reported only (no acceptance target); "
            f"modules counted: {cdktn['provider_package']}.*",
            "cdktn output byte-identical to a cdktn ordinary-import run: "
            f"{'yes' if cdktn['outputs_identical_to_cdktn_ordinary'] else 'NO'}; "
            "equal to the cdktf output once the library version and provider source are set aside: "
            f"{'yes' if normalized_equal else 'NO'}",
        ]
    elif cdktn["missing_packages"]:
        notes.append(
            "NOTE: cdktn not measured, the flavor is not installed (no "
            + ", ".join(cdktn["missing_packages"])
            + "): `make setup FLAVOR=cdktn`"
        )
    elif cdktn["error"]:
        notes.append("NOTE: cdktn not measured, its synth failed (see the JSON result for the error)")
    else:
        notes.append("cdktn not measured (--reps-cdktn 0)")
    notes += [
        "python + node: peak RSS (getrusage ru_maxrss) of the Python process + of its largest child, jsii's node",
        f"process tree: sum of VmRSS over all processes of a run, sampled every {SAMPLE_INTERVAL_S * 1000:.0f} ms",
    ]
    if not result["fast_path_active"]:
        notes.append("WARNING: a cdktf fast-path run imported 50 or more provider modules: the fast path was off")
    if measured and not cdktn["fast_path_active"]:
        notes.append("WARNING: a cdktn run imported 50 or more provider modules: the fast path was off")

    def runs(count: int) -> str:
        return f"{count} run{'s' * (count != 1)}"

    return Table(
        title=(
            f"Full-app synth (main.py, warm package cache): {runs(reps[0])} cdktf ordinary import, "
            f"{runs(reps[1])} cdktf fast path, {runs(len(result['runs']['cdktn']))} cdktn"
        ),
        header=[
            "median (min-max)",
            "cdktf, ordinary import",
            "cdktf, fast path",
            "cdktn (fast path)",
            "fast / ordinary",
            "cdktn / ordinary",
        ],
        rows=rows,
        notes=notes,
    )


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


def scaling_table(result: dict[str, Any]) -> Table:
    rows = [
        [str(count), fmt_stat(stat["wall_s"]), fmt_stat(stat["python_node_kib"], MIB, 0)]
        for count, stat in result["stats"].items()
    ]
    hi, base = result["ratio_counts"]
    notes = [f"{hi} / {base} functions: {fmt_ratio(result['ratio'])}"]
    if result["per_function_s"] is not None:
        notes.append(f"marginal cost per function: {result['per_function_s'] * 1000:.0f} ms")
    return Table(
        title="Synth time vs number of functions (synthetic app, fast path, warm package cache)",
        header=["functions", "wall time (s)", "peak RSS python + node (MiB)"],
        rows=rows,
        notes=notes,
    )


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


def acceptance(results: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(key: str, value: float | None) -> None:
        target, description = TARGETS[key]
        checks.append(
            {
                "name": key,
                "description": description,
                "value": value,
                "target": target,
                "passed": value is not None and value <= target,
            }
        )

    if "synth" in results:
        check("synth_wall", results["synth"]["ratios"]["wall"])
        check("synth_rss", results["synth"]["ratios"]["rss_python_node"])
        checks.append(
            {
                "name": "synth_identical",
                "description": "synthesized output byte-identical, fast vs ordinary",
                "value": results["synth"]["outputs_identical"],
                "target": True,
                "passed": bool(results["synth"]["outputs_identical"]),
            }
        )
    if "packaging" in results:
        check("packaging", results["packaging"]["ratio"])
    if "scaling" in results:
        check("scaling", results["scaling"]["ratio"])
    return checks


def acceptance_table(checks: list[dict[str, Any]]) -> Table:
    rows = []
    for item in checks:
        if isinstance(item["target"], bool):
            value, target = ("yes" if item["value"] else "no"), "yes"
        else:
            value, target = fmt_ratio(item["value"]), f"<= {item['target']:.2f}"
        rows.append([item["description"], value, target, "PASS" if item["passed"] else "FAIL"])
    return Table(title="Acceptance", header=["ratio", "measured", "target", "result"], rows=rows)


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    node = os.environ.get("JSII_NODE") or str(Path(sys.executable).parent / "node")
    try:
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        node_version = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = None, None
    return {
        "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "node": node_version,
            "loadavg_start": os.getloadavg(),
        },
        "packages": versions,
        "flavors": {"cdktf": "always", "cdktn": "not installed" if cdktn_missing() else "installed"},
        "git": {"commit": commit, "dirty": dirty},
        "args": vars(args) | {"output": str(args.output)},
    }


# --------------------------------------------------------------------------------------------------------------
# command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Synth benchmark: fast provider import vs ordinary import, packaging cache, scaling, API handler.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute; noisier figures)")
    parser.add_argument("--reps-ordinary", type=int, help="ordinary-import synth runs (default 3; --quick 1)")
    parser.add_argument("--reps-fast", type=int, help="fast-path synth runs (default 5; --quick 2)")
    parser.add_argument(
        "--reps-cdktn", type=int, help="cdktn-flavor synth runs, fast path (default 5; --quick 2; 0 skips cdktn)"
    )
    parser.add_argument("--reps-packaging", type=int, help="cold and warm packaging runs each (default 3; --quick 1)")
    parser.add_argument("--reps-scaling", type=int, help="runs per function count (default 3; --quick 1)")
    parser.add_argument(
        "--functions", default="1,3,10,30", help="function counts of the scaling app (default 1,3,10,30)"
    )
    parser.add_argument(
        "--only",
        default="synth,packaging,scaling,handler",
        help="comma-separated sections to run (default: all of synth,packaging,scaling,handler)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"JSON result file (default {DEFAULT_OUTPUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.reps_ordinary = args.reps_ordinary or (1 if quick else 3)
    args.reps_fast = args.reps_fast or (2 if quick else 5)
    if args.reps_cdktn is None:
        args.reps_cdktn = 2 if quick else 5
    args.reps_packaging = args.reps_packaging or (1 if quick else 3)
    args.reps_scaling = args.reps_scaling or (1 if quick else 3)
    args.functions = sorted({int(n) for n in args.functions.split(",")})
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - {"synth", "packaging", "scaling", "handler"}
    if unknown:
        parser.error(
            f"--only: unknown section(s) {', '.join(sorted(unknown))}; choose from synth,packaging,scaling,handler"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    meta = metadata(args)
    results: dict[str, Any] = {}
    tables: list[Table] = []
    started = time.perf_counter()
    sections: list[tuple[str, Callable[[Path], dict[str, Any]], Callable[[dict[str, Any]], Table]]] = [
        (
            "synth",
            lambda work: bench_synth(
                work, args.reps_ordinary, args.reps_fast, args.reps_cdktn, warm_ordinary=not args.quick
            ),
            lambda result: synth_table(result, (args.reps_ordinary, args.reps_fast, args.reps_cdktn)),
        ),
        ("packaging", lambda work: bench_packaging(work, args.reps_packaging, args.reps_packaging), packaging_table),
        ("scaling", lambda work: bench_scaling(work, args.functions, args.reps_scaling), scaling_table),
        (
            "handler",
            lambda work: bench_handler(work, 3 if args.quick else 5, 100 if args.quick else 300),
            handler_table,
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="cdktf-lambda-bench-") as tmp:
        for name, run_section, make_table in sections:
            if name not in args.only:
                continue
            section_start = time.perf_counter()
            results[name] = run_section(Path(tmp) / name)
            results[name]["section_s"] = time.perf_counter() - section_start
            tables.append(make_table(results[name]))

    checks = acceptance(results)
    if checks:
        tables.append(acceptance_table(checks))
    meta["duration_s"] = time.perf_counter() - started
    meta["machine"]["loadavg_end"] = os.getloadavg()

    print()
    print("\n\n".join(table.text() for table in tables))
    machine = meta["machine"]
    print(
        f"\nmachine: {machine['cpus']} CPUs, Python {machine['python']}, node {machine['node']}, "
        f"load average {machine['loadavg_start'][0]:.2f} at start, {machine['loadavg_end'][0]:.2f} at end; "
        f"took {meta['duration_s']:.0f} s"
    )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"meta": meta, "results": results, "acceptance": checks}, indent=2) + "\n")
    markdown = args.output.with_suffix(".md")
    markdown.write_text("\n\n".join(table.markdown() for table in tables) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"wrote {shown} and {markdown.name}")
    cdktn = results.get("synth", {}).get("cdktn")
    if cdktn and not cdktn["measured"] and (cdktn["missing_packages"] or cdktn["error"]):
        reason = "is not installed" if cdktn["missing_packages"] else "failed to synth"
        print(f"\n*** NOTE: the cdktn flavor {reason}: its column is empty (reported only, not a failure) ***")

    failed = [item["name"] for item in checks if not item["passed"]]
    if failed:
        print(f"FAIL: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("PASS: every acceptance target met" if checks else "no acceptance target in the sections run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
