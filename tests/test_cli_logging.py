"""``cdktf-lambda -v | -q``: what the command shows on the way (stderr), never what it answers (stdout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_lambda.cli import main
from cdktf_lambda.deploy.workspace import Workspace


@pytest.fixture
def stale_project(tmp_path: Path) -> Path:
    """A project whose local cloud is not running, with a state file left from an earlier one."""
    (tmp_path / "cdktf.json").write_text("{}")
    workspace = Workspace(tmp_path)
    workspace.ensure()
    (workspace.state_dir / "terraform.practice-dev.tfstate").write_text("{}")
    return tmp_path


NOTE = "cdktf-lambda: the local cloud is not running: nothing to destroy (removed 1 state files)\n"


def test_by_default_the_notes_show_on_stderr(stale_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local", "--project-dir", str(stale_project), "down"]) == 0
    assert capsys.readouterr() == ("", NOTE)


def test_quiet_shows_only_warnings_and_errors(stale_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "local", "--project-dir", str(stale_project), "down"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["--quiet", "local", "--project-dir", str(stale_project), "status"]) == 3
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"cdktf-lambda: error: the local cloud of {stale_project} is not running")


def test_verbose_shows_debug_notes_with_the_logger_s_name(
    stale_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-v", "local", "--project-dir", str(stale_project), "down"]) == 0
    out, err = capsys.readouterr()
    state = Workspace(stale_project).state_dir / "terraform.practice-dev.tfstate"
    assert out == ""
    assert err == (
        f"cdktf-lambda: [cdktf_lambda.deploy] removed {state}\n"
        + NOTE.replace("cdktf-lambda: ", "cdktf-lambda: [cdktf_lambda.deploy] ")
    )


def test_results_go_to_stdout_whatever_the_verbosity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "runtime", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("runtime cache: ") and err == ""


def test_verbose_and_quiet_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["-v", "-q", "runtime", "list"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
