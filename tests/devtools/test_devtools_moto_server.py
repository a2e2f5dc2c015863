"""devtools.moto_server and the devtools.local_aws CLI: start/stop by PID, state file, inventory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools import local_aws
from devtools import moto_server as ms


def assert_stopped(server: ms.MotoServer) -> None:
    deadline = time.monotonic() + 5
    while ms.pid_alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not ms.pid_alive(server.pid), f"pid {server.pid} still alive"
    assert ms.port_is_free(server.port), f"port {server.port} still taken"
    assert not ms.ping(server.endpoint_url)


def test_start_answer_stop(tmp_path: Path) -> None:
    server = ms.start_server(log_path=tmp_path / "moto.log")
    try:
        assert server.host == "127.0.0.1"
        assert server.is_alive() and server.answers()
        assert ms.pid_is_moto(server.pid)
        assert "patch sqs-compact-redrive-policy: applied" in (tmp_path / "moto.log").read_text()
    finally:
        assert ms.stop_server(server) is True
    assert_stopped(server)
    assert ms.stop_server(server) is False, "second stop is a no-op"


def test_context_manager_stops_on_error(tmp_path: Path) -> None:
    seen: list[ms.MotoServer] = []
    with pytest.raises(RuntimeError, match="boom"):
        with ms.running_server(log_path=tmp_path / "moto.log") as server:
            seen.append(server)
            raise RuntimeError("boom")
    assert_stopped(seen[0])


def test_explicit_port(tmp_path: Path) -> None:
    port = ms.free_port()
    with ms.running_server(port=port, log_path=tmp_path / "moto.log") as server:
        assert server.endpoint_url == f"http://127.0.0.1:{port}"
        assert server.answers()
    assert ms.port_is_free(port)


def test_only_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        ms.start_server(host="0.0.0.0", log_path=tmp_path / "moto.log")


def test_startup_failure_reports_the_log(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/bash\necho 'ImportError: no moto here' >&2\nexit 7\n")
    fake.chmod(0o755)
    with pytest.raises(ms.MotoServerError) as err:
        ms.start_server(python=str(fake), log_path=tmp_path / "moto.log", timeout=10)
    assert "no moto here" in str(err.value) and "code 7" in str(err.value)


def test_stop_leaves_a_foreign_pid_alone(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not ms.pid_is_moto(other.pid)
        assert ms.stop_server(other.pid) is False
        assert other.poll() is None, "a non-moto process must never be signalled"
        # A state file whose PID was recycled by another program: status says not running,
        # start() replaces the record and still does not touch the other process.
        state = tmp_path / "moto.json"
        state.write_text(json.dumps({"pid": other.pid, "port": ms.free_port(), "log_path": None}))
        assert ms.status(state) is None
        server, started = ms.start(state)
        try:
            assert started and server.pid != other.pid and other.poll() is None
        finally:
            assert ms.stop(state)
        assert_stopped(server)
    finally:
        other.kill()
        other.wait()


def test_state_file_lifecycle(tmp_path: Path) -> None:
    state = tmp_path / "state" / "moto.json"
    server, started = ms.start(state)
    try:
        assert started
        recorded = json.loads(state.read_text())
        assert recorded["pid"] == server.pid and recorded["port"] == server.port
        assert Path(recorded["log_path"]) == state.with_name("moto.log")
        again, started_again = ms.start(state)
        assert not started_again and again.pid == server.pid
        assert ms.status(state) == again
    finally:
        assert ms.stop(state) is True
    assert not state.exists()
    assert_stopped(server)
    assert ms.stop(state) is False
    assert ms.status(state) is None


def test_server_started_by_another_process_is_stopped_by_pid(tmp_path: Path) -> None:
    """`make deploy-local` / `make destroy-local`: two separate processes."""
    project = tmp_path / "project"
    project.mkdir()
    code = "import sys; from devtools import local_aws; sys.exit(local_aws.main(sys.argv[1:]))"
    root = str(Path(local_aws.__file__).resolve().parents[1])
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code, "--project-dir", str(project), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
        env=dict(os.environ),
    )
    paths = local_aws.Paths(project)
    try:
        up = run("up")
        if up.returncode == 2 and "mirror" in up.stderr:
            pytest.skip(up.stderr)
        assert up.returncode == 0, up.stderr
        server = ms.read_state(paths.moto_state)
        assert server is not None and ms.pid_alive(server.pid)
        assert f"export AWS_ENDPOINT_URL={server.endpoint_url}" in up.stdout
        assert f"export TF_CLI_CONFIG_FILE={paths.cli_config}" in up.stdout
        assert paths.cli_config.is_file()
        assert (paths.state_dir / ".gitignore").read_text().strip().endswith("*")

        assert run("up").stderr.startswith("moto already running")
        env_json = json.loads(run("env", "--format", "json").stdout)
        assert env_json["AWS_ENDPOINT_URL"] == server.endpoint_url
        status = run("status", "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["resources"]["sqs_queues"] == 0

        ms.aws_client("sqs", server.endpoint_url).create_queue(QueueName="left-behind")
        down = run("down", "--require-empty")
        assert down.returncode == 1 and "left-behind" in down.stderr
        assert_stopped(server)
        assert not paths.moto_state.exists()
        assert run("status").returncode == 3
        assert run("env").returncode == 1
        assert run("down").returncode == 0
    finally:
        ms.stop(paths.moto_state)


def test_inventory_counts_and_reset(clean_moto: ms.MotoServer) -> None:
    url = clean_moto.endpoint_url
    counts = ms.resource_counts(url)
    assert set(counts) == set(ms.INVENTORY_KINDS)
    assert all(n == 0 for n in counts.values()), counts

    iam = ms.aws_client("iam", url)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(doc))
    ms.aws_client("sqs", url).create_queue(QueueName="q")
    ms.aws_client("logs", url).create_log_group(logGroupName="/aws/lambda/x")
    ms.aws_client("events", url).put_rule(Name="tick", ScheduleExpression="rate(5 minutes)")
    ms.aws_client("apigatewayv2", url).create_api(Name="api", ProtocolType="HTTP")
    lam = ms.aws_client("lambda", url)
    lam.publish_layer_version(LayerName="deps", Content={"ZipFile": b"PK\x05\x06" + b"\0" * 18})

    inv = ms.resource_inventory(url)
    assert inv["iam_roles"] == ["r"]
    assert len(inv["iam_policies"]) == 1, "AWS-managed policies are not counted"
    assert len(inv["sqs_queues"]) == 1 and inv["log_groups"] == ["/aws/lambda/x"]
    assert inv["eventbridge_rules"] == ["tick"] and len(inv["apigatewayv2_apis"]) == 1
    assert inv["lambda_layer_versions"] == ["deps:1"]
    assert set(ms.leftovers(url)) == {
        "iam_roles",
        "iam_policies",
        "sqs_queues",
        "log_groups",
        "eventbridge_rules",
        "apigatewayv2_apis",
        "lambda_layer_versions",
    }

    ms.reset(url)
    assert ms.leftovers(url) == {}


def test_aws_managed_policies_are_loaded(clean_moto: ms.MotoServer) -> None:
    iam = ms.aws_client("iam", clean_moto.endpoint_url)
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


def test_sqs_redrive_policy_is_compact_json_like_aws(clean_moto: ms.MotoServer) -> None:
    sqs = ms.aws_client("sqs", clean_moto.endpoint_url)
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName="jobs",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})},
    )["QueueUrl"]
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["RedrivePolicy"]
    assert got == '{"deadLetterTargetArn":"' + dlq_arn + '","maxReceiveCount":5}'
