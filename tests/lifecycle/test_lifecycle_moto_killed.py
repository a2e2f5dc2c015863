"""When the local AWS (moto) dies in the middle of a deploy, the harness fails at once and says so, naming it.

Left to itself, the aws provider retries a dead endpoint for 30-60 s per call and then reports a pile of
``connection refused`` errors. The harness watches the server process while terraform runs
(``run_terraform(..., abort_if=server.gone_reason)``), stops terraform and raises a ``TerraformError`` whose first
line names the endpoint and the PID.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from cdktf_lambda.deploy.terraform import TerraformError
from cdktf_lambda.emulator.server import MotoServer, aws_client
from tests.lifecycle._lifecycle import Deployment, copy_project, synth_app

pytestmark = pytest.mark.terraform

#: Seconds from the kill to the error: a few polls and terraform's graceful stop (it does not wait for retries).
MAX_SECONDS_TO_FAIL = 20.0


def kill_when_deploy_is_under_way(server: MotoServer, stop: threading.Event) -> list[float]:
    """Start a thread that SIGKILLs ``server`` by its PID once a Lambda layer version exists in it (apply has
    created some resources and has more in flight: queues, functions). Returns a list that gets the kill time."""
    killed_at: list[float] = []

    def watch() -> None:
        lam = aws_client("lambda", server.endpoint_url)
        while not stop.is_set():
            try:
                if lam.list_layers()["Layers"]:
                    os.kill(server.pid, signal.SIGKILL)
                    killed_at.append(time.monotonic())
                    return
            except Exception:  # moto busy: try again
                pass
            time.sleep(0.2)

    threading.Thread(target=watch, name="kill-moto", daemon=True).start()
    return killed_at


def test_apply_fails_loudly_when_moto_is_killed_mid_run(tmp_path: Path, cli_config: Path, moto: MotoServer) -> None:
    tf = Deployment(synth_app(copy_project(tmp_path / "project")), moto, cli_config)
    tf.terraform("init", "-input=false")

    stop = threading.Event()
    killed_at = kill_when_deploy_is_under_way(moto, stop)
    try:
        with pytest.raises(TerraformError) as failure:
            tf.terraform("apply", "-input=false", "-auto-approve")
        failed_at = time.monotonic()
    finally:
        stop.set()

    assert killed_at, f"moto was not killed during apply; terraform failed on its own:\n{failure.value}"
    error = failure.value
    first_line = str(error).splitlines()[0]
    assert error.reason == f"the moto server at {moto.endpoint_url} (pid {moto.pid}) is not running any more"
    assert first_line.startswith("`terraform apply") and error.reason in first_line, first_line
    # The kill comes once moto holds a layer version, which may be before terraform prints "Creation complete"
    # for it: what must hold is that apply was creating resources when moto died.
    assert "Creating..." in error.output, "moto was killed before apply started creating resources"
    assert failed_at - killed_at[0] < MAX_SECONDS_TO_FAIL, f"took {failed_at - killed_at[0]:.0f} s to fail"
    assert not moto.is_alive()

    # Any later command fails at once, with the same clear reason.
    started = time.monotonic()
    with pytest.raises(TerraformError, match=re.escape(f"moto server at {moto.endpoint_url}")):
        tf.terraform("plan", "-input=false")
    assert time.monotonic() - started < MAX_SECONDS_TO_FAIL
