"""How the local cloud runs a function: THE one place that picks the runner.

:func:`runner_for` gives the function's own runtime when it can be had here: a
:class:`~cdktf_lambda.local.runtime.RuntimeRunner` (CPython of the runtime's version in Lambda's layout, AWS's
runtime client, warm between events, thread-safe), whose :class:`RunnerChoice.target` is ``Target(runtime,
architecture)``: the deployed zips and layers run as they are. Otherwise (another architecture, no namespaces, a
runtime no Debian release ships; or ``CDKTF_LAMBDA_LOCAL_RUNNER=host``) the host fallback, a
:class:`~cdktf_lambda.local.runner.HostRunner` on this interpreter (a fresh process per event), whose target is this
interpreter's Python and machine: dependency layers built for another target are rebuilt for it from their lock file
(:mod:`.artifacts`).

Every runner gets :func:`~.runtime_packages.runtime_packages_dir` as what its runtime provides (boto3), and runners
are kept for the life of the process (:func:`close_runners` stops them).
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ...packaging.target import Target, local_target
from ...paths import cache_dir
from ..interpreters import target_python
from ..rootfs import ProvisionError
from ..runner import HostRunner, Runner
from ..runtime import RuntimeRunner
from ..sandbox import isolation
from .runtime_packages import runtime_packages_dir

__all__ = ["RUNNER_ENV", "RunnerChoice", "close_runners", "local_cloud_cache", "runner_for"]

#: ``host`` forces the host fallback; anything else (default) prefers the function's own runtime.
RUNNER_ENV = "CDKTF_LAMBDA_LOCAL_RUNNER"

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
    """The runner for a function of ``runtime`` (``python3.13``) and ``architecture`` (``x86_64``): its own runtime
    when it can be had here, else the host fallback (see the module docstring). Thread-safe; one runner per choice."""
    if os.environ.get(RUNNER_ENV, "").strip().lower() != "host":
        try:
            found = target_python(runtime, architecture)
            if found.rootfs is not None and isolation() is None:
                raise ProvisionError("this machine allows no mount/PID namespaces (unshare) for the sandbox")
        except ProvisionError as exc:
            sys.stderr.write(f"local cloud: {runtime}/{architecture} runs on the host fallback: {exc}\n")
        else:
            with _LOCK:
                runner = _RUNNERS.get(("target",))
                if runner is None:
                    runner = _RUNNERS[("target",)] = RuntimeRunner()
            return RunnerChoice(runner, Target(runtime, architecture))
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
