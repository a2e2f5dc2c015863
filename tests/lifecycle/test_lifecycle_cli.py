"""The user's path: ``make deploy-local`` / ``make destroy-local`` (``cdktf-lambda local up`` / ``down``: ``cdktf
deploy`` and ``cdktf destroy`` into the local cloud) on a copy of the project, and the deployed app answering.

The copy holds what a checkout has (sources, ``cdktf.json``, ``package.json``, ``Pipfile``/``Pipfile.lock``) with
``node_modules`` and ``.venv`` linked to the checkout's, so the CLI runs ``cdktf.json``'s own ``pipenv run python
main.py`` unchanged, and nothing is written into the checkout. After ``up``: ``curl`` to the URL ``status`` prints
answers, and a message sent to the worker queue is processed (the acceptance of the local cloud).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from cdktf_lambda.deploy.terraform import run_terraform
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator import recorded
from cdktf_lambda.emulator import server as moto
from cdktf_lambda.testing import wait_for
from cdktf_lambda.testing.http import request
from tests._checkout import PIPENV_ENV
from tests.lifecycle._lifecycle import (
    FUNCTIONS,
    LIFECYCLE_BUDGET_SECONDS,
    PROJECT_ROOT,
    STACK,
    Phases,
    assert_moto_patches_applied,
    check_deployed,
    copy_project,
    echo,
    state_and_outputs,
)

pytestmark = pytest.mark.terraform

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run_local(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``cdktf-lambda local --project-dir <project> <args>``, as ``make deploy-local`` runs it."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}  # the command sets its own
    env.update(PIPENV_ENV)
    env["PATH"] = os.pathsep.join([str(PROJECT_ROOT / ".tools" / "bin"), env.get("PATH", "")])  # pipenv (cdktf.json)
    env["CDKTF_LAMBDA_FLAVOR"] = "cdktf"  # this test is about the cdktf CLI, whatever FLAVOR make was given
    env.pop("CDKTF_LAMBDA_CDKTF_CLI", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cdktf_lambda", "local", "--project-dir", str(project), *args],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: cdktf, pipenv and terraform below it
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except BaseException:
        # Timeout or Ctrl-C: stop the whole group (cdktf-lambda -> cdktf -> terraform) before moto goes.
        for sig, grace in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
                proc.communicate(timeout=grace)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, _ANSI.sub("", output))


def test_local_up_answers_and_processes_then_down(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    phases = Phases("app lifecycle through the cdktf CLI (cdktf-lambda local up/down)")
    project = copy_project(tmp_path / "project", for_cli=True)
    workspace = Workspace(project)
    workspace.ensure()
    # The server `up` finds recorded: started here, so it also exits if this test process dies, and is stopped by
    # PID at the end even if `down` never runs.
    server, _ = recorded.start(
        workspace.moto_state, log_path=workspace.moto_log, extra_env=workspace.server_env(), exit_with_parent=True
    )
    try:
        _cli_lifecycle(project, workspace, server, phases)
    finally:
        moto.stop_server(server)
        with capsys.disabled():
            echo("\n" + phases.report())
    assert phases.total < LIFECYCLE_BUDGET_SECONDS, f"lifecycle took {phases.total:.0f} s\n{phases.report()}"


def _cli_lifecycle(project: Path, workspace: Workspace, server: moto.MotoServer, phases: Phases) -> None:
    assert_moto_patches_applied(server)
    with phases("local up (cdktf deploy)"):
        up = run_local(project, "up")
    assert up.returncode == 0, f"local up failed:\n{up.stdout[-6000:]}"
    assert f"local cloud already running: {server.endpoint_url} (pid {server.pid})" in up.stdout, up.stdout[-3000:]
    assert "tear down: cdktf-lambda local down" in up.stdout, "no teardown hint"
    outputs_by_stack = json.loads(workspace.outputs_file.read_text())
    assert list(outputs_by_stack) == [STACK]
    outputs = outputs_by_stack[STACK]
    for function in FUNCTIONS:
        assert f"{function}_function_name" in up.stdout and outputs[f"{function}_zip_hash"] in up.stdout

    # Everything of the local deploy lives in .cdktf-lambda/local/: synth output, outputs, state.
    stack_dir = workspace.outdir / "stacks" / STACK
    assert (workspace.state_dir / f"terraform.{STACK}.tfstate").is_file()
    assert not (project / f"terraform.{STACK}.tfstate").exists() and not (project / "cdktf.out").exists()

    with phases("status, curl, send-message"):
        status = json.loads(run_local(project, "status", "--json").stdout)
        assert (status["endpoint_url"], status["outputs"]) == (server.endpoint_url, outputs_by_stack)
        url = status["http_apis"]["practice-dev-api"]
        assert url.startswith("http://127.0.0.1:") and url in up.stdout
        with _OPENER.open(url + "/", timeout=60) as answer:  # what `curl "$URL/"` does
            assert (answer.status, json.loads(answer.read())) == (200, {"message": "Hello World"})
        sqs = moto.aws_client("sqs", server.endpoint_url)
        message = {"request_id": "from-the-cli-test", "name": "Ada", "language": "es"}
        sqs.send_message(QueueUrl=outputs["worker_queue_url"], MessageBody=json.dumps(message))
        answer = wait_for(
            lambda: (found := request("GET", f"{url}/greetings/from-the-cli-test")).status != 404 and found,
            timeout=120,
            what="the worker's greeting, readable through the API",
        )
        assert (answer.status, answer.json()["greeting"]) == (200, "Hola, Ada!")

    env = workspace.env(server)
    with phases("check objects (boto3)"):
        shown = run_terraform(["show", "-json"], stack_dir, env, abort_if=server.gone_reason)
        state, state_outputs = state_and_outputs(json.loads(shown.output))
        assert state_outputs == outputs
        config = json.loads((stack_dir / "cdk.tf.json").read_text())
        check_deployed(config, state, outputs, stack_dir, server.endpoint_url)
    with phases("plan (no drift)"):
        plan = run_terraform(
            ["plan", "-input=false", "-detailed-exitcode"], stack_dir, env, ok_codes=(0, 2), abort_if=server.gone_reason
        )
        assert plan.returncode == 0, f"the stack deployed by cdktf deploy re-plans changes:\n{plan.output}"

    with phases("local down (cdktf destroy)"):
        down = run_local(project, "down")
    assert down.returncode == 0, f"local down failed:\n{down.stdout[-6000:]}"
    assert "resources left" not in down.stdout
    assert f"local cloud stopped (pid {server.pid})" in down.stdout, down.stdout[-3000:]
    assert server.gone_reason() is not None, "down did not stop the moto server"
    assert not workspace.moto_state.exists() and workspace.state_files() == []
