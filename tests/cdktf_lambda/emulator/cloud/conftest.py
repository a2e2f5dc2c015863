"""A moto server with the local cloud, shared by a test module (helpers in ``_cloud.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdktf_lambda.emulator import server as moto
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud

#: The tests' role: Lambda and Scheduler may assume it, and it may do anything (IAM has tests of its own).
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "scheduler.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    """A moto server with the local cloud (asynchronous retries after 0.2 s) for the module; stopped by PID."""
    log = tmp_path_factory.mktemp("cloud") / "moto.log"
    with moto.running_server(log_path=log, extra_env={"CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS": "0.2"}) as server:
        assert "cdktf-lambda: local cloud: applied" in Path(log).read_text(), server.log_tail()
        iam = moto.aws_client("iam", server.endpoint_url)
        role = iam.create_role(RoleName="local-cloud-tests", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        iam.attach_role_policy(RoleName="local-cloud-tests", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        ready = Cloud(server, role)
        ready.function("warm-up", "warm")  # the first run copies the runtime's boto3: not inside a test's timing
        assert "FunctionError" not in ready.client("lambda").invoke(FunctionName="warm-up", Payload=b"{}")
        yield ready
