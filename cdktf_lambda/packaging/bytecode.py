"""Bytecode for the target runtime in every zip: ``__pycache__/*.cpython-3XX.pyc`` compiled by CPython of the
function's version, so a cold start on Lambda (whose code directories are read-only) compiles nothing.

``python3.X -m compileall -q --invalidation-mode unchecked-hash -d <runtime path>`` over the staged tree, with
``PYTHONHASHSEED=0`` and no other variable: ``-d`` names each file by its path on Lambda (``/var/task/…`` for a
function zip, ``/opt/python/…`` for a layer), so tracebacks show those and no path of the build machine ends up in
the bytes; unchecked-hash pycs carry no source mtime (zips fix mtimes at 1980, and extraction does not restore
them). The same sources and interpreter give the same bytes on any machine and in any directory.

The interpreter comes from the room below packaging, :func:`cdktf_lambda.interpreters.bytecode_command` (a
``python3.X`` on ``PATH``, else the provisioned runtime), asked once per runtime and process; tests or callers may
set their own lookup (:func:`set_compiler_lookup`). When none can be had, zips are built without bytecode and one note
(a warning of the ``cdktf_lambda.packaging`` logger) per process says so. :data:`BYTECODE=0
<cdktf_lambda.settings.BYTECODE>` turns bytecode off everywhere.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.errors import BytecodeError, CdktfLambdaError, EnvironmentFailure
from cdktf_lambda.interpreters import bytecode_command
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.files import SourceFile

__all__ = [
    "FUNCTION_ROOT",
    "LAYER_ROOT",
    "Bytecode",
    "Compiler",
    "bytecode_enabled",
    "bytecode_for",
    "set_compiler_lookup",
]

#: Where Lambda puts a function zip, and a layer zip's ``python/`` directory.
FUNCTION_ROOT, LAYER_ROOT = "/var/task", "/opt/python"

log = room_logger(__name__)


@dataclass(frozen=True)
class Compiler:
    """Runs ``compileall`` with one interpreter: ``command`` (a prefix that starts it), ``identity`` (what its
    bytecode depends on: version and ``MAGIC_NUMBER``, e.g. ``cpython-3.13.5-f30d0d0a``)."""

    command: tuple[str, ...]
    identity: str

    def compile_tree(self, tree: Path, runtime_root: str) -> None:
        """Write ``__pycache__/*.pyc`` beside every ``.py`` under ``tree``, named as if ``tree`` were
        ``runtime_root``. A source file's own syntax error leaves that file without bytecode, as pip does."""
        command = [*self.command, "-S", "-s", "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
        result = subprocess.run(
            [*command, "-d", runtime_root, str(tree)],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"},
            check=False,
        )
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 and "*** Error compiling" not in output:
            raise BytecodeError(f"compileall failed (exit {result.returncode}): {output[-2000:]}")


#: Finds the compiler of a runtime (``"python3.13"``); raises when there is none here.
CompilerLookup = Callable[[str], Compiler]


def _default_lookup(runtime: str) -> Compiler:
    command, identity = bytecode_command(runtime)
    return Compiler(tuple(command), identity)


_lookup: CompilerLookup = _default_lookup
_compilers: dict[str, Compiler | None] = {}
_noted: set[str] = set()


def set_compiler_lookup(lookup: CompilerLookup | None) -> None:
    """Replace how a runtime's compiler is found (``None``: the default); forgets the compilers found so far."""
    global _lookup
    _lookup = lookup or _default_lookup
    _compilers.clear()
    _noted.clear()


def bytecode_enabled(bytecode: bool = True) -> bool:
    """``bytecode``, unless :data:`BYTECODE=0 <cdktf_lambda.settings.BYTECODE>` turns it off."""
    return bytecode and settings.BYTECODE.get()


def _compiler(runtime: str) -> Compiler | None:
    if runtime not in _compilers:
        try:
            _compilers[runtime] = _lookup(runtime)
        except (
            CdktfLambdaError,
            EnvironmentFailure,
            OSError,
            ImportError,
        ) as exc:  # ImportError: no fcntl (not a POSIX system)
            _compilers[runtime] = None
            if runtime not in _noted:
                _noted.add(runtime)
                log.warning("zips are built without %s bytecode: %s", runtime, exc)
    return _compilers[runtime]


@dataclass(frozen=True)
class Bytecode:
    """The compilers of a zip's runtimes (a layer may declare several: each gets its own ``cpython-3XX.pyc``)."""

    compilers: tuple[Compiler, ...]

    @property
    def identity(self) -> str:
        """Part of every cache key: which bytecode the zip holds."""
        return "bytecode:" + ",".join(compiler.identity for compiler in self.compilers)

    def compile_tree(self, tree: Path, runtime_root: str) -> None:
        for compiler in self.compilers:
            compiler.compile_tree(tree, runtime_root)

    def with_bytecode(self, files: Sequence[SourceFile], stage: Path, layer: bool) -> list[SourceFile]:
        """``files`` plus their bytecode: staged under ``stage`` by archive name, then compiled there."""
        for source in files:
            dest = stage / source.arcname
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.path, dest)
        tree, root, prefix = (stage / "python", LAYER_ROOT, "python/") if layer else (stage, FUNCTION_ROOT, "")
        if tree.is_dir():
            self.compile_tree(tree, root)
        compiled = [
            SourceFile(path, f"{prefix}{path.relative_to(tree).as_posix()}")
            for path in sorted(tree.rglob("__pycache__/*.pyc"))
        ] if tree.is_dir() else []  # fmt: skip
        return [*files, *compiled]


def bytecode_for(runtimes: Sequence[str], bytecode: bool = True) -> Bytecode | None:
    """The bytecode to add for ``runtimes`` (``None``: none, because it is turned off or no interpreter can be had).

    A runtime whose interpreter cannot be had here is left out, with one note per process.
    """
    if not bytecode_enabled(bytecode):
        return None
    compilers = tuple(c for c in (_compiler(runtime) for runtime in dict.fromkeys(runtimes)) if c is not None)
    return Bytecode(compilers) if compilers else None
