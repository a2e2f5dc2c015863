"""The user's path: ``make deploy-local`` / ``make destroy-local`` (``devtools.deploy_local``, i.e. ``cdktf deploy`` and
``cdktf destroy``) on a copy of the project, against a moto server the test owns.

The copy holds what a checkout has (sources, ``cdktf.json``, ``package.json``, ``Pipfile``/``Pipfile.lock``) with
``node_modules`` and ``.venv`` linked to the checkout's, so the CLI runs ``cdktf.json``'s own ``pipenv run python
main.py`` unchanged, and nothing is written into the checkout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_lambda.local.moto import MotoServer, write_state
from cdktf_lambda.local.terraform_run import run_terraform
from devtools import deploy_local
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


def run_deploy_local(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m devtools.deploy_local --project-dir <project> <args>``, as ``make deploy-local`` runs it."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}  # the script must set its own
    env["CDKTF_LAMBDA_FLAVOR"] = "cdktf"  # this test is about the cdktf CLI, whatever FLAVOR make was given
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.deploy_local", "--project-dir", str(project), *args],
        cwd=PROJECT_ROOT,
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
        # Timeout or Ctrl-C: stop the whole group (deploy_local -> cdktf -> terraform) before moto goes.
        for sig, grace in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
                proc.communicate(timeout=grace)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, _ANSI.sub("", output))


def test_deploy_local_up_and_down_with_cdktf_cli(
    tmp_path: Path, moto: MotoServer, capsys: pytest.CaptureFixture
) -> None:
    phases = Phases("app lifecycle through the cdktf CLI (devtools.deploy_local up/down)")
    try:
        _cli_lifecycle(tmp_path, moto, phases)
    finally:
        with capsys.disabled():
            echo("\n" + phases.report())
    assert phases.total < LIFECYCLE_BUDGET_SECONDS, f"lifecycle took {phases.total:.0f} s\n{phases.report()}"


def _cli_lifecycle(tmp_path: Path, moto: MotoServer, phases: Phases) -> None:
    assert_moto_patches_applied(moto)
    project = copy_project(tmp_path / "project", for_cli=True)
    workspace = deploy_local.Workspace(project)
    # `up` uses the server recorded in the project's state file: record the fixture's, so the test owns it (and
    # stops it by PID at the end even if `down` never runs).
    write_state(workspace.harness.moto_state, moto)

    with phases("deploy_local up (cdktf deploy)"):
        up = run_deploy_local(project, "up")
    assert up.returncode == 0, f"deploy_local up failed:\n{up.stdout[-6000:]}"
    assert f"moto already running: {moto.endpoint_url} (pid {moto.pid})" in up.stdout, up.stdout[-3000:]
    assert "tear down: make destroy-local" in up.stdout, "no teardown hint"
    outputs_by_stack = json.loads(workspace.outputs_file.read_text())
    assert list(outputs_by_stack) == [STACK]
    outputs = outputs_by_stack[STACK]
    for function in FUNCTIONS:
        assert f"{function}_function_name" in up.stdout and outputs[f"{function}_zip_hash"] in up.stdout

    # Everything of the local deploy lives in .local-aws/: synth output, outputs, state (never the project's own).
    stack_dir = workspace.outdir / "stacks" / STACK
    assert (workspace.work_dir / f"terraform.{STACK}.tfstate").is_file()
    assert not (project / f"terraform.{STACK}.tfstate").exists() and not (project / "cdktf.out").exists()
    assert not (PROJECT_ROOT / deploy_local.WORK_DIR_NAME / f"terraform.{STACK}.tfstate").exists()

    env = deploy_local.cdktf_env(workspace, moto)
    with phases("check objects (boto3)"):
        shown = run_terraform(["show", "-json"], stack_dir, env, abort_if=moto.gone_reason)
        state, state_outputs = state_and_outputs(json.loads(shown.output))
        assert state_outputs == outputs
        config = json.loads((stack_dir / "cdk.tf.json").read_text())
        check_deployed(config, state, outputs, stack_dir, moto.endpoint_url)
    with phases("plan (no drift)"):
        plan = run_terraform(
            ["plan", "-input=false", "-detailed-exitcode"], stack_dir, env, ok_codes=(0, 2), abort_if=moto.gone_reason
        )
        assert plan.returncode == 0, f"the stack deployed by cdktf deploy re-plans changes:\n{plan.output}"

    with phases("deploy_local down (cdktf destroy)"):
        down = run_deploy_local(project, "down")
    assert down.returncode == 0, f"deploy_local down failed:\n{down.stdout[-6000:]}"
    assert "resources left" not in down.stdout
    assert f"moto stopped (pid {moto.pid})" in down.stdout, down.stdout[-3000:]
    assert moto.gone_reason() is not None, "down did not stop the moto server"
    assert not workspace.harness.moto_state.exists() and workspace.state_files() == []
