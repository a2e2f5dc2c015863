"""Python interpreters to run a function with: the runtime's version on this machine, or one given, or one provisioned.

:func:`find_python` looks only at this machine (``--python``, this interpreter, ``python3.X`` on ``PATH``).
:func:`target_python` is what runs a function on its own runtime and compiles its bytecode: a ``python3.X`` on
``PATH`` whose version *and* machine match, else a root filesystem of :mod:`.rootfs` (provisioned on first use when
``provision`` is true). :func:`bytecode_command` is the small interface :mod:`cdktf_lambda.packaging.bytecode` asks
for a compiler; it prefers a provisioned root filesystem, whose probe is kept beside it.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.interpreters.rootfs import (
    ProvisionError,
    Rootfs,
    find_rootfs,
    host_architecture,
    provision_rootfs,
)
from cdktf_lambda.paths import write_text_atomic

__all__ = ["TargetPython", "bytecode_command", "find_python", "target_python"]

_PROBE = (
    "import importlib.util, json, platform, sys; print(json.dumps({'version': '%d.%d' % sys.version_info[:2], "
    "'full': platform.python_version(), 'machine': platform.machine(), 'magic': importlib.util.MAGIC_NUMBER.hex()}))"
)


def _probe_json(command: list[str]) -> dict[str, str] | None:
    try:
        result = subprocess.run([*command, "-I", "-S", "-c", _PROBE], capture_output=True, text=True, timeout=20)
        info = json.loads(result.stdout) if result.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if isinstance(info, dict):
        info["architecture"] = {"aarch64": "arm64", "amd64": "x86_64"}.get(info["machine"].lower(), info["machine"])
    return info


def _probe(python: str) -> tuple[str, str] | None:
    """``("3.13", "x86_64")`` for a working interpreter, else ``None``."""
    info = _probe_json([python])
    return (info["version"], info["architecture"]) if info else None


def find_python(version: str, explicit: str | None = None) -> tuple[str, str, str] | None:
    """An interpreter of this machine for ``version`` (``"3.13"``): ``(path, version, architecture)``.

    ``explicit`` (``--python``) is used whatever its version. Otherwise this interpreter when it is that version,
    else ``python3.13`` on ``PATH`` if it runs; ``None`` when there is none.
    """
    if explicit:
        found = shutil.which(explicit) or explicit
        probed = _probe(found)
        if probed is None:
            raise InvalidParameterError("--python", explicit, "a Python interpreter that runs")
        return found, *probed
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable, version, host_architecture()
    candidate = shutil.which(f"python{version}")
    if candidate:
        probed = _probe(candidate)
        if probed is not None and probed[0] == version:
            return candidate, *probed
    return None


@dataclass(frozen=True)
class TargetPython:
    """CPython of a Lambda runtime's version, on this machine: on ``PATH`` (``executable``) or in a ``rootfs``."""

    runtime: str
    architecture: str
    #: ``platform.python_version()``, e.g. ``"3.13.5"``.
    full_version: str
    #: ``importlib.util.MAGIC_NUMBER``, hex.
    magic: str
    executable: str | None = None
    rootfs: Rootfs | None = None

    @property
    def version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def bytecode_identity(self) -> str:
        """What the bytecode it writes depends on: ``cpython-3.13.5-f30d0d0a``."""
        return f"cpython-{self.full_version}-{self.magic}"

    def build_command(self) -> list[str]:
        """A command prefix that runs this interpreter on host paths (compiling, probing)."""
        return [self.executable] if self.executable else self.rootfs.loader_command()  # type: ignore[union-attr]

    def describe(self) -> str:
        """``CPython 3.13.5, Debian trixie root filesystem at ~/.cache/…``, for the notes on stderr."""
        if self.rootfs is None:
            return f"CPython {self.full_version}, {self.executable}"
        home = str(self.rootfs.home).replace(str(Path.home()), "~", 1)
        return f"CPython {self.full_version}, Debian {self.rootfs.suite} root filesystem at {home}"


@functools.lru_cache(maxsize=16)
def _on_path(version: str, architecture: str) -> TargetPython | None:
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version and host_architecture() == architecture:
        candidates = [sys.executable]
    else:
        candidates = [found] if (found := shutil.which(f"python{version}")) else []
    for candidate in candidates:
        info = _probe_json([candidate])
        if info and info["version"] == version and info["architecture"] == architecture:
            return TargetPython(f"python{version}", architecture, info["full"], info["magic"], executable=candidate)
    return None


#: Beside a root filesystem's own files: its interpreter's probe, keyed by that interpreter file's identity.
_PROBE_FILE = "probe.json"


def _probe_rootfs(rootfs: Rootfs) -> dict[str, str] | None:
    """The probe of a root filesystem's interpreter, read from beside it while that file is unchanged (every synth
    needs it for the bytecode's identity; running the interpreter costs ~50 ms), else run and recorded."""
    binary = Path(f"{rootfs.root}{rootfs.python}")
    try:
        stat = binary.stat()
    except OSError:
        return None
    identity = [str(binary), stat.st_size, stat.st_mtime_ns, stat.st_ino]
    record = rootfs.home / _PROBE_FILE
    try:
        cached = json.loads(record.read_text(encoding="utf-8"))
        info = cached.get("info")
        if cached.get("identity") == identity and isinstance(info, dict):
            return {str(key): str(value) for key, value in info.items()}
    except (OSError, ValueError, AttributeError):
        pass
    info = _probe_json(rootfs.loader_command())
    if info is not None:
        try:
            write_text_atomic(record, json.dumps({"identity": identity, "info": info}))
        except OSError:  # a read-only runtime cache: probed again next time
            pass
    return info


@functools.lru_cache(maxsize=16)
def _in_rootfs(rootfs: Rootfs) -> TargetPython:
    info = _probe_rootfs(rootfs)
    if info is None:
        raise ProvisionError(f"the {rootfs.runtime} root filesystem at {rootfs.home} does not run; remove it")
    return TargetPython(rootfs.runtime, rootfs.architecture, info["full"], info["magic"], rootfs=rootfs)


def target_python(runtime: str, architecture: str | None = None, *, provision: bool = True) -> TargetPython:
    """CPython for ``runtime`` (``"python3.13"``) on ``architecture`` (default: this machine's).

    A ``python3.X`` on ``PATH`` of that version and machine first; else the provisioned root filesystem (provisioned
    now, once, when ``provision`` is true).

    Raises
    ------
    ProvisionError
        There is none and it cannot (or may not) be provisioned here: the message says why.
    """
    architecture = architecture or host_architecture()
    version = runtime.removeprefix("python")
    found = _on_path(version, architecture)
    if found is not None:
        return found
    if architecture != host_architecture():
        raise ProvisionError(f"{runtime}/{architecture} cannot run on this {host_architecture()} machine")
    rootfs = find_rootfs(runtime, architecture)
    if rootfs is None:
        if not provision:
            raise ProvisionError(f"{runtime} is not provisioned (cdktf-lambda runtime install {runtime})")
        rootfs = provision_rootfs(runtime)
    return _in_rootfs(rootfs)


def bytecode_command(runtime: str) -> tuple[list[str], str]:
    """For :mod:`cdktf_lambda.packaging.bytecode`: ``(command prefix, bytecode identity)`` of an interpreter that
    compiles for ``runtime``. Bytecode does not depend on the machine, so this machine's interpreter serves every
    architecture. A provisioned root filesystem comes first: the same CPython build on every machine that provisioned
    it (so the same bytes), and no ``python3.X`` on ``PATH`` to probe on every synth (a pyenv shim costs ~0.1 s);
    without one, :func:`target_python`'s order.

    Raises
    ------
    ProvisionError
        No such interpreter can be had here.
    """
    rootfs = find_rootfs(runtime, host_architecture())
    found = _in_rootfs(rootfs) if rootfs is not None else target_python(runtime, host_architecture())
    return found.build_command(), found.bytecode_identity
