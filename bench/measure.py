"""Running and measuring one child process: wall time, peak RSS of its process tree (sampled with psutil), and
what ``bench/_child.py`` reports from inside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CHILD = BENCH / "_child.py"
SCALING_APP = BENCH / "_scaling_app.py"
HANDLER = BENCH / "_handler.py"
CHILD_TIMEOUT_S = 600
SAMPLE_INTERVAL_S = 0.01
#: Python packages the cdktn flavor needs (``cdktf_lambda.cdk.FLAVOR_PACKAGES["cdktn"]``).
CDKTN_MODULES = ("cdktn", "cdktn_provider_aws", "cdktn_provider_archive")
#: Switches a run sets itself; never inherited from the shell that runs the benchmark.
SWITCHES = (
    "CDKTF_OUTDIR",
    "CDKTF_LAMBDA_CACHE_DIR",
    "CDKTF_LAMBDA_FAST_IMPORT",
    "CDKTF_LAMBDA_FLAVOR",
    "CDKTF_CONTEXT_JSON",
)


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


def tree_rss_kib(pid: int) -> int:
    """Sum of the RSS of ``pid`` and all its descendants, right now (0 once it is gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss // 1024
        except psutil.Error:
            continue
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


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment without the switches a run sets itself (so the default flavor is cdktf)."""
    env = {name: value for name, value in os.environ.items() if name not in SWITCHES}
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
