"""Python interpreters to run a function with: the runtime's version on this machine, or one given."""

from __future__ import annotations

import shutil
import subprocess
import sys

from ..errors import InvalidParameterError
from ..packaging.target import local_target

__all__ = ["find_python"]


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
