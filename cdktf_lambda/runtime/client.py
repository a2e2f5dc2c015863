"""AWS's runtime interface client (``awslambdaric``, PyPI) for a Python version and architecture, in the runtime
cache: what runs handlers at ``/var/runtime``, as on Lambda. With it, what Lambda's Python runtimes provide to every
function: boto3 (and botocore), pinned, importable after the function's layers as on Lambda.

Installed once per (version, architecture) by the host's pip for the *target* platform (``--platform
manylinux2014_<arch> --python-version 3.X --implementation cp --only-binary=:all: --no-compile``: nothing is built,
and the host's interpreter writes no bytecode of its own), then compiled by the target interpreter
(``-d /var/runtime``, unchecked-hash), so its cold start does not compile it again on every run.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda.interpreters.rootfs import build_dir, file_lock, runtime_dir
from cdktf_lambda.packaging.bytecode import Compiler
from cdktf_lambda.packaging.pip import PipRunner
from cdktf_lambda.progress import ProgressLine

__all__ = ["RUNTIME_CLIENT", "RUNTIME_PACKAGES", "install_runtime_client"]

#: The client and its dependencies, pinned (``--no-deps``): the same client for every run and machine.
RUNTIME_CLIENT: tuple[str, ...] = ("awslambdaric==4.2.2", "simplejson==4.3.0", "snapshot-restore-py==1.0.0")
#: What the Lambda Python runtimes ship besides the client: boto3 with its dependencies (pure Python), pinned.
RUNTIME_PACKAGES: tuple[str, ...] = (
    "boto3==1.44.8",
    "botocore==1.44.8",
    "s3transfer==0.19.3",
    "jmespath==1.1.0",
    "python-dateutil==2.9.0.post0",
    "six==1.17.0",
    "urllib3==2.8.0",
)
_MACHINE = {"x86_64": "x86_64", "arm64": "aarch64"}
_DONE = "client.json"


def install_runtime_client(
    version: str,
    architecture: str,
    compile_command: Sequence[str] | None,
    *,
    pip: PipRunner | None = None,
) -> Path:
    """The directory holding ``awslambdaric`` for Python ``version`` (``"3.13"``) on ``architecture``.

    ``compile_command`` runs the target interpreter (see :meth:`TargetPython.build_command`); ``None`` leaves the
    client without bytecode (another architecture's interpreter cannot run here).

    Raises
    ------
    DependencyBuildError
        pip could not install it (no network, no wheel for that Python).
    """
    pins = "-".join(pin.replace("==", "-") for pin in (RUNTIME_CLIENT[0], RUNTIME_PACKAGES[0]))
    base = runtime_dir()
    home = base / f"{pins}-python{version}-{architecture}"
    if (home / _DONE).is_file():
        return home
    with file_lock(base / f".{home.name}.lock"):
        if (home / _DONE).is_file():
            return home
        step = ProgressLine(f"installing the Lambda runtime client ({RUNTIME_CLIENT[0]}) for python{version}")
        with build_dir(home, step) as work:
            command = [
                sys.executable, "-m", "pip", "install", "--isolated", "--disable-pip-version-check", "--no-input",
                "--quiet", "--target", str(work), "--platform", f"manylinux2014_{_MACHINE[architecture]}",
                "--python-version", version, "--implementation", "cp", "--only-binary=:all:", "--no-deps",
                "--no-compile", *RUNTIME_CLIENT, *RUNTIME_PACKAGES,
            ]  # fmt: skip
            (pip or PipRunner()).run(command, f"install {RUNTIME_CLIENT[0]} for python{version}/{architecture}")
            shutil.rmtree(work / "bin", ignore_errors=True)
            if compile_command is not None:
                Compiler(tuple(compile_command), "").compile_tree(work, "/var/runtime")
            packages = [*RUNTIME_CLIENT, *RUNTIME_PACKAGES]
            (work / _DONE).write_text(json.dumps({"packages": packages, "version": version}) + "\n")
        step.done(str(home))
    return home
