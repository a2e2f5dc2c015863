"""Fast checks of the pieces the lifecycle tests stand on: the local cloud's workspace (environment, state apart from
real deploys, bookkeeping, the CLI it runs) and moto's fidelity patches. No terraform here."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from cdktf_lambda.deploy import local as deploy
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator.recorded import write_state
from cdktf_lambda.emulator.server import MotoServer, aws_client, running_server
from cdktf_lambda.processes import free_port
from tests.cdktf_lambda.emulator._s3race import race, racing_client
from tests.cdktf_lambda.emulator.cloud._cloud import zip_bytes


def test_the_environment_points_everything_at_the_server(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    server = MotoServer(pid=1, port=4566)
    env = workspace.env(server, base_env={"PATH": "/usr/bin", "AWS_PROFILE": "prod"})

    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("test", "test")
    assert "AWS_PROFILE" not in env, "a profile could route calls to real AWS"
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / ".cdktf-lambda" / "local" / "cli.tfrc")
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent), "node 22 of the virtualenv must come first"


def test_local_deploys_keep_state_apart_from_real_deploys(tmp_path: Path) -> None:
    """The stack's backend path (three levels above the stack dir) lands in .cdktf-lambda/local/, not the project."""
    workspace = Workspace(tmp_path)
    stack_dir = workspace.outdir / "stacks" / "practice-dev"
    state = (stack_dir / "../../../terraform.practice-dev.tfstate").resolve()
    assert state.parent == workspace.state_dir.resolve()


def test_down_without_a_server_forgets_stale_state(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    workspace = Workspace(tmp_path)
    workspace.ensure()
    stale = [workspace.state_dir / "terraform.practice-dev.tfstate", workspace.state_dir / "terraform.x.tfstate.backup"]
    for path in stale:
        path.write_text("{}")
    workspace.outputs_file.write_text("{}")
    write_state(workspace.moto_state, MotoServer(pid=2**22 + 7, port=free_port()))

    caplog.set_level(logging.INFO, logger="cdktf_lambda.deploy")
    assert deploy.down(workspace) == 0

    assert "the local cloud is not running: nothing to destroy" in caplog.text
    assert not any(p.exists() for p in stale) and not workspace.outputs_file.exists()
    assert not workspace.moto_state.exists()
    assert (workspace.state_dir / ".gitignore").read_text().endswith("*\n")
    assert (tmp_path / ".cdktf-lambda" / ".gitignore").read_text().endswith("*\n")


def test_the_cli_is_the_configured_one_else_the_projects_else_the_one_on_path(tmp_path: Path) -> None:
    assert deploy.cdktf_cli(tmp_path, {"CDKTF_LAMBDA_CDKTF_CLI": "/opt/cdktn/bin/cdktn --quiet"}) == [
        "/opt/cdktn/bin/cdktn",
        "--quiet",
    ]
    local = tmp_path / "node_modules" / ".bin" / "cdktf"
    local.parent.mkdir(parents=True)
    local.write_text("#!/bin/sh\n")
    assert deploy.cdktf_cli(tmp_path, {"PATH": ""}) == [str(local)]
    local.unlink()
    on_path = tmp_path / "bin" / "cdktf"
    on_path.parent.mkdir()
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    assert deploy.cdktf_cli(tmp_path, {"PATH": str(on_path.parent)}) == [str(on_path)]
    with pytest.raises(deploy.DeployError, match="no cdktf CLI"):
        deploy.cdktf_cli(tmp_path, {"PATH": ""})


def test_without_a_provider_mirror_terraform_uses_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdktf_lambda.deploy import workspace as module
    from cdktf_lambda.deploy.mirror import ProviderMirrorNotFound

    def no_mirror(dest: Path) -> Path:
        raise ProviderMirrorNotFound("none here")

    monkeypatch.setattr(module, "write_cli_config", no_mirror)
    workspace = Workspace(tmp_path)
    assert "registry" in (workspace.write_cli_config() or "")
    assert workspace.cli_config.read_text().startswith("#")


@pytest.mark.slow
def test_moto_keeps_lambda_dead_letter_config_like_aws(tmp_path: Path) -> None:
    """Without cdktf_lambda/emulator/entry.py's patch moto drops DeadLetterConfig and cron_server re-plans forever."""
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
            Code={"ZipFile": zip_bytes({"app.py": "def handler(e, c):\n    return 1\n"})},
            DeadLetterConfig={"TargetArn": dlq_arn},
        )
        assert lam.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {"TargetArn": dlq_arn}

        lam.update_function_configuration(FunctionName="fn", DeadLetterConfig={"TargetArn": ""})
        assert "DeadLetterConfig" not in lam.get_function(FunctionName="fn")["Configuration"]
    assert "patch lambda-dead-letter-config: applied" in (tmp_path / "moto.log").read_text()


@pytest.mark.slow
def test_moto_s3_honours_if_none_match_so_one_of_racing_lockers_wins(tmp_path: Path) -> None:
    """Terraform's S3 native state lock (``use_lockfile``) is a PutObject with ``If-None-Match: *``: of 48 writers
    released together, exactly one may win, in every one of 10 rounds (the ``s3-atomic-conditional-writes`` patch;
    without it about one round in 250 had two winners here, see ``tests/cdktf_lambda/emulator/test_fidelity_s3.py``
    for the test that fails every time without it)."""
    with running_server(log_path=tmp_path / "moto.log") as server:
        client = racing_client(server.endpoint_url)
        client.create_bucket(Bucket="state")
        rounds = [race(client, "state", f"app-{index}.tflock", IfNoneMatch="*") for index in range(10)]
    assert [statuses.count(200) for statuses in rounds] == [1] * 10, rounds
    assert all(sorted(set(statuses)) == [200, 412] for statuses in rounds), rounds
    assert "patch s3-atomic-conditional-writes: applied" in (tmp_path / "moto.log").read_text()
