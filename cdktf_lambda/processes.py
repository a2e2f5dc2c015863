"""Local server processes: loopback ports, PID checks and stopping a process by its PID.

Plain Python on top of :mod:`psutil`, shared by the local servers (the moto emulator, later the development
server). Only loopback addresses are ever handed out.

Examples
--------
>>> port = free_port()  # doctest: +SKIP
>>> proc = subprocess.Popen(["python", "-m", "http.server", "-b", "127.0.0.1", str(port)])  # doctest: +SKIP
>>> stop_process(proc)  # doctest: +SKIP
True
"""

from __future__ import annotations

import collections
import ipaddress
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from typing import Any

import psutil

#: The address local servers listen on.
DEFAULT_HOST = "127.0.0.1"

#: How long :func:`stop_process` waits after SIGKILL before it gives up.
KILL_WAIT_SECONDS = 5.0

_POLL_SECONDS = 0.05


def check_loopback(host: str) -> None:
    """Refuse any address that is not a loopback one.

    Parameters
    ----------
    host
        ``"localhost"`` or an IP address such as ``"127.0.0.1"`` or ``"::1"``.

    Raises
    ------
    ValueError
        ``host`` is not a loopback address (e.g. ``"0.0.0.0"`` or a host name).
    """
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"local servers must only listen on a loopback address, not {host!r}")


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now.

    Parameters
    ----------
    host
        A loopback address (checked with :func:`check_loopback`).

    Returns
    -------
    int
        The port the operating system picked for a ``bind`` to port 0.
    """
    check_loopback(host)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = DEFAULT_HOST) -> bool:
    """Nothing listens on ``host:port`` (and it can be bound).

    ``SO_REUSEADDR`` as a server sets it: connections a stopped server closed linger in TIME_WAIT for a minute,
    which would make a plain ``bind`` fail although nothing listens any more (on Linux a listening socket still
    blocks the bind).

    Parameters
    ----------
    port, host
        The address to probe.

    Returns
    -------
    bool
        True when the address can be bound.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def pid_alive(pid: int) -> bool:
    """A process with ``pid`` exists and is not a zombie.

    Parameters
    ----------
    pid
        Any integer; zero and negative numbers are never alive.

    Returns
    -------
    bool
        False for a PID that does not exist or whose process has exited but was not reaped yet; True for a
        running process, also one of another user.
    """
    if pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def pid_matches(pid: int, markers: Iterable[str]) -> bool:
    """The command line of process ``pid`` contains one of ``markers`` (a guard against a recycled PID).

    Parameters
    ----------
    pid
        The process to look at.
    markers
        Substrings of the expected command line, e.g. ``("moto_entry.py", "moto.server")``.

    Returns
    -------
    bool
        False when the process is gone, is a zombie, or its command line cannot be read (another user's).
    """
    if pid <= 0:
        return False
    try:
        cmdline = " ".join(psutil.Process(pid).cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return any(mark in cmdline for mark in markers)


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait until process ``pid`` has exited (reaping it if it is a child of this process).

    Parameters
    ----------
    pid
        The process to wait for; it need not be a child of this process.
    timeout
        Seconds to wait at most.

    Returns
    -------
    bool
        True once the process is gone (a zombie counts as gone), False if it still runs after ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if not pid_alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_SECONDS)


def stop_process(target: int | subprocess.Popen[Any], timeout: float = 10.0) -> bool:
    """Stop a process by its PID: SIGTERM, wait up to ``timeout``, then SIGKILL, wait.

    Parameters
    ----------
    target
        A PID, or the :class:`subprocess.Popen` of a process this one started (then it is reaped too).
    timeout
        Seconds the process has to exit after SIGTERM before it is killed.

    Returns
    -------
    bool
        True if the process was running and has been signalled; False if it was gone already.

    Raises
    ------
    TimeoutError
        The process still runs :data:`KILL_WAIT_SECONDS` after SIGKILL.

    Examples
    --------
    >>> proc = subprocess.Popen(["sleep", "60"])  # doctest: +SKIP
    >>> stop_process(proc), stop_process(proc)  # doctest: +SKIP
    (True, False)
    """
    if isinstance(target, subprocess.Popen):
        return _stop_popen(target, timeout)
    if not pid_alive(target):
        _reap(target)
        return False
    try:
        proc = psutil.Process(target)
        proc.send_signal(signal.SIGTERM)
    except psutil.NoSuchProcess:
        return False
    if not wait_gone(target, timeout):
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            return True
        if not wait_gone(target, KILL_WAIT_SECONDS):
            raise TimeoutError(f"process {target} still runs {KILL_WAIT_SECONDS:.0f}s after SIGKILL")
    return True


def stop_process_tree(target: int | subprocess.Popen[Any], timeout: float = 10.0) -> bool:
    """:func:`stop_process`, then stop what the process had started and left running (its descendants, by PID).

    For servers that run work in child processes (the local cloud runs each function in one): a child still
    running when its parent exits would otherwise be orphaned.
    """
    pid = target.pid if isinstance(target, subprocess.Popen) else target
    try:
        descendants = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    stopped = stop_process(target, timeout)
    for child in descendants:
        try:
            child.terminate()
        except psutil.Error:
            continue
    _gone, alive = psutil.wait_procs(descendants, timeout=KILL_WAIT_SECONDS)
    for child in alive:
        try:
            child.kill()
        except psutil.Error:
            pass
    return stopped


def _stop_popen(proc: subprocess.Popen[Any], timeout: float) -> bool:
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
    try:
        proc.wait(timeout=KILL_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"process {proc.pid} still runs {KILL_WAIT_SECONDS:.0f}s after SIGKILL") from None
    return True


def _reap(pid: int) -> None:
    """Collect the exit status if ``pid`` happens to be a child of this process (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


def tail(text: str, n: int = 40) -> str:
    """The last ``n`` lines of ``text`` (trailing whitespace dropped): what an error message quotes of a log."""
    return "\n".join(collections.deque(text.rstrip().splitlines(), maxlen=n))
