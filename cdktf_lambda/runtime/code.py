"""What every way of running a function shares: the function as deployed (:class:`FunctionCode`), what a run
answers (:class:`InvokeResult`), the :class:`Runner` protocol, and the environment Lambda gives a function.

Every local way of running a function goes through a :class:`Runner`: ``cdktf-lambda invoke`` (one event) and the
local cloud (events from moto's ``Invoke``, SQS, schedules and HTTP APIs). A runner may keep a started runtime
between events of the same code (warm invocations) until :meth:`Runner.close`. The runners are
:class:`~cdktf_lambda.runtime.runner.RuntimeRunner` (the function's own runtime) and
:class:`~cdktf_lambda.runtime.host.HostRunner` (an interpreter of this machine); which one runs a function is decided
in one place, :mod:`cdktf_lambda.runtime.selection`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cdktf_lambda.errors import InvokeError
from cdktf_lambda.runtime.types import ErrorObject

__all__ = [
    "INIT_SECONDS",
    "FunctionCode",
    "InvokeResult",
    "Runner",
    "check_exists",
    "exit_error",
    "exit_reason",
    "extract",
    "lambda_environment",
]

#: Seconds Lambda allows for a cold start's init, on top of the function's timeout.
INIT_SECONDS = 10
#: How Lambda names the signal that ended a runtime (Go's names: ``signal: killed``, ``signal: segmentation fault``).
_SIGNALS = {
    1: "hangup", 2: "interrupt", 3: "quit", 4: "illegal instruction", 5: "trace/breakpoint trap", 6: "aborted",
    7: "bus error", 8: "floating point exception", 9: "killed", 10: "user defined signal 1",
    11: "segmentation fault", 12: "user defined signal 2", 13: "broken pipe", 14: "alarm clock", 15: "terminated",
}  # fmt: skip


@dataclass(frozen=True)
class FunctionCode:
    """One function as deployed: its artifacts (local zips) and configuration."""

    function_name: str
    handler: str
    runtime: str
    code_zip: Path
    layer_zips: tuple[Path, ...] = ()
    architecture: str = "x86_64"
    timeout: int = 3
    memory_size: int = 128
    environment: Mapping[str, str] = field(default_factory=dict)
    region: str = "us-east-1"


@dataclass(frozen=True)
class InvokeResult:
    """What the handler returned (``response``) or Lambda's error object (``error``), and its output."""

    response: Any = None
    error: ErrorObject | None = None
    logs: str = ""
    python: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


class Runner(Protocol):
    """Runs events through a function's code; the function's own output is in :attr:`InvokeResult.logs`."""

    def invoke(self, code: FunctionCode, event: Any, *, request_id: str | None = None) -> InvokeResult: ...

    def close(self) -> None: ...


def exit_reason(returncode: int | None, *, shell: bool = False) -> str:
    """How Lambda words the end of a runtime process: ``signal: killed`` (SIGKILL: the out-of-memory killer, a
    ``kill -9``), ``exit status 3``. ``shell``: the status comes from a shell that ran the runtime, which reports
    a signal N as status 128 + N."""
    if returncode is None:
        return "exit status unknown"
    signal = -returncode if returncode < 0 else returncode - 128 if shell and 128 < returncode < 160 else None
    if signal is None:
        return f"exit status {returncode}"
    return f"signal: {_SIGNALS.get(signal, f'signal {signal}')}"


def exit_error(request_id: str, reason: str) -> ErrorObject:
    """What Lambda answers for an invocation whose runtime exited or was killed (``reason``: :func:`exit_reason`)."""
    return {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {reason}",
    }


def lambda_environment(
    code: FunctionCode, task_root: str, *, request_id: str, api: str | None = None
) -> dict[str, str]:
    """The function's variables plus those Lambda sets (nothing from the caller's environment)."""
    stream = f"local/[$LATEST]{request_id.replace('-', '')}"
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": code.region,
        "AWS_DEFAULT_REGION": code.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{code.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": code.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(code.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{code.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "LAMBDA_TASK_ROOT": task_root,
        "_HANDLER": code.handler,
    }
    if api is not None:
        env["AWS_LAMBDA_RUNTIME_API"] = api
    return {**env, **code.environment}


def extract(zip_path: Path, dest: Path, what: str) -> None:
    """Unpack ``zip_path`` into ``dest`` (later archives over earlier ones, as Lambda stacks layers)."""
    check_exists(zip_path, what)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(dest)


def check_exists(zip_path: Path, what: str) -> None:
    if not zip_path.is_file():
        raise InvokeError(f"{what} zip not found: {zip_path.name!r} is not in the synth output; run `cdktf synth`")
