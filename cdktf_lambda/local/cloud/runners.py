"""How the local cloud runs a function: THE one place that picks the runner.

:func:`runner_for` is the integration point for the target runtime. Today it returns the host fallback, a
:class:`~cdktf_lambda.local.runner.HostRunner` on this interpreter (a fresh process per event), whose
:class:`RunnerChoice.target` is this interpreter's Python and machine: dependency layers built for another target
(``python3.13``) are rebuilt for it from their lock file (:mod:`.artifacts`). A runner for the function's own runtime
returns ``Target(runtime, architecture)`` instead, and the deployed layers then run as they are.

Every runner gets :func:`~.runtime_packages.runtime_packages_dir` as what its runtime provides (boto3), and runners
are kept for the life of the process (:func:`close_runners` stops them).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ...packaging.target import Target, local_target
from ...paths import cache_dir
from ..runner import HostRunner, Runner
from .runtime_packages import runtime_packages_dir

__all__ = ["RunnerChoice", "close_runners", "local_cloud_cache", "runner_for"]

_RUNNERS: dict[tuple[str, ...], Runner] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class RunnerChoice:
    """A runner, and the target (Python version, architecture) it runs code on."""

    runner: Runner
    target: Target


def local_cloud_cache() -> Path:
    """Where the local cloud keeps deployed zips, unpacked code and runtime packages: ``<cache>/local-cloud``."""
    return cache_dir() / "local-cloud"


def runner_for(runtime: str, architecture: str) -> RunnerChoice:
    """The runner for a function of ``runtime`` (``python3.13``) and ``architecture`` (``x86_64``).

    Today: this interpreter, whatever the runtime (the host fallback). Thread-safe; one runner per choice.
    """
    local = local_target()
    key = ("host", sys.executable)
    with _LOCK:
        runner = _RUNNERS.get(key)
        if runner is None:
            cache = local_cloud_cache()
            runner = _RUNNERS[key] = HostRunner(
                sys.executable,
                local.python_version,
                runtime_packages=(runtime_packages_dir(cache_dir()),),
                unpack_cache=cache / "unpacked",
            )
    return RunnerChoice(runner, local)


def close_runners() -> None:
    """Close every runner handed out (warm runtimes stop); the next :func:`runner_for` starts afresh."""
    with _LOCK:
        runners = list(_RUNNERS.values())
        _RUNNERS.clear()
    for runner in runners:
        runner.close()
