"""One execution environment of a function on its own runtime: one ``python3.X -m awslambdaric`` process in Lambda's
layout, with its own Runtime API on 127.0.0.1 (:mod:`.api`), serving one event at a time.

:class:`ExecutionEnvironment` starts the process, collects its output (a selector drains the pipe while it runs),
hands it events, and enforces the timeout. A process that runs past its timeout is killed; one that exits or is
killed mid-invocation fails that event with Lambda's ``Runtime.ExitError`` and its log lines. Either way the
environment is never reused. The pool of environments, warm between events, is :mod:`.runner`'s.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, cast

from cdktf_lambda.interpreters import TargetPython
from cdktf_lambda.runtime.api import Invocation, RuntimeAPI
from cdktf_lambda.runtime.code import (
    INIT_SECONDS,
    FunctionCode,
    InvokeResult,
    exit_error,
    exit_reason,
    extract,
    lambda_environment,
)
from cdktf_lambda.runtime.context import FAKE_ACCOUNT
from cdktf_lambda.runtime.sandbox import Isolation, Layout, runtime_command
from cdktf_lambda.runtime.types import ErrorObject

__all__ = ["ExecutionEnvironment", "close_all", "timeout_error"]


def timeout_error(request_id: str, timeout: float) -> ErrorObject:
    """What Lambda answers for an invocation that ran past its timeout."""
    return {"errorType": "Sandbox.Timedout", "errorMessage": f"RequestId: {request_id} Error: " + _timed_out(timeout)}


def _timed_out(timeout: float) -> str:
    return f"Task timed out after {timeout:.2f} seconds"


def _stamp() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


class ExecutionEnvironment:
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
        self.arn = f"arn:aws:lambda:{code.region}:{FAKE_ACCOUNT}:function:{code.function_name}"
        self.api: RuntimeAPI | None = None  # the Runtime API of the current process (each process has its own)
        self.process: subprocess.Popen[bytes] | None = None
        self.sandboxed = False  # the process is the sandbox's shell: a signal shows as status 128 + N
        self.started_at = 0.0
        self.busy = threading.Lock()  # one event in flight
        self._output = threading.Lock()
        self._sink: list[str] = []
        self._pending = b""

    # --- the process -------------------------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _start(self) -> RuntimeAPI:
        """Start a fresh runtime process, with a Runtime API of its own (the previous process is killed, its API
        stopped: nothing it left behind can take the new process's events)."""
        self.kill()
        if self.api is not None:
            self.api.stop()
        self.api = RuntimeAPI(self.arn).start()
        stream_id = uuid.uuid4().hex
        env = lambda_environment(self.code, "", request_id=stream_id, api=self.api.address)
        env.pop("LAMBDA_TASK_ROOT")
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = time.strftime("%Y/%m/%d/") + f"[$LATEST]{stream_id}"
        command = runtime_command(self.target, self.layout, self.code.handler, env, self.mode)
        self.sandboxed = command.sandboxed
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
        return self.api

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
        """Drain the runtime's output as it comes (a full pipe would block the handler). A selector, not
        ``select.select``, which fails for a descriptor above 1024: the local cloud's process holds many."""
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            try:
                selector.register(process.stdout, selectors.EVENT_READ)
            except (OSError, ValueError):
                return
            while True:
                try:
                    ready = selector.select(0.2)
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
        if self.api is not None:
            self.api.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def init(self) -> dict[str, Any] | None:
        """Start the runtime and wait for its init (the handler's import) to end: ``None``, or the init error."""
        api = self._start()
        deadline = time.monotonic() + INIT_SECONDS
        while not api.polled.wait(0.01) and self.alive() and time.monotonic() < deadline:
            pass
        output = self._take_output()
        if api.init_error is not None:
            error: dict[str, Any] = json.loads(api.init_error)
            return error
        if api.polled.is_set():
            return None
        status = "timed out" if self.alive() else f"exited with status {self.process and self.process.poll()}"
        self.kill()
        return {"errorType": "Runtime.InitError", "errorMessage": f"the runtime {status} during init:\n{output}"}

    # --- one event ---------------------------------------------------------------------------------------------------
    def invoke(self, event: Any, request_id: str) -> InvokeResult:
        code = self.code
        api = self.api if self.api is not None and self.api.init_error is None and self.alive() else None
        cold = api is None
        if api is None:
            api = self._start()
        started = time.monotonic()
        invocation = self._run(api, event, request_id)
        if invocation.outcome == "exit" and invocation.received_at is None and not cold:
            # The warm runtime had died while idle (killed, say) and never took the event: a fresh one takes it.
            cold, api, started = True, self._start(), time.monotonic()
            invocation = self._run(api, event, request_id)
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
            reason = exit_reason(self.process.returncode if self.process else None, shell=self.sandboxed)
            error = exit_error(request_id, reason)
            logs += f"{error['errorMessage']}\n{error['errorType']}\n"
        polled_at = api.polled_at
        init = f"\tInit Duration: {(polled_at - self.started_at) * 1000:.2f} ms" if cold and polled_at else ""
        logs += (
            f"END RequestId: {request_id}\nREPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Memory Size: {code.memory_size} MB{init}\n"
        )
        return InvokeResult(response=response, error=error, logs=logs, python=self.python)

    def _run(self, api: RuntimeAPI, event: Any, request_id: str) -> Invocation:
        invocation = api.submit(event, timeout=self.code.timeout, request_id=request_id)
        self._wait(invocation)
        return invocation

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
            elif not self.alive() and not invocation.wait(0.05):  # an answer may still be in flight
                invocation.finish("exit", b"")


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def close_all(runtimes: list[ExecutionEnvironment]) -> None:
    for runtime in runtimes:
        runtime.close()
