"""Warm runtimes of replaced code are retired (idle ones at once, busy ones after their event), and a function's
layers are extracted once for all its runtimes."""

from __future__ import annotations

import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from cdktf_lambda.runtime.code import FunctionCode
from cdktf_lambda.runtime.runner import RuntimeRunner

pytestmark = pytest.mark.slow

HANDLER = """
import os, time
import layered

def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"version": VERSION, "layer_inode": os.stat(layered.__file__).st_ino, "where": layered.WHERE}
"""


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture
def codes(tmp_path) -> tuple[FunctionCode, FunctionCode]:
    """Two versions of one function (a unique handler module, to find its processes), the same layer."""
    module = f"retire_{uuid.uuid4().hex[:10]}"
    layer = make_zip(tmp_path / "layer.zip", {"python/layered.py": "WHERE = 'layer'\n"})
    versions = []
    for number in (1, 2):
        code_zip = make_zip(tmp_path / f"code{number}.zip", {f"{module}.py": f"VERSION = {number}\n{HANDLER}"})
        versions.append(FunctionCode("retire-fn", f"{module}.handler", "python3.13", code_zip, (layer,), timeout=10))
    return versions[0], versions[1]


@pytest.fixture
def runner() -> Iterator[RuntimeRunner]:
    with RuntimeRunner() as started:
        yield started


def runtime_processes(code: FunctionCode) -> list[psutil.Process]:
    """This machine's interpreters running ``code``'s handler (its module name is unique to the test; the sandbox's
    ``unshare`` and setup shell carry it on their command lines too)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if code.handler in cmdline and "awslambdaric" in cmdline and "python" in Path(cmdline[0]).name:
            found.append(process)
    return found


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_an_idle_runtime_of_replaced_code_is_stopped_and_one_still_reachable_stays_warm(runner, codes):
    old, new = codes
    assert runner.invoke(old, {}).response["version"] == 1
    assert len(runtime_processes(old)) == 1
    assert runner.retire("retire-fn", keep=[old, new]) == 0, "the old code is still reachable (e.g. by an alias)"
    warm = runner.invoke(old, {})
    assert "Init Duration" not in warm.logs, "kept warm"
    assert runner.retire("retire-fn", keep=[new]) == 1
    assert wait_until(lambda: not runtime_processes(old)), "the retired runtime's process is gone"
    assert runner.invoke(new, {}).response["version"] == 2
    again = runner.invoke(old, {})
    assert "Init Duration" in again.logs, "an event of the old code starts a new runtime: the retired one never serves"


def test_a_busy_runtime_is_retired_when_its_event_ends(runner, codes):
    old, new = codes
    assert runner.invoke(old, {}).ok
    results = []
    thread = threading.Thread(target=lambda: results.append(runner.invoke(old, {"sleep": 1.5})))
    thread.start()
    assert wait_until(lambda: runner.retire("retire-fn", keep=[new]) == 1, timeout=10)
    thread.join(30)
    assert results and results[0].ok and results[0].response["version"] == 1, "the event in flight finished"
    assert wait_until(lambda: not runtime_processes(old)), "then its runtime stopped"


def test_other_functions_are_left_alone(runner, codes):
    old, _ = codes
    assert runner.invoke(old, {}).ok
    assert runner.retire("another-fn") == 0
    assert len(runtime_processes(old)) == 1


def test_the_layers_are_extracted_once_for_every_runtime_of_them(runner, codes):
    old, new = codes
    first, second = runner.invoke(old, {}).response, runner.invoke(new, {}).response
    assert first["where"] == second["where"] == "layer"
    assert first["layer_inode"] == second["layer_inode"], "both runtimes read the same extracted layer"
