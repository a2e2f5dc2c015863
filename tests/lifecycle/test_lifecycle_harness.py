"""Fast checks of the pieces the lifecycle tests stand on: the deploy_local environment and bookkeeping, and the
moto fidelity patch for Lambda dead-letter configs. No terraform here."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.local.moto import MotoServer, aws_client, running_server, write_state
from cdktf_lambda.local.processes import free_port
from devtools import deploy_local
from tests.lifecycle._lifecycle import PROJECT_ROOT


def test_cdktf_env_points_everything_at_the_server(tmp_path: Path) -> None:
    workspace = deploy_local.Workspace(tmp_path)
    server = MotoServer(pid=1, port=4566)
    env = deploy_local.cdktf_env(workspace, server, base_env={"PATH": "/usr/bin", "AWS_PROFILE": "prod"})

    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("test", "test")
    assert "AWS_PROFILE" not in env, "a profile could route calls to real AWS"
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / ".terraform.d" / "cli.tfrc")
    path = env["PATH"].split(":")
    assert path[0] == str(Path(sys.executable).parent), "node 22 of the virtualenv must come first"
    assert str(PROJECT_ROOT / ".tools" / "bin") in path, "pipenv (cdktf.json's app) must be on PATH"
    assert env["PIPENV_VENV_IN_PROJECT"] == "1" and env["PIPENV_IGNORE_VIRTUALENVS"] == "1"


def test_local_deploys_keep_state_apart_from_real_deploys(tmp_path: Path) -> None:
    """The stack's backend path (three levels above the stack dir) lands in .local-aws/, not the project."""
    workspace = deploy_local.Workspace(tmp_path)
    stack_dir = workspace.outdir / "stacks" / "practice-dev"
    state = (stack_dir / "../../../terraform.practice-dev.tfstate").resolve()
    assert state.parent == workspace.work_dir.resolve()


def test_down_without_a_server_forgets_stale_state(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    workspace = deploy_local.Workspace(tmp_path)
    workspace.ensure_work_dir()
    stale = [workspace.work_dir / "terraform.practice-dev.tfstate", workspace.work_dir / "terraform.x.tfstate.backup"]
    for path in stale:
        path.write_text("{}")
    workspace.outputs_file.write_text("{}")
    dead = MotoServer(pid=2**22 + 7, port=free_port())
    write_state(workspace.harness.moto_state, dead)

    assert deploy_local.main(["--project-dir", str(tmp_path), "down"]) == 0

    assert "moto is not running: nothing to destroy" in capsys.readouterr().out
    assert not any(p.exists() for p in stale) and not workspace.outputs_file.exists()
    assert not workspace.harness.moto_state.exists()
    assert (workspace.work_dir / ".gitignore").read_text().endswith("*\n")


def test_cli_is_chosen_by_flavor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKTF_LAMBDA_FLAVOR", "cdktf")
    assert deploy_local.cli_command(tmp_path)[-1].endswith("node_modules/.bin/cdktf")
    monkeypatch.setenv("CDKTF_LAMBDA_FLAVOR", "cdktn")
    assert deploy_local.cli_command(tmp_path)[-1].endswith("flavors/cdktn/node_modules/.bin/cdktn")


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.slow
def test_moto_keeps_lambda_dead_letter_config_like_aws(tmp_path: Path) -> None:
    """Without cdktf_lambda/local/moto_entry.py's patch moto drops DeadLetterConfig and cron_server re-plans forever."""
    with running_server(log_path=tmp_path / "moto.log") as server:
        iam = aws_client("iam", server.endpoint_url)
        lam = aws_client("lambda", server.endpoint_url)
        sqs = aws_client("sqs", server.endpoint_url)
        role = iam.create_role(
            RoleName="fn",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )["Role"]["Arn"]
        queue = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        lam.create_function(
            FunctionName="fn",
            Runtime="python3.13",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": _zip({"app.py": "def handler(e, c):\n    return 1\n"})},
            DeadLetterConfig={"TargetArn": dlq_arn},
        )
        assert lam.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {"TargetArn": dlq_arn}

        lam.update_function_configuration(FunctionName="fn", DeadLetterConfig={"TargetArn": ""})
        assert "DeadLetterConfig" not in lam.get_function(FunctionName="fn")["Configuration"]
    assert "patch lambda-dead-letter-config: applied" in (tmp_path / "moto.log").read_text()
