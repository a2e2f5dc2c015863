"""Running a function on its own Lambda runtime: CPython of its version, AWS's runtime client, Lambda's layout.

:class:`RuntimeRunner` starts ``python3.X -m awslambdaric HANDLER`` (see :mod:`.sandbox`) against a Runtime API
of its own on 127.0.0.1 (:mod:`.runtime_api`), so loading the handler, the context object and every error payload
are the official client's. A started runtime stays warm and serves the next event of the same code (same zips and
configuration), as Lambda does; it is started again after a timeout, an init error or an exit. The runner is
thread-safe: each started runtime serves one event at a time, and a busy one makes the runner start another.

Whether a function runs here or on the host fallback is decided in :mod:`.selection`.
"""

from __future__ import annotations

import json
import os
import platform
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar, cast

from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.interpreters import TargetPython, target_python
from cdktf_lambda.runtime.api import Invocation, RuntimeAPI
from cdktf_lambda.runtime.client import install_runtime_client
from cdktf_lambda.runtime.code import INIT_SECONDS, FunctionCode, InvokeResult, extract, lambda_environment
from cdktf_lambda.runtime.context import FAKE_ACCOUNT
from cdktf_lambda.runtime.layers import ExtractedLayers
from cdktf_lambda.runtime.sandbox import Isolation, Layout, isolation, runtime_command
from cdktf_lambda.runtime.types import ErrorObject

__all__ = ["RuntimeRunner", "check_platform", "timeout_error"]

_T = TypeVar("_T")


def check_platform() -> None:
    """Raise :class:`ProvisionError` unless this machine can run Lambda's Linux runtimes at all."""
    if platform.system() != "Linux":
        raise ProvisionError(f"Lambda functions run on Linux; this machine runs {platform.system()}")


def timeout_error(request_id: str, timeout: float) -> ErrorObject:
    """What Lambda answers for an invocation that ran past its timeout."""
    return {"errorType": "Sandbox.Timedout", "errorMessage": f"RequestId: {request_id} Error: " + _timed_out(timeout)}


def _timed_out(timeout: float) -> str:
    return f"Task timed out after {timeout:.2f} seconds"


def _stamp() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


class _Runtime:
    """One started runtime process for one function's code, with its own Runtime API and directories."""

    def __init__(
        self, code: FunctionCode, target: TargetPython, client: Path, mode: Isolation | None, python: str, opt: Path
    ) -> None:
        self.code, self.target, self.python = code, target, python
        self.work = Path(tempfile.mkdtemp(prefix="cdktf-lambda-runtime-"))
        self.layout = Layout(self.work / "task", opt, client)
        self.layout.task.mkdir()
        try:
            extract(code.code_zip, self.layout.task, f"Function {code.function_name!r}")
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        self.mode = mode
        self.retired = False  # the code was replaced: stop once the event in flight ends (RuntimeRunner.retire)
        arn = f"arn:aws:lambda:{code.region}:{FAKE_ACCOUNT}:function:{code.function_name}"
        self.api = RuntimeAPI(arn).start()
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.busy = threading.Lock()  # one event in flight
        self._output = threading.Lock()
        self._sink: list[str] = []
        self._pending = b""

    # --- the process -------------------------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _start(self) -> None:
        self.api.reset()
        stream_id = uuid.uuid4().hex
        env = lambda_environment(self.code, "", request_id=stream_id, api=self.api.address)
        env.pop("LAMBDA_TASK_ROOT")
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = time.strftime("%Y/%m/%d/") + f"[$LATEST]{stream_id}"
        command = runtime_command(self.target, self.layout, self.code.handler, env, self.mode)
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            command.argv,
            env=command.env,
            cwd=command.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: unshare, the namespace's init and the runtime
        )
        assert self.process.stdout is not None
        os.set_blocking(self.process.stdout.fileno(), False)
        threading.Thread(target=self._pump, args=(self.process,), name="runtime-output", daemon=True).start()

    def _read(self, process: subprocess.Popen[bytes]) -> bool:
        """Move what the process wrote into the current sink; ``False`` at end of output."""
        assert process.stdout is not None
        with self._output:
            while True:
                try:
                    data = os.read(process.stdout.fileno(), 65536)
                except BlockingIOError:
                    return True
                except (OSError, ValueError):
                    return False
                if not data:
                    self._flush_partial()
                    return False
                text, sep, self._pending = (self._pending + data).rpartition(b"\n")
                if sep:
                    self._sink.append((text + b"\n").decode("utf-8", "replace"))

    def _flush_partial(self) -> None:
        if self._pending:
            self._sink.append(self._pending.decode("utf-8", "replace"))
            self._pending = b""

    def _pump(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        while True:
            try:
                ready, _, _ = select.select([process.stdout], [], [], 0.2)
            except (OSError, ValueError):
                return
            if ready and not self._read(process):
                return

    def _take_output(self) -> str:
        if self.process is not None:
            self._read(self.process)  # what the runtime wrote before it answered is in the pipe already
        with self._output:
            self._flush_partial()
            text, self._sink = "".join(self._sink), []
        return text

    def kill(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the namespace goes with its init
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        if process is not None and process.stdout is not None:
            self._read(process)
            process.stdout.close()

    def close(self) -> None:
        self.kill()
        self.api.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def init(self) -> dict[str, Any] | None:
        """Start the runtime and wait for its init (the handler's import) to end: ``None``, or the init error."""
        self.kill()
        self._start()
        deadline = time.monotonic() + INIT_SECONDS
        while not self.api.polled.wait(0.01) and self.alive() and time.monotonic() < deadline:
            pass
        output = self._take_output()
        if self.api.init_error is not None:
            error: dict[str, Any] = json.loads(self.api.init_error)
            return error
        if self.api.polled.is_set():
            return None
        status = "timed out" if self.alive() else f"exited with status {self.process and self.process.poll()}"
        self.kill()
        return {"errorType": "Runtime.InitError", "errorMessage": f"the runtime {status} during init:\n{output}"}

    # --- one event ---------------------------------------------------------------------------------------------------
    def invoke(self, event: Any, request_id: str) -> InvokeResult:
        code = self.code
        cold = not self.alive() or self.api.init_error is not None
        if cold:
            self.kill()
            self._start()
        started = time.monotonic()
        invocation = self.api.submit(event, timeout=code.timeout, request_id=request_id)
        self._wait(invocation)
        duration_ms = (time.monotonic() - (invocation.received_at or started)) * 1000
        logs = f"START RequestId: {request_id} Version: $LATEST\n" + self._take_output()
        error: ErrorObject | None = None
        response: Any = None
        if invocation.outcome == "response":
            response = _decode(invocation.result)
        elif invocation.outcome in ("error", "init_error"):
            error = cast(ErrorObject, invocation.json())
        elif invocation.outcome == "timeout":
            logs += f"{_stamp()} {request_id} {_timed_out(code.timeout)}\n"
            error = timeout_error(request_id, code.timeout)
        else:
            status = self.process.returncode if self.process is not None else None
            message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
            error = {"errorType": "Runtime.ExitError", "errorMessage": message}
        polled_at = self.api.polled_at
        init = f"\tInit Duration: {(polled_at - self.started_at) * 1000:.2f} ms" if cold and polled_at else ""
        logs += (
            f"END RequestId: {request_id}\nREPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Memory Size: {code.memory_size} MB{init}\n"
        )
        return InvokeResult(response=response, error=error, logs=logs, python=self.python)

    def _wait(self, invocation: Invocation) -> None:
        """Until the runtime answers, dies, or the event runs past its timeout (the runtime is then killed)."""
        init_deadline = time.monotonic() + INIT_SECONDS + self.code.timeout
        while not invocation.wait(0.005):
            now = time.monotonic()
            received = invocation.received_at
            if (received is not None and now >= received + self.code.timeout) or (
                received is None and now >= init_deadline
            ):
                self.kill()
                invocation.finish("timeout", b"")
            elif not self.alive():
                time.sleep(0.05)  # an answer may still be in flight
                invocation.finish("exit", b"")


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _close_all(runtimes: list[_Runtime]) -> None:
    for runtime in runtimes:
        runtime.close()


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
        self._idle: dict[tuple[Any, ...], list[_Runtime]] = {}
        self._all: list[_Runtime] = []
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

    def _acquire(self, code: FunctionCode) -> _Runtime:
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
        runtime = _Runtime(code, target, client, mode, self.describe(code), opt)
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

    def _use(self, code: FunctionCode, action: Callable[[_Runtime], _T]) -> _T:
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
            threading.Thread(target=_close_all, args=(idle,), name="retire-runtimes", daemon=True).start()
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
