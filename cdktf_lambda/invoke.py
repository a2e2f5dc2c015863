"""Invoke a synthesized function locally, from its built artifacts only.

``python -m cdktf_lambda invoke api_server --event tests/events/apigw_http_v2_get_root.json``:

1. reads the synthesized stack (``cdktf.out/stacks/<stack>/cdk.tf.json``) to find the function's zip, its layers
   (``${aws_lambda_layer_version.<id>.arn}`` → that resource's zip), handler, runtime, architecture, timeout and
   environment variables;
2. extracts the function zip to ``<tmp>/var/task`` and the layers, in order, to ``<tmp>/opt`` (so
   ``<tmp>/opt/python`` is Lambda's ``/opt/python``);
3. runs the handler in a clean subprocess (``python -I -S``: no site-packages, no ``PYTHON*`` variables, no
   current directory) whose ``sys.path`` is only the task root, ``opt/python/lib/pythonX.Y/site-packages``,
   ``opt/python`` and the standard library, with the function's environment plus the variables Lambda sets. A
   package missing from the zip and its layers fails with ``Runtime.ImportModuleError`` as it would on Lambda;
4. prints the handler's JSON response on stdout; the function's own output goes to stderr.

Interpreter: the runtime's version (``python3.13``) is looked up on ``PATH`` (or given with ``--python``). When it
is not available, or the machine is not the function's architecture, the handler runs on this interpreter and each
*dependency* layer (built by :class:`~cdktf_lambda.dependency_layer.DependencyLayer`, whose lock file is recorded in
the stack JSON) is rebuilt for this interpreter's version and this machine (cached) — and a note says so on stderr.

The context object has the attributes of Lambda's; the Lambda Runtime API is not emulated (no ``awslambdaric``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import CdktfLambdaError, InvalidParameterError, SourceError
from .layer_build import METADATA_KEY, Target, build_layer, local_target, read_lock
from .paths import cache_dir, resolve

__all__ = [
    "FunctionSpec",
    "InvokeError",
    "InvokeResult",
    "LayerSpec",
    "find_function",
    "find_python",
    "invoke",
    "load_stack",
]

#: Seconds Lambda allows for a cold start's init, on top of the function's timeout.
INIT_SECONDS = 10
_LAYER_REF = re.compile(r"^\$\{aws_lambda_layer_version\.([A-Za-z0-9_-]+)\.arn\}$")
_FAKE_ACCOUNT = "123456789012"

#: Runs in the child, with only the standard library importable until it extends ``sys.path``.
_BOOTSTRAP = r"""
import importlib, json, sys, time, traceback
spec = json.load(open(sys.argv[1], encoding="utf-8"))
sys.path[:0] = spec["paths"]
deadline = time.monotonic() + spec["timeout"]


class LambdaContext:
    function_name = spec["function_name"]
    function_version = "$LATEST"
    invoked_function_arn = spec["function_arn"]
    memory_limit_in_mb = spec["memory_size"]
    aws_request_id = spec["request_id"]
    log_group_name = spec["log_group_name"]
    log_stream_name = spec["log_stream_name"]
    identity = None
    client_context = None

    @staticmethod
    def get_remaining_time_in_millis():
        return max(0, int((deadline - time.monotonic()) * 1000))


def fail(error_type, message, exc):
    user_frames = exc.__traceback__.tb_next  # without this bootstrap's own frame, as Lambda's runtime does
    stack = traceback.format_exception(type(exc), exc, user_frames)
    sys.stderr.write(f"[ERROR] {error_type}: {message}\n" + "".join(stack))
    sys.stderr.flush()
    return {"errorMessage": message, "errorType": error_type, "requestId": spec["request_id"],
            "stackTrace": traceback.format_list(traceback.extract_tb(user_frames))}


module_name, _, function_name = spec["handler"].rpartition(".")
module_name = module_name.replace("/", ".")
outcome = None
try:
    module = importlib.import_module(module_name)
except ImportError as exc:
    outcome = {"error": fail("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}", exc)}
except SyntaxError as exc:
    outcome = {"error": fail("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}", exc)}
except Exception as exc:
    outcome = {"error": fail(type(exc).__name__, str(exc), exc)}
if outcome is None:
    handler = getattr(module, function_name, None)
    if not callable(handler):
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        outcome = {"error": {"errorMessage": message, "errorType": "Runtime.HandlerNotFound"}}
        sys.stderr.write(f"[ERROR] Runtime.HandlerNotFound: {message}\n")
if outcome is None:
    event = json.load(open(spec["event_file"], encoding="utf-8"))
    try:
        response = handler(event, LambdaContext())
        json.dumps(response)
        outcome = {"response": response}
    except Exception as exc:
        outcome = {"error": fail(type(exc).__name__, str(exc), exc)}
sys.stdout.flush()
sys.stderr.flush()
with open(spec["result_file"], "w", encoding="utf-8") as handle:
    json.dump(outcome, handle)
"""


class InvokeError(CdktfLambdaError):
    """The function cannot be invoked locally: no synth output, unknown function, missing zip, no interpreter."""


@dataclass(frozen=True)
class LayerSpec:
    """A layer the function attaches, as found in the stack JSON."""

    logical_id: str
    name: str
    zip_path: Path
    #: The :class:`DependencyLayer` build description, when the layer is one (it can be rebuilt for another target).
    dependencies: Mapping[str, str] | None = None


@dataclass(frozen=True)
class FunctionSpec:
    """A function as found in the stack JSON, with absolute paths to its artifacts."""

    logical_id: str
    short_name: str
    function_name: str
    handler: str
    runtime: str
    architecture: str
    timeout: int
    memory_size: int
    region: str
    zip_path: Path
    layers: tuple[LayerSpec, ...]
    environment: Mapping[str, str] = field(default_factory=dict)
    #: Layer ARNs not built by this stack (skipped locally).
    external_layers: tuple[str, ...] = ()


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


def load_stack(outdir: str | os.PathLike[str] = "cdktf.out", stack: str | None = None) -> tuple[Path, dict[str, Any]]:
    """The stack directory and its Terraform JSON. ``stack`` defaults to the only (or first, by name) stack."""
    stacks_dir = resolve(outdir) / "stacks"
    names = sorted(p.name for p in stacks_dir.iterdir() if (p / "cdk.tf.json").is_file()) if stacks_dir.is_dir() else []
    if not names:
        raise InvokeError(f"No synthesized stack under {str(outdir)!r}: run `make synth` (or `cdktf synth`) first")
    if stack is None:
        stack = names[0]
    elif stack not in names:
        raise InvalidParameterError("--stack", stack, "one of " + ", ".join(names))
    stack_dir = stacks_dir / stack
    return stack_dir, json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))


def _construct_id(resource: Mapping[str, Any]) -> str | None:
    """``api_server`` for a function whose construct path is ``practice-dev/api_server/function``."""
    path = resource.get("//", {}).get("metadata", {}).get("path", "")
    parts = path.split("/")
    return parts[-2] if len(parts) >= 3 else None


def find_function(stack_dir: Path, stack_json: Mapping[str, Any], name: str) -> FunctionSpec:
    """The function named ``name``: its ``function_name``, its construct id (``api_server``) or its logical id."""
    resources = stack_json.get("resource", {})
    functions = resources.get("aws_lambda_function", {})
    matches = [
        (logical_id, resource)
        for logical_id, resource in functions.items()
        if name in (resource.get("function_name"), _construct_id(resource), logical_id)
    ]
    if len(matches) != 1:
        known = sorted(f"{_construct_id(r) or i} ({r.get('function_name')})" for i, r in functions.items())
        raise InvalidParameterError(
            "function", name, "a function of the stack, by name or construct id: " + (", ".join(known) or "none")
        )
    logical_id, resource = matches[0]
    if not resource.get("filename"):
        raise InvokeError(f"Function {name!r} has no local zip (filename) in the stack JSON; it cannot run locally")
    layer_resources = resources.get("aws_lambda_layer_version", {})
    layers: list[LayerSpec] = []
    external: list[str] = []
    for reference in resource.get("layers") or []:
        match = _LAYER_REF.match(reference)
        layer = layer_resources.get(match.group(1)) if match else None
        if layer is None or not layer.get("filename"):
            external.append(reference)
            continue
        layers.append(
            LayerSpec(
                logical_id=match.group(1),
                name=layer.get("layer_name", match.group(1)),
                zip_path=stack_dir / layer["filename"],
                dependencies=layer.get("//", {}).get(METADATA_KEY),
            )
        )
    providers = stack_json.get("provider", {}).get("aws") or [{}]
    region = providers[0].get("region", "us-east-1") if isinstance(providers[0].get("region"), str) else "us-east-1"
    return FunctionSpec(
        logical_id=logical_id,
        short_name=_construct_id(resource) or logical_id,
        function_name=resource.get("function_name", logical_id),
        handler=resource.get("handler", "lambda_function.lambda_handler"),
        runtime=resource.get("runtime", "python3.13"),
        architecture=(resource.get("architectures") or ["x86_64"])[0],
        timeout=int(resource.get("timeout", 3)),
        memory_size=int(resource.get("memory_size", 128)),
        region=region,
        zip_path=stack_dir / resource["filename"],
        layers=tuple(layers),
        environment=dict((resource.get("environment") or {}).get("variables") or {}),
        external_layers=tuple(external),
    )


def _probe(python: str) -> tuple[str, str] | None:
    """``("3.13", "x86_64")`` for a working interpreter, else ``None``."""
    code = "import platform, sys; print('%d.%d' % sys.version_info[:2], platform.machine())"
    try:
        result = subprocess.run([python, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0 or len(result.stdout.split()) != 2:
        return None
    version, machine = result.stdout.split()
    return version, {"aarch64": "arm64", "amd64": "x86_64"}.get(machine.lower(), machine.lower())


def find_python(version: str, explicit: str | None = None) -> tuple[str, str, str] | None:
    """An interpreter for ``version`` (``"3.13"``): ``(path, version, architecture)``.

    ``explicit`` (``--python``) is used whatever its version. Otherwise this interpreter when it is that version,
    else ``python3.13`` on ``PATH`` if it runs; ``None`` when there is none.
    """
    if explicit:
        found = shutil.which(explicit) or explicit
        probed = _probe(found)
        if probed is None:
            raise InvalidParameterError("--python", explicit, "a Python interpreter that runs")
        return found, *probed
    local = local_target()
    if local.python_version == version:
        return sys.executable, version, local.architecture
    candidate = shutil.which(f"python{version}")
    if candidate:
        probed = _probe(candidate)
        if probed is not None and probed[0] == version:
            return candidate, *probed
    return None


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
        child_spec = {
            "paths": [
                str(task_root),
                str(opt / "python" / "lib" / f"python{run_version}" / "site-packages"),
                str(opt / "python"),
            ],
            "handler": spec.handler,
            "timeout": spec.timeout,
            "function_name": spec.function_name,
            "function_arn": f"arn:aws:lambda:{spec.region}:{_FAKE_ACCOUNT}:function:{spec.function_name}",
            "memory_size": spec.memory_size,
            "request_id": request_id,
            "log_group_name": f"/aws/lambda/{spec.function_name}",
            "log_stream_name": f"local/[$LATEST]{request_id.replace('-', '')}",
            "event_file": str(root / "event.json"),
            "result_file": str(root / "result.json"),
        }
        (root / "event.json").write_text(json.dumps(event), encoding="utf-8")
        (root / "spec.json").write_text(json.dumps(child_spec), encoding="utf-8")
        env = _lambda_environment(spec, task_root, child_spec, dict(environment or {}))
        try:
            completed = subprocess.run(
                [interpreter, "-I", "-S", "-c", _BOOTSTRAP, str(root / "spec.json")],
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
    spec: FunctionSpec, task_root: Path, child_spec: Mapping[str, Any], overrides: Mapping[str, str]
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
        "AWS_LAMBDA_LOG_GROUP_NAME": str(child_spec["log_group_name"]),
        "AWS_LAMBDA_LOG_STREAM_NAME": str(child_spec["log_stream_name"]),
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
