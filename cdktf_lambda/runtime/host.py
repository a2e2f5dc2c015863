"""The host runner: a function's built artifacts run on an interpreter of this machine, a fresh process per event.

It extracts the function zip to ``<tmp>/var/task`` and the layers, in order, to ``<tmp>/opt``, and runs
:mod:`.bootstrap` in a clean subprocess (``python -I -S``: no site-packages, no ``PYTHON*`` variables, no current
directory) whose ``sys.path`` is only the task root, ``opt/python/lib/pythonX.Y/site-packages``, ``opt/python`` and
the standard library, with the function's environment plus the variables Lambda sets: a package missing from the
zip and its layers fails with ``Runtime.ImportModuleError``, as on Lambda.

Two options serve the local cloud:

* ``runtime_packages``: directories appended to ``sys.path`` after the layers, as Lambda's ``/var/runtime`` is: what
  the runtime itself provides (boto3 on Lambda's Python runtimes, :mod:`cdktf_lambda.runtime.provided`). A package
  in the function zip or a layer takes precedence, as on Lambda.
* ``unpack_cache``: a directory where each zip (and each ordered set of layers) is unpacked once, by content hash,
  and reused by every later event (with the bytecode Python writes beside it); without it every event unpacks into
  a temporary directory. Each event still runs in a fresh process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdktf_lambda.runtime.code import (
    INIT_SECONDS,
    FunctionCode,
    InvokeResult,
    check_exists,
    exit_error,
    exit_reason,
    extract,
    lambda_environment,
)

__all__ = ["BOOTSTRAP", "HostRunner"]

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")


class HostRunner:
    """Runs each event in a fresh ``python -I -S`` of ``interpreter`` (``version``: ``"3.11"``), via the bootstrap.

    ``runtime_packages`` and ``unpack_cache``: see the module docstring (default: none, unpack per event).
    """

    def __init__(
        self,
        interpreter: str,
        version: str,
        *,
        timeout: float | None = None,
        runtime_packages: Sequence[Path] = (),
        unpack_cache: Path | None = None,
    ) -> None:
        self.interpreter, self.version, self.timeout = interpreter, version, timeout
        self.runtime_packages = tuple(Path(path) for path in runtime_packages)
        self.unpack_cache = Path(unpack_cache) if unpack_cache is not None else None
        self._digests: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Nothing stays running between events."""

    def invoke(self, code: FunctionCode, event: Any, *, request_id: str | None = None) -> InvokeResult:
        request_id = request_id or str(uuid.uuid4())
        limit = self.timeout if self.timeout is not None else code.timeout + INIT_SECONDS
        with tempfile.TemporaryDirectory(prefix="cdktf-lambda-invoke-") as tmp:
            root = Path(tmp)
            task_root, opt = self._unpack(code, root)
            spec = {
                "paths": [
                    str(task_root),
                    str(opt / "python" / "lib" / f"python{self.version}" / "site-packages"),
                    str(opt / "python"),
                    *(str(path) for path in self.runtime_packages),
                ],
                "handler": code.handler,
                "timeout": code.timeout,
                "function_name": code.function_name,
                "region": code.region,
                "memory_size": code.memory_size,
                "request_id": request_id,
                "event_file": str(root / "event.json"),
                "result_file": str(root / "result.json"),
            }
            (root / "event.json").write_text(json.dumps(event), encoding="utf-8")
            (root / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
            env = lambda_environment(code, str(task_root), request_id=request_id)
            try:
                completed = subprocess.run(
                    [self.interpreter, "-I", "-S", str(BOOTSTRAP), str(root / "spec.json")],
                    cwd=task_root,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=limit,
                )
            except subprocess.TimeoutExpired as exc:
                output = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
                message = f"Task timed out after {limit:.2f} seconds"
                return InvokeResult(error={"errorMessage": message, "errorType": "Sandbox.Timedout"}, logs=output)
            result_file = root / "result.json"
            if not result_file.is_file():  # the process exited or was killed before the handler returned
                error = exit_error(request_id, exit_reason(completed.returncode))
                logs = completed.stdout + f"{error['errorMessage']}\n{error['errorType']}\n"
                return InvokeResult(error=error, logs=logs, python=self.interpreter)
            outcome = json.loads(result_file.read_text(encoding="utf-8"))
        return InvokeResult(
            response=outcome.get("response"),
            error=outcome.get("error"),
            logs=completed.stdout,
            python=self.interpreter,
        )

    def _unpack(self, code: FunctionCode, root: Path) -> tuple[Path, Path]:
        """The task root and ``opt`` of ``code``: under ``root`` (this event only), or shared from the cache."""
        name = code.function_name
        if self.unpack_cache is None:
            task_root, opt = root / "var" / "task", root / "opt"
            task_root.mkdir(parents=True)
            opt.mkdir()
            extract(code.code_zip, task_root, f"Function {name!r}")
            for index, layer in enumerate(code.layer_zips, start=1):
                extract(layer, opt, f"Layer {index} of {name!r}")
            return task_root, opt
        task_root = self._unpacked([(code.code_zip, f"Function {name!r}")], "task")
        layers = [(layer, f"Layer {index} of {name!r}") for index, layer in enumerate(code.layer_zips, start=1)]
        return task_root, self._unpacked(layers, "opt")

    def _unpacked(self, zips: Sequence[tuple[Path, str]], kind: str) -> Path:
        """``zips`` unpacked in order into one cache directory named by their contents (made once, atomically)."""
        assert self.unpack_cache is not None
        key = hashlib.sha256("\n".join(self._digest(path, what) for path, what in zips).encode()).hexdigest()[:32]
        target = self.unpack_cache / f"{kind}-{key}"
        if target.is_dir():
            return target
        self.unpack_cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=self.unpack_cache))
        try:
            for path, what in zips:
                extract(path, staging, what)
            os.replace(staging, target)
        except OSError:
            if not target.is_dir():  # not a lost race with another event of the same code
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def _digest(self, path: Path, what: str) -> str:
        check_exists(path, what)
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            digest = self._digests.get(key)
        if digest is None:
            with path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
            with self._lock:
                self._digests[key] = digest
        return digest
