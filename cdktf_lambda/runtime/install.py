"""``cdktf-lambda runtime install | list``: make a runtime ready (its CPython and AWS's runtime client), or say what
each runtime would run on here."""

from __future__ import annotations

import time

from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.interpreters.python import target_python
from cdktf_lambda.interpreters.rootfs import NO_SOURCE, runtime_dir
from cdktf_lambda.limits import validate_runtime
from cdktf_lambda.runtime.client import install_runtime_client
from cdktf_lambda.types import RUNTIMES

__all__ = ["install_runtime", "list_runtimes"]


def install_runtime(runtime: str) -> str:
    """``cdktf-lambda runtime install``: make ``runtime`` ready (interpreter and runtime client); what it runs on and
    how long that took (``python3.13 ready (CPython 3.13.5, …) in 0.4 s``).

    Raises
    ------
    InvalidParameterError
        ``runtime`` is not a Lambda Python runtime.
    ProvisionError
        It cannot be had here (the message says why).
    """
    validate_runtime(runtime, "RUNTIME")
    started = time.monotonic()
    found = target_python(runtime)
    install_runtime_client(found.version, found.architecture, found.build_command())
    return f"{runtime} ready ({found.describe()}) in {time.monotonic() - started:.1f} s"


def list_runtimes() -> str:
    """``cdktf-lambda runtime list``: the runtime cache directory and what each runtime would run on."""
    lines = [f"runtime cache: {runtime_dir()}"]
    for runtime in RUNTIMES:
        try:
            lines.append(f"{runtime}: {target_python(runtime, provision=False).describe()}")
        except ProvisionError as exc:
            lines.append(f"{runtime}: {NO_SOURCE.get(runtime) or exc}")
    return "\n".join(lines)
