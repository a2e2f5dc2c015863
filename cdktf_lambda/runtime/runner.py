"""Running a function on its own Lambda runtime: CPython of its version, AWS's runtime client, Lambda's layout.

:class:`RuntimeRunner` starts ``python3.X -m awslambdaric HANDLER`` (see :mod:`.sandbox`) against a Runtime API
of its own on 127.0.0.1 (:mod:`.api`), so loading the handler, the context object and every error payload
are the official client's. A started runtime stays warm and serves the next event of the same code (same zips and
configuration), as Lambda does. The runner is thread-safe: each started runtime serves one event at a time, and a
busy one makes the runner start another.

A runtime that runs past its timeout is killed, and one that exits or is killed (the out-of-memory killer, a crash
in a C extension, ``os._exit``) fails the event it was running with Lambda's ``Runtime.ExitError`` (``Runtime
exited with error: signal: killed``) and its log lines. Its process is never reused: the next event starts a fresh
one. An event handed to a warm runtime that had died while idle, before it took the event, runs on a fresh one.

Whether a function runs here or on the host fallback is decided in :mod:`.selection`.
"""

from __future__ import annotations

import platform
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.interpreters import TargetPython, target_python
from cdktf_lambda.runtime.client import install_runtime_client
from cdktf_lambda.runtime.code import (
    FunctionCode,
    InvokeResult,
)
from cdktf_lambda.runtime.environment import ExecutionEnvironment, close_all
from cdktf_lambda.runtime.layers import ExtractedLayers
from cdktf_lambda.runtime.sandbox import isolation

__all__ = ["RuntimeRunner", "check_platform"]

_T = TypeVar("_T")


def check_platform() -> None:
    """Raise :class:`ProvisionError` unless this machine can run Lambda's Linux runtimes at all."""
    if platform.system() != "Linux":
        raise ProvisionError(f"Lambda functions run on Linux; this machine runs {platform.system()}")


def _key(code: FunctionCode) -> tuple[Any, ...]:
    return (
        code.function_name, code.handler, code.runtime, str(code.code_zip), tuple(map(str, code.layer_zips)),
        code.architecture, code.timeout, code.memory_size, tuple(sorted(code.environment.items())), code.region,
    )  # fmt: skip


class RuntimeRunner:
    """Runs events on each function's own runtime, keeping started runtimes warm until :meth:`close`.

    Parameters
    ----------
    provision
        Provision a missing runtime (once, into the runtime cache). Default: ``True``.
    """

    def __init__(self, *, provision: bool = True) -> None:
        self._provision = provision
        self._lock = threading.Lock()
        self._idle: dict[tuple[Any, ...], list[ExecutionEnvironment]] = {}
        self._all: list[ExecutionEnvironment] = []
        self._closed = False
        self._layers = ExtractedLayers()

    def target(self, code: FunctionCode) -> TargetPython:
        """The interpreter ``code`` runs on (provisioned on first use)."""
        check_platform()
        return target_python(code.runtime, code.architecture, provision=self._provision)

    def describe(self, code: FunctionCode) -> str:
        """``python3.13 (CPython 3.13.5, Debian trixie root filesystem at ~/…, sandboxed)``."""
        target = self.target(code)
        how = ", sandboxed" if target.rootfs is not None else ""
        return f"{code.runtime} ({target.describe()}{how})"

    def _acquire(self, code: FunctionCode) -> ExecutionEnvironment:
        key = _key(code)
        with self._lock:
            if self._closed:
                raise RuntimeError("this RuntimeRunner is closed")
            idle = self._idle.setdefault(key, [])
            while idle:
                runtime = idle.pop()
                if runtime.busy.acquire(blocking=False):
                    return runtime
        target = self.target(code)
        mode = isolation() if target.rootfs is not None else None
        if target.rootfs is not None and mode is None:
            raise ProvisionError("this machine allows no mount/PID namespaces (unshare), so no sandbox can be built")
        client = install_runtime_client(target.version, target.architecture, target.build_command())
        opt = self._layers.directory(code.layer_zips, code.function_name)
        runtime = ExecutionEnvironment(code, target, client, mode, self.describe(code), opt)
        runtime.busy.acquire()
        with self._lock:
            self._all.append(runtime)
        return runtime

    def invoke(self, code: FunctionCode, event: Any, *, request_id: str | None = None) -> InvokeResult:
        return self._use(code, lambda runtime: runtime.invoke(event, request_id or str(uuid.uuid4())))

    def prepare(self, code: FunctionCode) -> None:
        """Extract ``code``'s artifacts for a runtime now (not started yet), so the next event pays only the start."""
        self._use(code, lambda runtime: None)

    def check_init(self, code: FunctionCode) -> dict[str, Any] | None:
        """Start ``code``'s runtime (a cold start, no event): ``None`` when the handler imports, else the official
        client's init error (``Runtime.ImportModuleError`` …). The started runtime stays warm."""
        return self._use(code, lambda runtime: runtime.init())

    def _use(self, code: FunctionCode, action: Callable[[ExecutionEnvironment], _T]) -> _T:
        runtime = self._acquire(code)
        try:
            return action(runtime)
        finally:
            runtime.busy.release()
            with self._lock:
                stop = self._closed or runtime.retired
                if not stop:
                    self._idle.setdefault(_key(code), []).append(runtime)
                elif runtime in self._all:
                    self._all.remove(runtime)
            if stop:
                runtime.close()

    def retire(self, function_name: str, keep: Iterable[FunctionCode] = ()) -> int:
        """Stop the started runtimes of ``function_name`` whose code is not among ``keep``, as Lambda retires the
        execution environments of replaced code: idle ones now (in the background), busy ones when their event ends.
        No event reaches a retired runtime. The number retired."""
        kept = {_key(code) for code in keep}
        with self._lock:
            retired = [rt for rt in self._all if rt.code.function_name == function_name and _key(rt.code) not in kept]
            for runtime in retired:
                runtime.retired = True
            idle = [rt for rt in retired if rt in self._idle.get(_key(rt.code), [])]
            for runtime in idle:
                self._idle[_key(runtime.code)].remove(runtime)
                self._all.remove(runtime)
        if idle:  # stopping a sandbox waits for its namespace to go: not on the caller's time (an API request)
            threading.Thread(target=close_all, args=(idle,), name="retire-runtimes", daemon=True).start()
        return len(retired)

    def close(self) -> None:
        """Stop every started runtime and remove its directories."""
        with self._lock:
            self._closed = True
            runtimes, self._all, self._idle = self._all, [], {}
        for runtime in runtimes:
            if runtime.busy.acquire(blocking=False):
                runtime.close()
                runtime.busy.release()
        self._layers.close()  # a runtime still busy is being stopped too: its event ends with the runner

    def __enter__(self) -> RuntimeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
