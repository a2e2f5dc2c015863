"""cdktf_lambda.deploy.terraform: finding terraform, running it, failures and timeouts."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.deploy import terraform as tr
from cdktf_lambda.deploy.mirror import terraform_env

PATH_ONLY = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def fake_binary(path: Path, script: str) -> str:
    path.write_text("#!/bin/bash\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# -------------------------------------------------------------------------- runner


@pytest.mark.slow
def test_run_terraform_captures_output_and_adds_no_color(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", 'echo "args: $*"; echo "cfg: $TF_CLI_CONFIG_FILE" >&2\n')
    res = tr.run_terraform(["plan", "-input=false"], tmp_path, {**PATH_ONLY, "TF_CLI_CONFIG_FILE": "x"}, binary=exe)
    assert res.returncode == 0
    assert "args: plan -no-color -input=false" in res.output
    assert "cfg: x" in res.output, "stderr is captured too"
    res = tr.run_terraform(["state", "list"], tmp_path, PATH_ONLY, binary=exe)
    assert "args: state list" in res.output


@pytest.mark.slow
def test_run_terraform_failure_shows_the_tail(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", "for i in $(seq 1 100); do echo line-$i; done\nexit 3\n")
    with pytest.raises(tr.TerraformError) as err:
        tr.run_terraform(["apply"], tmp_path, PATH_ONLY, binary=exe, tail_lines=10)
    message = str(err.value)
    assert "exit code 3" in message and "line-100" in message and "line-91" in message
    assert "line-90\n" not in message
    assert err.value.returncode == 3 and "line-1\n" in err.value.output


@pytest.mark.slow
def test_run_terraform_ok_codes(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", "exit 2\n")
    res = tr.run_terraform(["plan", "-detailed-exitcode"], tmp_path, PATH_ONLY, binary=exe, ok_codes=(0, 2))
    assert res.changes_present


@pytest.mark.slow
def test_run_terraform_timeout_stops_the_process(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    exe = fake_binary(tmp_path / "terraform", f"echo $$ > {marker}\nexec sleep 30\n")
    started = time.monotonic()
    with pytest.raises(tr.TerraformError, match="timed out"):
        tr.run_terraform(["apply"], tmp_path, PATH_ONLY, binary=exe, timeout=1)
    assert time.monotonic() - started < 20
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.slow
def test_abort_if_stops_terraform_with_the_reason_first(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", "echo Creating...\nexec sleep 30\n")
    polls: list[float] = []

    def gone() -> str | None:
        polls.append(time.monotonic())
        return "the server is gone" if len(polls) >= 2 else None

    started = time.monotonic()
    with pytest.raises(tr.TerraformError) as err:
        tr.run_terraform(["apply"], tmp_path, PATH_ONLY, binary=exe, abort_if=gone)
    assert time.monotonic() - started < 10
    assert err.value.reason == "the server is gone" and err.value.returncode == -1
    assert str(err.value).splitlines()[0].startswith("`terraform apply -no-color` was stopped: the server is gone")
    assert "Creating..." in err.value.output


def test_tail() -> None:
    assert tr.tail("a\nb\nc\n\n", 2) == "b\nc"
    assert tr.tail("", 3) == ""


def test_missing_terraform_binary(tmp_path: Path) -> None:
    with pytest.raises(tr.TerraformNotFound):
        tr.terraform_binary({"PATH": str(tmp_path)})
    with pytest.raises(tr.TerraformNotFound):
        tr.terraform_binary({settings.TERRAFORM.name: str(tmp_path / "nope")})


@pytest.mark.terraform
def test_real_terraform_error_is_readable(terraform_ready: Path, tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{"resource": {"nope_thing": {"x": {}}}}')
    env = terraform_env(terraform_ready)
    with pytest.raises(tr.TerraformError) as err:
        tr.run_terraform(["init", "-input=false"], tmp_path, env)
    assert "hashicorp/nope" in str(err.value)
