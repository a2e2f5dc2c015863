"""Every invocation of the local cloud runs here: :func:`invoke_function`, with no Docker.

The ``Invoke`` API (:mod:`.invoke_api`), the SQS pollers (:mod:`.esm`), the HTTP fronts (:mod:`.http`), schedules
(:mod:`.clock`) and asynchronous retries (:mod:`.asynchronous`) all call :func:`invoke_function`. It takes the
function as moto stores it (zip, layers in order, handler, runtime, environment, timeout, memory), runs it through
the runner :mod:`cdktf_lambda.runtime.selection` picks, and writes the output framed by ``START``/``END``/``REPORT``
lines to the function's CloudWatch log group in moto. The function reaches AWS through the moto server: its
environment gets ``AWS_ENDPOINT_URL`` and test credentials (never real ones). At most ``concurrency`` functions run
at once; more invocations wait for a slot.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cdktf_lambda.emulator.cloud.artifacts import Artifacts
from cdktf_lambda.emulator.cloud.config import CloudConfig
from cdktf_lambda.emulator.cloud.iam.services import environment_credentials, may_log
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.target import Target, local_target
from cdktf_lambda.paths import cache_dir
from cdktf_lambda.runtime.code import InvokeResult
from cdktf_lambda.runtime.host import HostRunner
from cdktf_lambda.runtime.provided import runtime_packages_dir
from cdktf_lambda.runtime.selection import RunnerChoice, Runners
from cdktf_lambda.runtime.types import ErrorObject

__all__ = [
    "Engine",
    "Invocation",
    "configure",
    "engine",
    "function_environment",
    "invoke_function",
    "iso_timestamp",
]

log = room_logger(__name__)

#: Credentials a function gets in the local cloud (moto accepts anything; they are not secrets).
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test"}


class Throttled(Exception):
    """The function may not run now (reserved concurrency 0)."""


@dataclass(frozen=True)
class Invocation:
    """One run of a function: what Lambda would answer, and the log it wrote."""

    request_id: str
    payload: bytes
    function_error: str | None
    log_text: str
    version: str
    duration_ms: float

    @property
    def response(self) -> Any:
        """The payload as JSON (the handler's return value, or the error object)."""
        return json.loads(self.payload) if self.payload else None


class Engine:
    """The local cloud's shared parts: configuration, deployed artifacts, run slots and counters."""

    def __init__(self, config: CloudConfig) -> None:
        self.config = config
        self.artifacts = Artifacts(config.cache, config.synth_dirs)
        self.runners = Runners(self._host_runner, prefer=config.runner)
        self.slots = threading.BoundedSemaphore(config.concurrency)
        self.counts: Counter[str] = Counter()
        self._reserved: dict[str, tuple[int, threading.BoundedSemaphore]] = {}
        self._lock = threading.Lock()

    def reserved_slots(self, fn: Any) -> threading.BoundedSemaphore | None:
        """The function's own slots when it has reserved concurrency (raises :class:`Throttled` for 0)."""
        if fn.reserved_concurrency is None:
            return None
        reserved = int(fn.reserved_concurrency)
        if reserved <= 0:
            raise Throttled(fn.function_name)
        with self._lock:
            known = self._reserved.get(fn.function_arn)
            if known is None or known[0] != reserved:
                known = self._reserved[fn.function_arn] = (reserved, threading.BoundedSemaphore(reserved))
        return known[1]

    def _host_runner(self, runtime: str) -> tuple[HostRunner, Target]:
        """The host fallback: this interpreter, each zip unpacked once, boto3 as the Lambda runtime provides it."""
        local = local_target()
        runner = HostRunner(
            sys.executable,
            local.python_version,
            runtime_packages=(runtime_packages_dir(cache_dir()),),
            unpack_cache=self.config.cache / "unpacked",
        )
        return runner, local

    def runner_for(self, fn: Any) -> RunnerChoice:
        """The runner of a moto function (:mod:`cdktf_lambda.runtime.selection` decides)."""
        return self.runners.choose(fn.run_time or "python3.13", (fn.architectures or ["x86_64"])[0])

    def count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1


_ENGINE: Engine | None = None


def configure(config: CloudConfig) -> Engine:
    """Set up the engine of this process (the moto server's)."""
    global _ENGINE
    _ENGINE = Engine(config)
    return _ENGINE


def engine() -> Engine:
    if _ENGINE is None:
        raise RuntimeError("the local cloud is not installed in this process (cdktf_lambda.emulator.cloud.install)")
    return _ENGINE


def function_environment(fn: Any, endpoint_url: str) -> dict[str, str]:
    """The function's variables, plus the moto endpoint and credentials (they win: nothing reaches AWS): a session
    of the function's role when IAM is enforced (:mod:`.iam`), else the test credentials."""
    env = {str(key): str(value) for key, value in (fn.environment_vars or {}).items()}
    env.update(environment_credentials(fn, TEST_CREDENTIALS))
    env["AWS_ENDPOINT_URL"] = endpoint_url
    return env


def _log_group(fn: Any) -> str:
    config = getattr(fn, "logging_config", None)
    if isinstance(config, dict) and config.get("LogGroup"):
        return str(config["LogGroup"])
    return str(fn.logs_group_name)


def _run(fn: Any, event: Any, request_id: str, on_start: Callable[[], None] | None) -> InvokeResult:
    eng = engine()
    try:
        choice = eng.runner_for(fn)
        code = eng.artifacts.function_code(fn, choice.target, function_environment(fn, eng.config.endpoint_url))
        reserved = eng.reserved_slots(fn)
        with eng.slots, reserved or contextlib.nullcontext():
            if on_start is not None:
                on_start()
            return choice.runner.invoke(code, event, request_id=request_id)
    except Throttled:
        raise
    except Exception as exc:  # a problem of the local cloud looks like a failed invocation, not an HTTP 500
        error: ErrorObject = {"errorMessage": f"local cloud: {exc}", "errorType": "Runtime.LocalRunnerError"}
        return InvokeResult(error=error, logs=traceback.format_exc())


def invoke_function(
    fn: Any, payload: bytes, *, request_id: str | None = None, on_start: Callable[[], None] | None = None
) -> Invocation:
    """Run ``fn`` (a moto ``LambdaFunction``) once on ``payload`` (JSON bytes; empty means ``{}``).

    ``on_start`` is called when the function gets its run slot, i.e. when it starts (time spent waiting for a
    slot is the local cloud's, not the function's: Lambda would have run it at once).

    Raises
    ------
    Throttled
        The function's reserved concurrency is 0.
    """
    request_id = request_id or str(uuid.uuid4())
    event = json.loads(payload) if payload.strip() else {}
    started = time.monotonic()
    result = _run(fn, event, request_id, on_start)
    duration = (time.monotonic() - started) * 1000
    version = str(fn.version)
    if result.error is None:
        body, function_error = json.dumps(result.response).encode(), None
    else:
        body, function_error = json.dumps(result.error).encode(), "Unhandled"
    output = result.logs if not result.logs or result.logs.endswith("\n") else result.logs + "\n"
    if output.startswith("START RequestId: "):
        # The function's own runtime frames its log as Lambda does (START, END, REPORT with the init duration).
        log_text = output
    else:
        if result.error is not None and result.error.get("errorType") == "Sandbox.Timedout":
            output += f"{iso_timestamp()} {request_id} {result.error.get('errorMessage', 'Task timed out')}\n"
        log_text = (
            f"START RequestId: {request_id} Version: {version}\n{output}END RequestId: {request_id}\n"
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: {math.ceil(duration)} ms"
            f"\tMemory Size: {fn.memory_size} MB\n"
        )
    write_logs(fn, log_text)
    eng = engine()
    eng.count("invocations")
    if function_error:
        eng.count("errors")
    return Invocation(request_id, body, function_error, log_text, version, duration)


def iso_timestamp() -> str:
    """Now, as Lambda writes times: ``2024-03-01T12:00:00.123Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def write_logs(fn: Any, text: str) -> None:
    """``text`` as events of a new stream ``YYYY/MM/DD/[version]<id>`` of the function's log group in moto (none
    when the function's role may not write it, as on AWS)."""
    from moto.core.utils import unix_time_millis
    from moto.logs.models import logs_backends

    logs = logs_backends[fn.account_id][fn.region]
    group = _log_group(fn)
    stream = f"{datetime.now(UTC):%Y/%m/%d}/[{fn.version}]{uuid.uuid4().hex}"
    if not may_log(fn, group, stream, group_exists=group in logs.groups):
        return
    try:
        logs.ensure_log_group(group)
        logs.ensure_log_stream(group, stream)
        now = int(unix_time_millis())
        logs.put_log_events(group, stream, [{"timestamp": now, "message": line} for line in text.splitlines()])
    except Exception as exc:  # logging must never fail the invocation
        log.error("could not write the log of %s: %r", fn.function_name, exc)
