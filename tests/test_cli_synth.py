"""``make synth`` through the cdktf CLI on a fresh project: the first synth builds the dependency layer, and what it
prints reads as progress, never as ``[ERROR]`` (the CLI labels every chunk of an app's stderr as an error)."""

from __future__ import annotations

import os
import subprocess

import pytest

from cdktf_lambda import settings
from tests._checkout import PIPENV_ENV, copy_checkout
from tests.conftest import PROJECT_ROOT
from tests.fixtures.layers import session_wheelhouse

pytestmark = pytest.mark.slow


def test_a_first_cli_synth_prints_progress_and_no_error_line(tmp_path, tmp_path_factory, terraform_cli_config):
    project = copy_checkout(tmp_path / "fresh", extra=("package.json", "Pipfile", "Pipfile.lock"), links=(".venv",))
    env = {key: value for key, value in os.environ.items() if not key.startswith("CDKTF_LAMBDA_")}
    env.update(PIPENV_ENV)
    env.update(
        PATH=f"{PROJECT_ROOT / '.venv' / 'bin'}{os.pathsep}{PROJECT_ROOT / '.tools' / 'bin'}{os.pathsep}{env['PATH']}",
        TF_CLI_CONFIG_FILE=str(terraform_cli_config),
        CHECKPOINT_DISABLE="1",  # as the Makefile sets it: the CLI's telemetry check would fail offline
        CDKTF_LAMBDA_CACHE_DIR=str(tmp_path / "empty-cache"),  # nothing built yet, as on a fresh clone
        **{settings.WHEELHOUSE.name: str(session_wheelhouse(tmp_path_factory))},
    )
    result = subprocess.run(
        [str(PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"), "synth"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "cdktf-lambda: building dependency layer for python3.13/x86_64" in result.stdout
    assert "[ERROR]" not in output, output[-3000:]
    assert (project / "cdktf.out" / "stacks" / "practice-dev" / "cdk.tf.json").is_file()
