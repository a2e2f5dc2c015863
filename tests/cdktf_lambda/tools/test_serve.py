"""``cdktf-lambda serve --reload``: the API on uvicorn answers, and answers the new code after a save."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from cdktf_lambda.processes import free_port
from tests.conftest import LAMBDA_SRC

pytestmark = pytest.mark.slow

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def message(url: str) -> str | None:
    try:
        with _OPENER.open(url, timeout=5) as answer:
            return json.loads(answer.read()).get("message")
    except OSError:
        return None


def wait_for_message(url: str, text: str, process: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if message(url) == text:
            return True
        time.sleep(0.1)
    return False


def test_serve_reload_answers_the_saved_code(tmp_path):
    source = tmp_path / "lambda_src"
    for name in ("api_server", "practice_util"):
        shutil.copytree(LAMBDA_SRC / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    command = [sys.executable, "-m", "cdktf_lambda", "serve", "--reload", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--source-base-path", str(source)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # uvicorn's reloader and its server process: one group, stopped together
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for_message(url, "Hello World", process), "serve did not answer"
        module = source / "api_server" / "api_server.py"
        module.write_text(module.read_text().replace('"Hello World"', '"Hello again"'))
        assert wait_for_message(url, "Hello again", process), "serve --reload did not answer the saved code"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
