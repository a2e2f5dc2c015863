"""devtools.local_aws: a moto server started by one process (``up``) and stopped by PID by another (``down``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_lambda.local import moto, processes
from devtools import local_aws


@pytest.mark.slow
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
        server = moto.read_state(paths.moto_state)
        assert server is not None and processes.pid_alive(server.pid)
        assert f"export AWS_ENDPOINT_URL={server.endpoint_url}" in up.stdout
        assert f"export TF_CLI_CONFIG_FILE={paths.cli_config}" in up.stdout
        assert paths.cli_config.is_file()
        assert (paths.state_dir / ".gitignore").read_text().strip().endswith("*")

        assert run("up").stderr.startswith("moto already running")
        env_json = json.loads(run("env", "--format", "json").stdout)
        assert env_json["AWS_ENDPOINT_URL"] == server.endpoint_url
        status = run("status", "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["resources"]["sqs_queues"] == 0

        moto.aws_client("sqs", server.endpoint_url).create_queue(QueueName="left-behind")
        down = run("down", "--require-empty")
        assert down.returncode == 1 and "left-behind" in down.stderr
        assert processes.wait_gone(server.pid, 5), f"pid {server.pid} still alive"
        assert processes.port_is_free(server.port) and not moto.ping(server.endpoint_url)
        assert not paths.moto_state.exists()
        assert run("status").returncode == 3
        assert run("env").returncode == 1
        assert run("down").returncode == 0
    finally:
        moto.stop(paths.moto_state)
