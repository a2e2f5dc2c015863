"""``cdktf-lambda runtime install | list``: make a runtime ready (its CPython and AWS's runtime client), or say what
each runtime would run on here."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import IO

from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.interpreters.python import target_python
from cdktf_lambda.interpreters.rootfs import NO_SOURCE, runtime_dir
from cdktf_lambda.limits import validate_runtime
from cdktf_lambda.runtime.client import install_runtime_client
from cdktf_lambda.types import RUNTIMES

__all__ = ["install_runtimes", "list_runtimes"]


def install_runtimes(runtimes: Sequence[str], log: IO[str]) -> int:
    """``cdktf-lambda runtime install``: make each runtime ready (interpreter and runtime client), saying how long
    it took; 0 when every one is ready, 1 when one cannot be had here (the line says why)."""
    status = 0
    for runtime in runtimes:
        validate_runtime(runtime, "RUNTIME")
        started = time.monotonic()
        try:
            found = target_python(runtime, log=log)
            install_runtime_client(found.version, found.architecture, found.build_command(), log=log)
        except ProvisionError as exc:
            log.write(f"cdktf-lambda: {exc}\n")
            status = 1
            continue
        log.write(f"cdktf-lambda: {runtime} ready ({found.describe()}) in {time.monotonic() - started:.1f} s\n")
    log.flush()
    return status


def list_runtimes() -> str:
    """``cdktf-lambda runtime list``: the runtime cache directory and what each runtime would run on."""
    lines = [f"runtime cache: {runtime_dir()}"]
    for runtime in RUNTIMES:
        try:
            lines.append(f"{runtime}: {target_python(runtime, provision=False).describe()}")
        except ProvisionError as exc:
            lines.append(f"{runtime}: {NO_SOURCE.get(runtime) or exc}")
    return "\n".join(lines)
