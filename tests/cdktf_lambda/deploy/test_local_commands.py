"""``cdktf-lambda local``: the local cloud started by one process, looked at, driven and stopped by others (by PID)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_lambda import processes
from cdktf_lambda.deploy.status import resolve_function
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator import recorded
from cdktf_lambda.emulator import server as moto
from tests.cdktf_lambda.emulator.cloud._cloud import APP, zip_bytes


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``cdktf-lambda local --project-dir PROJECT ARGS`` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "cdktf_lambda", "local", "--project-dir", str(project), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )


def test_resolve_function_by_name_or_construct_id() -> None:
    names = ["practice-dev-api-server", "practice-dev-worker", "other-worker"]
    assert resolve_function("practice-dev-worker", names) == "practice-dev-worker"
    assert resolve_function("api_server", names) == "practice-dev-api-server"
    with pytest.raises(LookupError, match="several functions match 'worker'"):
        resolve_function("worker", names)
    with pytest.raises(LookupError, match="no function matches 'cron'"):
        resolve_function("cron", names)


@pytest.mark.slow
def test_the_local_cloud_across_processes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "cdktf.json").write_text("{}")
    workspace = Workspace(project)
    try:
        up = run(project, "up", "--no-deploy")
        assert up.returncode == 0, up.stdout + up.stderr
        server = recorded.read_state(workspace.moto_state)
        assert server is not None and processes.pid_alive(server.pid)
        assert f"cdktf-lambda: local cloud started: {server.endpoint_url}" in up.stderr
        assert "tear down: cdktf-lambda local down" in up.stdout, "the hints are the result"
        again = run(project, "up", "--no-deploy")
        assert again.stderr.startswith("cdktf-lambda: local cloud already running"), again.stderr

        # Something deployed by hand: a function on a schedule and behind a function URL, with the role and the
        # permissions AWS would need (IAM is enforced: its log needs logs: permissions, the URL and the rule a
        # resource-based permission).
        lam = moto.aws_client("lambda", server.endpoint_url)
        iam = moto.aws_client("iam", server.endpoint_url)
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "*"}]}
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
        basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        iam.attach_role_policy(RoleName="r", PolicyArn=basic)
        arn = lam.create_function(
            FunctionName="demo-dev-echo",
            Runtime="python3.13",
            Role=role["Role"]["Arn"],
            Handler="app.echo",
            Code={"ZipFile": zip_bytes({"app.py": APP})},
        )["FunctionArn"]
        lam.create_function_url_config(FunctionName="demo-dev-echo", AuthType="NONE")
        public = {"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}
        lam.add_permission(FunctionName="demo-dev-echo", StatementId="url", **public)
        events = moto.aws_client("events", server.endpoint_url)
        rule = events.put_rule(Name="demo-nightly", ScheduleExpression="cron(0 3 * * ? *)")["RuleArn"]
        by_rule = {"Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com", "SourceArn": rule}
        lam.add_permission(FunctionName="demo-dev-echo", StatementId="rule", **by_rule)
        events.put_targets(Rule="demo-nightly", Targets=[{"Id": "1", "Arn": arn, "Input": '{"job": "nightly"}'}])

        status = run(project, "status", "--json")
        info = json.loads(status.stdout)
        assert status.returncode == 0 and info["running"] is True
        assert (info["endpoint_url"], info["pid"], info["http_apis"]) == (server.endpoint_url, server.pid, {})
        assert info["function_urls"]["demo-dev-echo"].startswith("http://127.0.0.1:")
        assert info["outputs"] == {} and info["functions"] == ["demo-dev-echo"]
        assert [s["name"] for s in info["schedules"]] == ["demo-nightly"]
        assert info["iam"]["enforced"] is True
        text = run(project, "status").stdout
        assert "demo-nightly  cron(0 3 * * ? *)  next " in text
        assert "IAM: enforced, functions act with their roles" in text

        fired = run(project, "fire", "demo-nightly")
        assert fired.returncode == 0 and '"job": "nightly"' in fired.stdout, fired.stdout + fired.stderr
        logs = run(project, "logs", "echo")
        assert logs.returncode == 0 and 'echo got {"job": "nightly"}' in logs.stdout
        assert run(project, "fire", "no-such-rule").returncode == 2

        env = json.loads(run(project, "env", "--format", "json").stdout)
        assert (env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"]) == (server.endpoint_url, "test")

        lam.delete_function(FunctionName="demo-dev-echo")
        moto.aws_client("sqs", server.endpoint_url).create_queue(QueueName="left-behind")
        down = run(project, "down")
        assert down.returncode == 1 and "cdktf-lambda: error: resources left" in down.stderr, down.stderr
        assert "left-behind" in down.stderr and down.stdout == "", "nothing but notes"
        assert processes.wait_gone(server.pid, 5), f"pid {server.pid} still alive"
        assert processes.port_is_free(server.port) and not moto.ping(server.endpoint_url)
        assert not workspace.moto_state.exists()
        stopped = run(project, "status")
        assert (stopped.returncode, stopped.stdout) == (3, "")
        assert "is not running: `cdktf-lambda local up` starts it" in stopped.stderr
        assert run(project, "down").returncode == 0
    finally:
        workspace.stop_server()
