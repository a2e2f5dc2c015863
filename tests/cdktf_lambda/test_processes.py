"""cdktf_lambda.processes: loopback ports, PID checks, stopping a process by its PID."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from cdktf_lambda import processes

NO_SUCH_PID = 2**22 + 7
#: A child that ignores SIGTERM (so only SIGKILL stops it) and says when it is ready.
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
)


def sleeper(code: str = "import time; time.sleep(60)") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


# ------------------------------------------------------------------------ no process


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_accepted(host: str) -> None:
    processes.check_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.1", "example.com", ""])
def test_other_addresses_are_refused(host: str) -> None:
    with pytest.raises(ValueError, match=f"loopback address, not {host!r}"):
        processes.check_loopback(host)


def test_free_port_is_free_until_something_listens() -> None:
    port = processes.free_port()
    assert processes.port_is_free(port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((processes.DEFAULT_HOST, port))
        sock.listen()
        assert not processes.port_is_free(port)
    assert processes.port_is_free(port)
    with pytest.raises(ValueError, match="loopback"):
        processes.free_port("0.0.0.0")


def test_pid_checks_of_this_process_and_of_none() -> None:
    assert processes.pid_alive(os.getpid())
    assert processes.pid_matches(os.getpid(), ["python", "pytest"])
    assert not processes.pid_matches(os.getpid(), ["no-such-program"])
    for pid in (0, -1, NO_SUCH_PID):
        assert not processes.pid_alive(pid) and not processes.pid_matches(pid, ["python"])
    assert processes.stop_process(NO_SUCH_PID) is False
    assert processes.wait_gone(NO_SUCH_PID, 0)


# --------------------------------------------------------------------------- children


@pytest.mark.slow
def test_stop_a_popen_then_again() -> None:
    child = sleeper()
    assert processes.stop_process(child) is True
    assert child.returncode == -15, "SIGTERM was enough"
    assert processes.stop_process(child) is False


@pytest.mark.slow
def test_stop_by_pid_reaps_a_child_of_ours() -> None:
    child = sleeper("import time; print('ready', flush=True); time.sleep(60)")
    # Its command line is the forked parent's until it has exec'd: wait until it runs its own code.
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    assert processes.pid_alive(child.pid) and processes.pid_matches(child.pid, ["time.sleep(60)"])
    assert processes.stop_process(child.pid, timeout=5) is True
    assert not processes.pid_alive(child.pid)
    assert processes.stop_process(child.pid) is False
    child.wait(timeout=5)


@pytest.mark.slow
def test_a_zombie_is_not_alive() -> None:
    child = sleeper("pass")
    deadline = time.monotonic() + 10
    while processes.pid_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not processes.pid_alive(child.pid), "an exited, unreaped child counts as gone"
    assert processes.stop_process(child.pid) is False, "and it is reaped, not signalled"
    child.wait(timeout=5)


@pytest.mark.slow
@pytest.mark.parametrize("by_pid", [False, True], ids=["popen", "pid"])
def test_sigkill_after_the_timeout(by_pid: bool) -> None:
    child = sleeper(STUBBORN)
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    started = time.monotonic()
    assert processes.stop_process(child.pid if by_pid else child, timeout=0.5) is True
    assert 0.5 <= time.monotonic() - started < 5
    assert not processes.pid_alive(child.pid)
    returncode = child.wait(timeout=5)
    # By PID, stop_process reaps its own child (the Popen then reports 0); the Popen's own wait sees the SIGKILL.
    assert returncode == (0 if by_pid else -9)


def test_stop_process_tree_also_stops_what_the_process_left_running() -> None:
    """A server that runs work in child processes (the local cloud's functions): none is orphaned when it stops."""
    parent = sleeper(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert processes.pid_alive(child)

    assert processes.stop_process_tree(parent, timeout=5) is True

    assert parent.poll() is not None
    assert processes.wait_gone(child, 5), f"child {child} was left running"
