"""Which runner runs a function: THE one place that decides, for ``cdktf-lambda invoke`` and the local cloud alike.

A function runs on its own runtime when that can be had here: a
:class:`~cdktf_lambda.runtime.runner.RuntimeRunner` (CPython of the runtime's version in Lambda's layout, AWS's
runtime client, warm between events, thread-safe), whose :attr:`RunnerChoice.target` is the function's own
``Target(runtime, architecture)``: the deployed zips and layers run as they are. Otherwise (not Linux, another
architecture, no mount/PID namespaces for the sandbox, a runtime no Debian release ships; or ``prefer="host"``, which
the local cloud takes from :data:`LOCAL_RUNNER=host <cdktf_lambda.settings.LOCAL_RUNNER>`) the host fallback: a
:class:`~cdktf_lambda.runtime.host.HostRunner` on an interpreter of this machine, a fresh process per event, whose
target is that interpreter's Python and machine (dependency layers built for another target must be rebuilt for it).
Why the fallback was taken is logged once per runtime and architecture.

:class:`Runners` hands out one runner per choice and keeps it until :meth:`Runners.close`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.interpreters import target_python
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.runtime.code import FunctionCode, Runner
from cdktf_lambda.runtime.host import HostRunner
from cdktf_lambda.runtime.runner import RuntimeRunner, check_platform
from cdktf_lambda.runtime.sandbox import isolation

__all__ = ["HostFactory", "Prefer", "RunnerChoice", "Runners", "unavailable_reason"]

log = room_logger(__name__)

#: ``target``: the function's own runtime when it can be had here; ``host``: always the host fallback.
Prefer = Literal["target", "host"]
#: Makes the host fallback's runner for a runtime (``"python3.13"``): the runner, and the target it runs code on.
HostFactory = Callable[[str], tuple[HostRunner, Target]]


@dataclass(frozen=True)
class RunnerChoice:
    """A runner, the target (Python version, architecture) it runs code on, and why it is the host fallback
    (``None`` when it is the function's own runtime)."""

    runner: Runner
    target: Target
    fallback_reason: str | None = None


def unavailable_reason(runtime: str, architecture: str, *, provision: bool = True) -> str | None:
    """``None`` when a function of ``runtime`` on ``architecture`` can run on its own runtime here (provisioned now,
    once, when ``provision`` is true); else why not, in words."""
    try:
        check_platform()
        found = target_python(runtime, architecture, provision=provision)
        if found.rootfs is not None and isolation() is None:
            raise ProvisionError("this machine allows no mount/PID namespaces (unshare) for the sandbox")
    except ProvisionError as exc:
        return str(exc)
    return None


class Runners:
    """One runner per choice, for as long as this object lives (:meth:`close` stops them). Thread-safe.

    Parameters
    ----------
    host
        Makes the host fallback's runner (see :data:`HostFactory`).
    prefer
        ``"target"`` (default) or ``"host"``.
    provision
        Provision a missing runtime (once, into the runtime cache). Default: ``True``.
    """

    def __init__(self, host: HostFactory, *, prefer: Prefer = "target", provision: bool = True) -> None:
        self._host, self._prefer, self._provision = host, prefer, provision
        self._runners: dict[tuple[str, ...], RunnerChoice] = {}
        self._noted: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def choose(self, runtime: str, architecture: str) -> RunnerChoice:
        """The runner for a function of ``runtime`` (``"python3.13"``) and ``architecture`` (``"x86_64"``)."""
        reason = (
            "the host runner was asked for"
            if self._prefer == "host"
            else unavailable_reason(runtime, architecture, provision=self._provision)
        )
        if reason is None:
            with self._lock:
                choice = self._runners.get(("target",))
                if choice is None:
                    own = RuntimeRunner(provision=self._provision)
                    choice = self._runners[("target",)] = RunnerChoice(own, Target(runtime, architecture))
            return RunnerChoice(choice.runner, Target(runtime, architecture))
        with self._lock:
            if self._prefer == "target" and (runtime, architecture) not in self._noted:
                self._noted.add((runtime, architecture))
                log.warning("%s/%s runs on the host fallback: %s", runtime, architecture, reason)
            choice = self._runners.get(("host", runtime))
            if choice is None:
                runner, target = self._host(runtime)
                choice = self._runners[("host", runtime)] = RunnerChoice(runner, target, reason)
        return choice

    def retire(self, function_name: str, keep: Iterable[FunctionCode] = ()) -> int:
        """Stop the warm runtimes of ``function_name`` whose code is not among ``keep`` (busy ones when their event
        ends; see :meth:`RuntimeRunner.retire`). The host fallback keeps none. The number retired."""
        with self._lock:
            runners = [choice.runner for choice in self._runners.values() if isinstance(choice.runner, RuntimeRunner)]
        return sum(runner.retire(function_name, keep) for runner in runners)

    def close(self) -> None:
        """Close every runner handed out (warm runtimes stop); later choices start afresh."""
        with self._lock:
            choices = list(self._runners.values())
            self._runners.clear()
        for choice in choices:
            choice.runner.close()

    def __enter__(self) -> Runners:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
