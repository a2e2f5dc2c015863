"""The ``local_cloud`` fixture in a pytest session of its own (a subprocess, as a user runs it) on the worked example
of docs/testing.md: it deploys and answers; at the end of the session, and after Ctrl-C in the middle of
``terraform apply``, no process it started is left (the moto server, terraform and its provider, the functions'
runtimes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cdktf_lambda.testing import wait_for
from devtools.example import write_example

pytestmark = [pytest.mark.slow, pytest.mark.terraform]

LOCAL_CLOUD_TEST = "tests/test_orders.py::test_an_order_posted_to_the_api_is_stored_and_read_back"


def _start(project: Path) -> subprocess.Popen[str]:
    """``pytest`` of the example's local-cloud test, leading its own process group (as a terminal's foreground job)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CDKTF_LAMBDA_CACHE_DIR"))}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", LOCAL_CLOUD_TEST],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _tree(process: subprocess.Popen[str]) -> dict[tuple[int, float], str]:
    """Every process under ``process`` now, by (pid, start time), with its command line."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for child in children:
        try:
            found[(child.pid, child.create_time())] = " ".join(child.cmdline())[:200]
        except psutil.Error:
            continue
    return found


def _record(seen: dict[tuple[int, float], str], process: subprocess.Popen[str]) -> None:
    """Add the processes under ``process`` now to ``seen``. A process on its way out reads an empty command line
    (its memory is gone before it is a zombie): that never replaces the command it was seen running."""
    for key, command in _tree(process).items():
        if command or key not in seen:
            seen[key] = command


def _still_running(seen: dict[tuple[int, float], str]) -> list[str]:
    alive = []
    for (pid, started), command in seen.items():
        try:
            process = psutil.Process(pid)
            if process.create_time() == started and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{pid}: {command}")
        except psutil.NoSuchProcess:
            continue
    return alive


def _watch(
    process: subprocess.Popen[str], until: float, seen: dict[tuple[int, float], str] | None = None
) -> dict[tuple[int, float], str]:
    """The processes seen under ``process`` until it exits (or ``until``, a ``time.monotonic()``), added to ``seen``."""
    seen = {} if seen is None else seen
    while process.poll() is None and time.monotonic() < until:
        _record(seen, process)
        time.sleep(0.2)
    return seen


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_example(tmp_path_factory.mktemp("example"))


def test_the_session_deploys_answers_and_leaves_no_process(example: Path) -> None:
    process = _start(example)
    seen = _watch(process, time.monotonic() + 600)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output[-6000:]
    assert "1 passed" in output and "local cloud deploy (main)" in output, output[-3000:]
    assert any("cdktf_lambda.emulator.entry" in command for command in seen.values()), "no moto server was seen"
    assert _still_running(seen) == [], "left running after the session"


def test_ctrl_c_during_apply_stops_terraform_and_the_local_cloud(example: Path) -> None:
    process = _start(example)
    seen: dict[tuple[int, float], str] = {}

    def applying() -> bool:
        _record(seen, process)
        assert process.poll() is None, process.communicate()[0][-3000:]
        return any(" apply " in f" {command} " and "terraform" in command for command in seen.values())

    wait_for(applying, timeout=300, interval=0.2, what="terraform apply to start")
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends the terminal's foreground process group
    _watch(process, time.monotonic() + 120, seen)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 2, f"pytest was not interrupted ({process.returncode}):\n{output[-3000:]}"
    assert "KeyboardInterrupt" in output, output[-3000:]
    assert any("cdktf_lambda.emulator.entry" in command for command in seen.values()), "no moto server was seen"
    assert _still_running(seen) == [], "left running after Ctrl-C"
