"""cdktf_lambda.emulator.server: start/stop a moto server by PID, the state file, the server's AWS fidelity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_lambda import processes
from cdktf_lambda.emulator import recorded
from cdktf_lambda.emulator import server as ms

#: A PID far above Linux's default pid_max: no process has it.
NO_SUCH_PID = 2**22 + 7


def assert_stopped(server: ms.MotoServer) -> None:
    assert processes.wait_gone(server.pid, 5), f"pid {server.pid} still alive"
    assert processes.port_is_free(server.port), f"port {server.port} still taken"
    assert not ms.ping(server.endpoint_url)


# ------------------------------------------------------------------------ no process


def test_the_server_runs_the_entry_module_and_a_local_cloud_that_fails_is_reported_not_fatal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server is ``python -m cdktf_lambda.emulator.entry`` (no script run by path, nothing shadowed); a local cloud
    that cannot install leaves moto running with the reason in its log."""
    from cdktf_lambda.emulator import cloud, entry

    assert ms.ENTRY_MODULE == entry.__name__ and ms.ENTRY_MODULE in ms.MOTO_CMDLINE_MARKERS

    def broken(*args: object) -> str:
        raise RuntimeError("no sandbox")

    monkeypatch.setattr(cloud, "install", broken)
    assert entry.install_local_cloud() == "failed: RuntimeError('no sandbox')"


def test_only_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        ms.start_server(host="0.0.0.0", log_path=tmp_path / "moto.log")
    assert not (tmp_path / "moto.log").exists(), "nothing is started for a refused address"


def test_state_file_round_trip_and_invalid_files(tmp_path: Path) -> None:
    server = ms.MotoServer(pid=NO_SUCH_PID, port=4566, log_path="/tmp/moto.log", started_at=12.5)
    path = recorded.write_state(tmp_path / "sub" / "moto.json", server)
    assert recorded.read_state(path) == server
    assert json.loads(path.read_text())["endpoint_url"] == "http://127.0.0.1:4566"
    assert [p.name for p in path.parent.iterdir()] == ["moto.json"], "no temporary file is left"
    for text in ("", "{", '{"port": 1}', '{"pid": "x", "port": 1}', "[]"):
        path.write_text(text)
        assert recorded.read_state(path) is None, text
    assert recorded.read_state(tmp_path / "missing.json") is None


def test_a_dead_recorded_server_is_neither_running_nor_signalled(tmp_path: Path) -> None:
    dead = ms.MotoServer(pid=NO_SUCH_PID, port=processes.free_port())
    assert dead.gone_reason() == f"the moto server at {dead.endpoint_url} (pid {NO_SUCH_PID}) is not running any more"
    assert ms.stop_server(dead) is False and ms.stop_server(NO_SUCH_PID) is False
    state = recorded.write_state(tmp_path / "moto.json", dead)
    assert recorded.status(state) is None
    assert recorded.stop(state) is False and not state.exists()
    assert dead.log_tail() == "(no log file)"


# --------------------------------------------------------------------------- servers


@pytest.mark.slow
def test_start_answer_stop(tmp_path: Path) -> None:
    server = ms.start_server(log_path=tmp_path / "moto.log")
    try:
        assert server.host == "127.0.0.1"
        assert server.is_alive() and server.answers() and server.gone_reason() is None
        assert ms.pid_is_moto(server.pid)
        assert "cdktf-lambda: patch sqs-compact-redrive-policy: applied" in (tmp_path / "moto.log").read_text()
    finally:
        assert ms.stop_server(server) is True
    assert_stopped(server)
    assert ms.stop_server(server) is False, "second stop is a no-op"


@pytest.mark.slow
def test_context_manager_stops_on_error(tmp_path: Path) -> None:
    seen: list[ms.MotoServer] = []
    with pytest.raises(RuntimeError, match="boom"):
        with ms.running_server(log_path=tmp_path / "moto.log") as server:
            seen.append(server)
            raise RuntimeError("boom")
    assert_stopped(seen[0])


@pytest.mark.slow
def test_explicit_port(tmp_path: Path) -> None:
    port = processes.free_port()
    with ms.running_server(port=port, log_path=tmp_path / "moto.log") as server:
        assert server.endpoint_url == f"http://127.0.0.1:{port}"
        assert server.answers()
    assert processes.port_is_free(port)


@pytest.mark.slow
def test_startup_failure_reports_the_log(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/bash\necho 'ImportError: no moto here' >&2\nexit 7\n")
    fake.chmod(0o755)
    with pytest.raises(ms.MotoServerError) as err:
        ms.start_server(python=str(fake), log_path=tmp_path / "moto.log", timeout=10)
    assert "no moto here" in str(err.value) and "code 7" in str(err.value)


@pytest.mark.slow
def test_stop_leaves_a_foreign_pid_alone(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not ms.pid_is_moto(other.pid)
        assert ms.stop_server(other.pid) is False
        assert other.poll() is None, "a non-moto process must never be signalled"
        # A state file whose PID was recycled by another program: status says not running,
        # start() replaces the record and still does not touch the other process.
        state = tmp_path / "moto.json"
        state.write_text(json.dumps({"pid": other.pid, "port": processes.free_port(), "log_path": None}))
        assert recorded.status(state) is None
        server, started = recorded.start(state)
        try:
            assert started and server.pid != other.pid and other.poll() is None
        finally:
            assert recorded.stop(state)
        assert_stopped(server)
    finally:
        processes.stop_process(other)


@pytest.mark.slow
def test_state_file_lifecycle(tmp_path: Path) -> None:
    state = tmp_path / "state" / "moto.json"
    server, started = recorded.start(state)
    try:
        assert started
        record = json.loads(state.read_text())
        assert record["pid"] == server.pid and record["port"] == server.port
        assert Path(record["log_path"]) == state.with_name("moto.log")
        again, started_again = recorded.start(state)
        assert not started_again and again.pid == server.pid
        assert recorded.status(state) == again
    finally:
        assert recorded.stop(state) is True
    assert not state.exists()
    assert_stopped(server)
    assert recorded.stop(state) is False
    assert recorded.status(state) is None


@pytest.mark.slow
def test_aws_managed_policies_are_loaded(clean_moto: ms.MotoServer) -> None:
    iam = ms.aws_client("iam", clean_moto.endpoint_url)
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


@pytest.mark.slow
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
