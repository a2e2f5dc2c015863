"""The Lambda platform code is built for: a Python runtime and an architecture, with the wheel tags and PEP 508
marker values that follow from them."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.limits import ARCHITECTURES, RUNTIMES, validate_architecture, validate_runtime

__all__ = ["GLIBC_BY_RUNTIME", "Target", "local_target"]

#: glibc of the Amazon Linux each runtime runs on: python3.10/3.11 on Amazon Linux 2 (2.26), python3.12+ on Amazon
#: Linux 2023 (2.34). A ``manylinux_2_X`` wheel runs where glibc >= 2.X.
_GLIBC_MINOR: dict[str, int] = {"python3.10": 26, "python3.11": 26}
_GLIBC_MINOR_DEFAULT = 34
#: The newest glibc symbol version each runtime provides, as ``(2, minor)``.
GLIBC_BY_RUNTIME: dict[str, tuple[int, int]] = {
    runtime: (2, _GLIBC_MINOR.get(runtime, _GLIBC_MINOR_DEFAULT)) for runtime in RUNTIMES
}
#: The oldest manylinux (PEP 600) tag enumerated, ``manylinux2014``'s glibc.
_OLDEST_GLIBC_MINOR = 17
#: Lambda's architecture names → the machine names of wheel tags and ``platform_machine``.
_MACHINE: dict[str, str] = {"x86_64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class Target:
    """The Lambda platform a layer is built for.

    Parameters
    ----------
    runtime
        A Lambda Python runtime, e.g. ``"python3.13"``.
    architecture
        ``"x86_64"`` or ``"arm64"``.
    """

    runtime: str = "python3.13"
    architecture: str = "x86_64"

    def __post_init__(self) -> None:
        validate_runtime(self.runtime)
        validate_architecture(self.architecture)

    @property
    def python_version(self) -> str:
        """``"3.13"`` for ``python3.13``."""
        return self.runtime.removeprefix("python")

    @property
    def machine(self) -> str:
        """The machine name in wheel tags: ``x86_64`` or ``aarch64``."""
        return _MACHINE[self.architecture]

    @property
    def platforms(self) -> tuple[str, ...]:
        """pip ``--platform`` values, most preferred first, as pip on the Lambda runtime itself would rank them.

        pip does not widen a ``manylinux_2_X`` platform to older glibc versions, so every one the runtime's glibc
        runs is listed: ``manylinux_2_34`` (or ``_2_26``) down to ``manylinux_2_17``, then the legacy names
        ``manylinux2014`` (= 2.17; pip adds ``manylinux2010`` and ``manylinux1`` for x86_64).
        """
        newest = _GLIBC_MINOR.get(self.runtime, _GLIBC_MINOR_DEFAULT)
        pep600 = [f"manylinux_2_{minor}_{self.machine}" for minor in range(newest, _OLDEST_GLIBC_MINOR - 1, -1)]
        return (*pep600, f"manylinux2014_{self.machine}")

    @property
    def glibc(self) -> tuple[int, int]:
        """The runtime's glibc version, e.g. ``(2, 34)`` on Amazon Linux 2023."""
        return GLIBC_BY_RUNTIME[self.runtime]

    @property
    def label(self) -> str:
        return f"{self.runtime}/{self.architecture}"

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker variables of the Lambda runtime (CPython on Linux)."""
        full_version = f"{self.python_version}.0"
        return {
            "implementation_name": "cpython",
            "implementation_version": full_version,
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full_version,
            "python_version": self.python_version,
            "sys_platform": "linux",
        }


def local_target() -> Target:
    """The target matching this interpreter and machine (for running layers locally).

    Raises
    ------
    InvalidParameterError
        This interpreter's version or machine is not one Lambda offers.
    """
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    machine = platform.machine().lower()
    architecture = {"amd64": "x86_64", "x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    if runtime not in RUNTIMES:
        raise InvalidParameterError("local Python", runtime, "a Lambda runtime: " + ", ".join(RUNTIMES))
    if architecture not in ARCHITECTURES:
        raise InvalidParameterError("local machine", machine, "x86_64 or arm64")
    return Target(runtime, architecture)
