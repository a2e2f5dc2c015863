"""Invoke a synthesized function locally, from its built artifacts only.

``cdktf-lambda invoke api_server --event tests/events/apigw_http_v2_get_root.json``:

1. reads the synthesized stack (:mod:`.stack`) to find the function's zip, its layers, handler, runtime,
   architecture, timeout and environment variables;
2. extracts the function zip to ``<tmp>/var/task`` and the layers, in order, to ``<tmp>/opt`` (so
   ``<tmp>/opt/python`` is Lambda's ``/opt/python``);
3. runs :mod:`.bootstrap` in a clean subprocess (``python -I -S``: no site-packages, no ``PYTHON*`` variables, no
   current directory) whose ``sys.path`` is only the task root, ``opt/python/lib/pythonX.Y/site-packages``,
   ``opt/python`` and the standard library, with the function's environment plus the variables Lambda sets. A
   package missing from the zip and its layers fails with ``Runtime.ImportModuleError`` as it would on Lambda;
4. returns the handler's response (the CLI prints it as JSON on stdout); the function's own output goes to the log.

Interpreter: the runtime's version (``python3.13``) is looked up on ``PATH`` (or given with ``--python``). When it
is not available, or the machine is not the function's architecture, the handler runs on this interpreter and each
*dependency* layer (built by :class:`~cdktf_lambda.dependency_layer.DependencyLayer`, whose lock file is recorded in
the stack JSON) is rebuilt for this interpreter's version and this machine (cached) — and a note says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InvalidParameterError, SourceError
from ..packaging.layer_build import build_layer
from ..packaging.locks import read_lock
from ..packaging.target import Target, local_target
from ..paths import cache_dir, resolve
from .interpreters import find_python
from .stack import FunctionSpec, InvokeError, LayerSpec, find_function, load_stack

__all__ = ["INIT_SECONDS", "InvokeResult", "invoke", "parse_assignments", "read_event"]

#: Seconds Lambda allows for a cold start's init, on top of the function's timeout.
INIT_SECONDS = 10
BOOTSTRAP = Path(__file__).with_name("bootstrap.py")


@dataclass(frozen=True)
class InvokeResult:
    """What the handler returned (``response``) or Lambda's error object (``error``), and its output."""

    response: Any = None
    error: dict[str, Any] | None = None
    logs: str = ""
    python: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def _extract(zip_path: Path, dest: Path, what: str) -> None:
    if not zip_path.is_file():
        raise InvokeError(f"{what} zip not found: {zip_path.name!r} is not in the synth output; run `make synth`")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(dest)


def _layer_zip(layer: LayerSpec, run_target: Target, function: FunctionSpec, log: IO[str]) -> Path:
    """The zip to extract for ``layer``: the built one, or a dependency layer rebuilt for ``run_target``."""
    meta = layer.dependencies
    if meta is None or (meta.get("runtime"), meta.get("architecture")) == (run_target.runtime, run_target.architecture):
        return layer.zip_path
    lock_file = resolve(meta["lock_file"])
    if not lock_file.is_file():
        raise InvokeError(
            f"Layer {layer.name!r} was built for {meta['runtime']}/{meta['architecture']} and cannot run on "
            f"{run_target.label}; its lock file {meta['lock_file']!r} (needed to rebuild it) is not here. "
            "Run from the project directory, or pass --python with a matching interpreter."
        )
    if read_lock(lock_file).sha256 != meta.get("lock_default_sha256"):
        log.write(
            f"cdktf-lambda: note: {meta['lock_file']} changed since the synth; the local layer follows the lock now\n"
        )
    log.write(
        f"cdktf-lambda: layer {layer.name!r} is built for {meta['runtime']}/{meta['architecture']}; running "
        f"{function.function_name} on {run_target.label} with the layer rebuilt from {meta['lock_file']} for it\n"
    )
    return build_layer(lock_file, run_target, cache_dir(), log=log).path


def invoke(
    function: str,
    event: Any,
    *,
    outdir: str | os.PathLike[str] = "cdktf.out",
    stack: str | None = None,
    python: str | None = None,
    environment: Mapping[str, str] | None = None,
    timeout: int | None = None,
    log: IO[str] | None = None,
) -> InvokeResult:
    """Run ``function``'s handler on ``event`` from the synthesized artifacts (see the module docstring).

    Parameters
    ----------
    function
        ``function_name`` (``practice-dev-api-server``) or construct id (``api_server``).
    event
        The event (any JSON value).
    outdir
        The synth output directory. Default: ``"cdktf.out"``.
    stack
        Stack name. Default: the only (or first) stack.
    python
        Interpreter to run the handler with. Default: ``python<runtime version>`` if available, else this one.
    environment
        Variables added to (or replacing) the function's environment.
    timeout
        Seconds. Default: the function's timeout plus Lambda's 10 s init.
    log
        Where notes and the function's output go. Default: ``sys.stderr``.
    """
    log = log or sys.stderr
    stack_dir, stack_json = load_stack(outdir, stack)
    spec = find_function(stack_dir, stack_json, function)
    version = spec.runtime.removeprefix("python")
    found = find_python(version, python)
    if found is None:
        interpreter, run_version, run_arch = sys.executable, *_local_version_and_arch()
        log.write(
            f"cdktf-lambda: {spec.runtime} is not available here (pass --python); running {spec.function_name} "
            f"on this interpreter, python{run_version}\n"
        )
    else:
        interpreter, run_version, run_arch = found
    if run_arch != spec.architecture:
        log.write(f"cdktf-lambda: the function is {spec.architecture}; this machine is {run_arch}\n")
    run_target = Target(f"python{run_version}", run_arch)
    for reference in spec.external_layers:
        log.write(f"cdktf-lambda: layer {reference} is not built by this stack; skipped locally\n")
    for key, value in spec.environment.items():
        if "${" in value:
            log.write(f"cdktf-lambda: environment variable {key} is a Terraform reference, passed unresolved\n")

    with tempfile.TemporaryDirectory(prefix="cdktf-lambda-invoke-") as tmp:
        root = Path(tmp)
        task_root, opt = root / "var" / "task", root / "opt"
        task_root.mkdir(parents=True)
        opt.mkdir()
        _extract(spec.zip_path, task_root, f"Function {spec.function_name!r}")
        for layer in spec.layers:
            _extract(_layer_zip(layer, run_target, spec, log), opt, f"Layer {layer.name!r}")
        request_id = str(uuid.uuid4())
        limit = timeout if timeout is not None else spec.timeout + INIT_SECONDS
        log_stream_name = f"local/[$LATEST]{request_id.replace('-', '')}"
        child_spec = {
            "paths": [
                str(task_root),
                str(opt / "python" / "lib" / f"python{run_version}" / "site-packages"),
                str(opt / "python"),
            ],
            "handler": spec.handler,
            "timeout": spec.timeout,
            "function_name": spec.function_name,
            "region": spec.region,
            "memory_size": spec.memory_size,
            "request_id": request_id,
            "event_file": str(root / "event.json"),
            "result_file": str(root / "result.json"),
        }
        (root / "event.json").write_text(json.dumps(event), encoding="utf-8")
        (root / "spec.json").write_text(json.dumps(child_spec), encoding="utf-8")
        env = _lambda_environment(spec, task_root, log_stream_name, dict(environment or {}))
        try:
            completed = subprocess.run(
                [interpreter, "-I", "-S", str(BOOTSTRAP), str(root / "spec.json")],
                cwd=task_root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=limit,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
            log.write(output)
            message = f"Task timed out after {limit:.2f} seconds"
            return InvokeResult(error={"errorMessage": message, "errorType": "Sandbox.Timedout"}, logs=output)
        log.write(completed.stdout)
        log.flush()
        result_file = root / "result.json"
        if not result_file.is_file():
            message = f"Runtime exited with error: exit status {completed.returncode}"
            return InvokeResult(
                error={"errorMessage": message, "errorType": "Runtime.ExitError"},
                logs=completed.stdout,
                python=interpreter,
            )
        outcome = json.loads(result_file.read_text(encoding="utf-8"))
    return InvokeResult(
        response=outcome.get("response"), error=outcome.get("error"), logs=completed.stdout, python=interpreter
    )


def _local_version_and_arch() -> tuple[str, str]:
    local = local_target()
    return local.python_version, local.architecture


def _lambda_environment(
    spec: FunctionSpec, task_root: Path, log_stream_name: str, overrides: Mapping[str, str]
) -> dict[str, str]:
    """The function's variables plus those Lambda sets; nothing from the caller's environment but ``PATH``/``TZ``."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": spec.handler,
        **spec.environment,
        **overrides,
    }


def read_event(path: str) -> Any:
    """The event in the file ``path`` (``-``: standard input)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"Event file not found: --event {path!r} ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"--event {path!r} is not JSON: {exc}") from None


def parse_assignments(values: Sequence[str]) -> dict[str, str]:
    """``["A=1", "B=x"]`` → ``{"A": "1", "B": "x"}`` (``--env``)."""
    result = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise InvalidParameterError("--env", value, "KEY=VALUE")
        result[key] = item
    return result
