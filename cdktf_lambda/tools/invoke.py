"""Invoke a synthesized function locally, from its built artifacts only.

``cdktf-lambda invoke api_server --event tests/events/apigw_http_v2_get_root.json``:

1. reads the synthesized stack (:mod:`.stack`) to find the function's zip, its layers, handler, runtime,
   architecture, timeout and environment variables;
2. runs them through a :class:`~cdktf_lambda.runtime.code.Runner` (see :mod:`.runner`): the function zip at a task
   root, its layers in order under ``opt``, nothing else importable but the standard library and what the Lambda
   runtime provides (boto3, after the layers), so a package missing from the zip and its layers fails with
   ``Runtime.ImportModuleError`` as it would on Lambda;
3. returns the handler's response (the CLI prints it as JSON on stdout) and the function's own output (the CLI
   prints it on stderr).

Interpreter: by default the function's own runtime (:mod:`.runtime`): CPython of its version (a ``python3.X`` on
``PATH``, else provisioned once into the runtime cache) with AWS's runtime client, in Lambda's layout, running the
artifacts exactly as synthesized; a note says which interpreter and where. When that runtime cannot be had here
(one note says why), or with ``prefer="host"`` (``--host``) or ``python`` (``--python``), the host fallback runs:
the handler on ``python`` or this interpreter through :mod:`.bootstrap`, and each *dependency* layer (built by
:class:`~cdktf_lambda.code.dependency_layer.DependencyLayer`, whose lock file is recorded in the stack JSON) rebuilt for
that interpreter's version and this machine (cached), with a note. Notes are records of the ``cdktf_lambda.tools``
logger (:mod:`cdktf_lambda.logs`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.interpreters.python import find_python
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.layer_build import build_layer
from cdktf_lambda.packaging.locks import read_lock
from cdktf_lambda.packaging.target import Target, local_target
from cdktf_lambda.paths import cache_dir, resolve
from cdktf_lambda.runtime.code import FunctionCode, InvokeResult
from cdktf_lambda.runtime.host import HostRunner
from cdktf_lambda.runtime.provided import runtime_packages_dir
from cdktf_lambda.runtime.runner import RuntimeRunner
from cdktf_lambda.runtime.selection import Runners
from cdktf_lambda.tools.synthesized import FunctionSpec, InvokeError, LayerSpec, find_function, load_stack

__all__ = ["InvokeResult", "LocalInvoker", "function_code", "invoke", "parse_assignments", "read_event"]

log = room_logger(__name__)


def _layer_zip(layer: LayerSpec, run_target: Target, function: FunctionSpec) -> Path:
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
    categories, groups, extras = meta.get("categories"), meta.get("groups"), meta.get("extras")
    lock = read_lock(
        lock_file, lock_format=meta.get("lock_format"), categories=categories, groups=groups, extras=extras
    )
    if lock.sha256 != meta.get("lock_sha256"):
        log.warning("%s changed since the synth; the local layer follows the lock now", meta["lock_file"])
    log.info(
        "layer %r is built for %s/%s; running %s on %s with the layer rebuilt from %s for it",
        layer.name,
        meta["runtime"],
        meta["architecture"],
        function.function_name,
        run_target.label,
        meta["lock_file"],
    )
    # The lock may have been resolved for the layer's Python, not this one: an approximation, said above.
    return build_layer(
        lock_file,
        run_target,
        cache_dir(),
        lock_format=lock.format,
        categories=categories,
        groups=groups,
        extras=extras,
        exclude=meta.get("exclude"),
        check_python=False,
    ).path


class LocalInvoker:
    """Runs the functions of one synthesized stack (see the module docstring), keeping every runtime it started
    warm until :meth:`close`: a second event to the same function skips the cold start.

    Parameters
    ----------
    outdir
        The synth output directory. Default: ``"cdktf.out"``.
    stack
        Stack name. Default: the only (or first) stack.
    python
        Host fallback: the interpreter to run handlers with. Default: ``python<runtime version>`` if available,
        else this one.
    prefer
        ``"target"`` (default): each function's own runtime when it can be had here; ``"host"``: the host fallback.

    Notes go to the ``cdktf_lambda.tools`` logger; each invocation's own output is in its result's ``logs``.
    """

    def __init__(
        self,
        outdir: str | os.PathLike[str] = "cdktf.out",
        stack: str | None = None,
        *,
        python: str | None = None,
        prefer: Literal["target", "host"] = "target",
    ) -> None:
        self.stack_dir, self.stack_json = load_stack(outdir, stack)
        self._python = python
        self._own_runtime = prefer == "target" and python is None
        self._spec: FunctionSpec | None = None  # the function the host fallback's runner is made for (its notes)
        self._runners = Runners(self._host, prefer="target" if self._own_runtime else "host")

    def function(self, function: str) -> FunctionSpec:
        """The function named ``function`` (``function_name``, construct id or logical id) in the stack."""
        return find_function(self.stack_dir, self.stack_json, function)

    def _host(self, runtime: str) -> tuple[HostRunner, Target]:
        assert self._spec is not None
        return _host_runner(self._spec, self._python)

    def invoke(
        self,
        function: str,
        event: Any,
        *,
        environment: Mapping[str, str] | None = None,
        timeout: int | None = None,
    ) -> InvokeResult:
        """Run ``function``'s handler on ``event``.

        Parameters
        ----------
        function
            ``function_name`` (``practice-dev-api-server``) or construct id (``api_server``).
        event
            The event (any JSON value).
        environment
            Variables added to (or replacing) the function's environment.
        timeout
            Seconds. Default: the function's timeout (host fallback: plus Lambda's 10 s init, as a cold start has).
        """
        spec = self.function(function)
        for reference in spec.external_layers:
            log.info("layer %s is not built by this stack; skipped locally", reference)
        for key, value in spec.environment.items():
            if "${" in value:
                log.info("environment variable %s is a Terraform reference, passed unresolved", key)
        code = function_code(spec, environment, timeout)
        self._spec = spec
        choice = self._runners.choose(spec.runtime, spec.architecture)
        if isinstance(choice.runner, RuntimeRunner):
            log.info("running %s on %s", spec.function_name, choice.runner.describe(code))
        else:
            layers = tuple(_layer_zip(layer, choice.target, spec) for layer in spec.layers)
            code = dataclasses.replace(code, layer_zips=layers)
        return choice.runner.invoke(code, event)

    def close(self) -> None:
        """Stop every runtime started (later invocations start afresh)."""
        self._runners.close()

    def __enter__(self) -> LocalInvoker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def invoke(
    function: str,
    event: Any,
    *,
    outdir: str | os.PathLike[str] = "cdktf.out",
    stack: str | None = None,
    python: str | None = None,
    environment: Mapping[str, str] | None = None,
    timeout: int | None = None,
    prefer: Literal["target", "host"] = "target",
) -> InvokeResult:
    """Run ``function``'s handler on ``event`` from the synthesized artifacts, once (see :class:`LocalInvoker`,
    which keeps runtimes warm between events, for the parameters)."""
    with LocalInvoker(outdir, stack, python=python, prefer=prefer) as invoker:
        return invoker.invoke(function, event, environment=environment, timeout=timeout)


def function_code(
    spec: FunctionSpec, environment: Mapping[str, str] | None = None, timeout: int | None = None
) -> FunctionCode:
    """What a runner runs for ``spec``: its artifacts as synthesized and its configuration."""
    return FunctionCode(
        function_name=spec.function_name,
        handler=spec.handler,
        runtime=spec.runtime,
        code_zip=spec.zip_path,
        layer_zips=tuple(layer.zip_path for layer in spec.layers),
        architecture=spec.architecture,
        timeout=timeout or spec.timeout,
        memory_size=spec.memory_size,
        environment={**spec.environment, **(environment or {})},
        region=spec.region,
    )


def _host_runner(spec: FunctionSpec, python: str | None) -> tuple[HostRunner, Target]:
    """The host fallback: an interpreter of this machine (``python``, else the runtime's version, else this one)."""
    version = spec.runtime.removeprefix("python")
    found = find_python(version, python)
    if found is None:
        interpreter, run_version, run_arch = sys.executable, *_local_version_and_arch()
        log.info(
            "%s is not available here (pass --python); running %s on this interpreter, python%s",
            spec.runtime,
            spec.function_name,
            run_version,
        )
    else:
        interpreter, run_version, run_arch = found
    if run_arch != spec.architecture:
        log.info("the function is %s; this machine is %s", spec.architecture, run_arch)
    runtime = (runtime_packages_dir(cache_dir()),)  # boto3, as Lambda's Python runtimes provide it
    runner = HostRunner(interpreter, run_version, runtime_packages=runtime)
    return runner, Target(f"python{run_version}", run_arch)


def _local_version_and_arch() -> tuple[str, str]:
    local = local_target()
    return local.python_version, local.architecture


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
