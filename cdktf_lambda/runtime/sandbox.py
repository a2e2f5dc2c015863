"""Lambda's filesystem layout around one runtime process, without Docker.

With a provisioned root filesystem (:mod:`.rootfs`) the runtime runs in a private mount namespace and PID
namespace (``unshare --mount --propagation private --pid --fork --kill-child``; without root also ``--user
--map-root-user``), chrooted into::

    /              the root filesystem, bind-mounted read-only
    /var/task      the function zip, extracted (read-only)
    /opt           its layers, extracted in order, later over earlier (read-only)
    /var/runtime   the runtime client (read-only)
    /tmp           a fresh 512 MB tmpfs, the only writable place
    /proc, /dev    the namespace's own procfs; null, zero, full, random and urandom bound from the host

Nothing is visible on the host, and the kernel removes every mount when the namespace's last process exits. The
function's variables reach the runtime through the environment (never the command line). The setup shell stays
PID 1 of the namespace; the runtime is its child, as on Lambda. The shell exits with the runtime's status (128 + N
when signal N ended it), and says nothing of its own ("Killed"): the log is the runtime's.

With a ``python3.X`` found on ``PATH`` there is no chroot: task root, ``opt`` and the client are host directories,
and the variables name them (``LAMBDA_TASK_ROOT``, ``PYTHONPATH``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cdktf_lambda.interpreters.python import TargetPython

__all__ = ["Isolation", "Layout", "RuntimeCommand", "isolation", "runtime_command"]

#: ``root``: namespaces as real root; ``userns``: inside a user namespace (any user); ``None``: not possible.
Isolation = Literal["root", "userns"]

SETUP_SH = r"""
set -e
R="$1"; TASK="$2"; OPT="$3"; CLIENT="$4"; shift 4
RUNTIME_PATH="$PATH"; PATH=/usr/sbin:/usr/bin:/sbin:/bin; CHROOT=$(command -v chroot)
ro() { mount --bind "$1" "$2"; mount -o remount,bind,ro "$2"; }
ro "$R" "$R"
ro "$TASK" "$R/var/task"
ro "$OPT" "$R/opt"
ro "$CLIENT" "$R/var/runtime"
mount -t tmpfs -o size=512m,mode=1777 tmpfs "$R/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t tmpfs -o mode=755,size=64k tmpfs "$R/dev"
for n in null zero full random urandom; do : > "$R/dev/$n"; mount --bind "/dev/$n" "$R/dev/$n"; done
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
PATH="$RUNTIME_PATH" "$CHROOT" "$R" /bin/sh -c 'cd /var/task && exec "$@"' runtime "$@" &
wait $! 2>/dev/null
"""
_NAMESPACES = ["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child"]


@dataclass(frozen=True)
class Layout:
    """The host directories of one runtime: the extracted function zip, the merged layers, the runtime client."""

    task: Path
    opt: Path
    client: Path


@dataclass(frozen=True)
class RuntimeCommand:
    """How to start the runtime: ``argv`` with ``env`` in ``cwd``; ``task_root`` as the handler sees it."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    task_root: str
    sandboxed: bool


def _works(command: list[str]) -> bool:
    try:
        return subprocess.run([*command, "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation | None:
    """How this machine can build the sandbox: as root, in a user namespace, or not at all (``None``)."""
    if shutil.which("unshare") is None:
        return None
    if os.geteuid() == 0 and _works(["unshare", *_NAMESPACES, "--"]):
        return "root"
    if _works(["unshare", "--user", "--map-root-user", *_NAMESPACES, "--"]):
        return "userns"
    return None


def runtime_command(
    target: TargetPython, layout: Layout, handler: str, environment: Mapping[str, str], mode: Isolation | None
) -> RuntimeCommand:
    """The command that starts ``python3.X -m awslambdaric HANDLER`` in Lambda's layout (see the module docstring).

    ``environment`` holds the function's and Lambda's variables, with ``LAMBDA_TASK_ROOT`` still unset.
    """
    version = target.version
    if target.rootfs is None:
        task, opt, client = str(layout.task), str(layout.opt), str(layout.client)
    else:
        task, opt, client = "/var/task", "/opt", "/var/runtime"
    env = {
        **environment,
        "LAMBDA_TASK_ROOT": task,
        "LAMBDA_RUNTIME_DIR": client,
        "PYTHONPATH": f"{task}:{opt}/python/lib/python{version}/site-packages:{opt}/python:{client}",
    }
    if target.rootfs is None:
        argv = [str(target.executable), "-S", "-s", "-m", "awslambdaric", handler]
        return RuntimeCommand(argv, env, layout.task, task, sandboxed=False)
    if mode is None:
        raise RuntimeError("a root filesystem runtime needs namespaces (isolation() is None)")
    env["LD_LIBRARY_PATH"] = "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
    unshare = ["unshare", *(["--user", "--map-root-user"] if mode == "userns" else []), *_NAMESPACES]
    paths = [str(path) for path in (target.rootfs.root, layout.task, layout.opt, layout.client)]
    argv = [*unshare, "--", "/bin/sh", "-c", SETUP_SH, "sandbox", *paths, target.rootfs.python, "-m", "awslambdaric"]
    return RuntimeCommand([*argv, handler], env, Path("/"), task, sandboxed=True)
