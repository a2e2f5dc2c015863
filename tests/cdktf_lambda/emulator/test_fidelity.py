"""The moto patches of :mod:`cdktf_lambda.emulator.fidelity`: moto answers as AWS does for the production options
of a function (each test would fail against unpatched moto 5.2)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.emulator import server as ms
from cdktf_lambda.emulator.fidelity import FIDELITY_PATCHES

pytestmark = pytest.mark.slow

TRUST = {
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("worker.py", "def lambda_handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def _function(server: ms.MotoServer, name: str = "f", **extra):
    iam = ms.aws_client("iam", server.endpoint_url)
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    lam = ms.aws_client("lambda", server.endpoint_url)
    lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="worker.lambda_handler",
        Code={"ZipFile": _zip()},
        **extra,
    )
    return lam


def test_every_fidelity_patch_is_applied(clean_moto: ms.MotoServer) -> None:
    log = Path(clean_moto.log_path).read_text()
    for name in FIDELITY_PATCHES:
        assert f"cdktf-lambda: patch {name}: applied" in log


def test_snap_start_is_returned_as_configured(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto, SnapStart={"ApplyOn": "PublishedVersions"}, Publish=True)
    assert lam.get_function(FunctionName="f")["Configuration"]["SnapStart"] == {
        "ApplyOn": "PublishedVersions",
        "OptimizationStatus": "Off",
    }
    assert lam.get_function(FunctionName="f", Qualifier="1")["Configuration"]["SnapStart"]["OptimizationStatus"] == "On"
    lam.update_function_configuration(FunctionName="f", SnapStart={"ApplyOn": "None"})
    assert lam.get_function(FunctionName="f")["Configuration"]["SnapStart"]["ApplyOn"] == "None"


def test_logging_config_has_aws_defaults_and_updates(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto)
    assert lam.get_function(FunctionName="f")["Configuration"]["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": "/aws/lambda/f",
    }
    lam.update_function_configuration(
        FunctionName="f", LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN"}
    )
    assert lam.get_function(FunctionName="f")["Configuration"]["LoggingConfig"] == {
        "LogFormat": "JSON",
        "LogGroup": "/aws/lambda/f",
        "ApplicationLogLevel": "WARN",
        "SystemLogLevel": "INFO",
    }


def test_ephemeral_storage_update_is_applied(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto, EphemeralStorage={"Size": 1024})
    lam.update_function_configuration(FunctionName="f", EphemeralStorage={"Size": 2048})
    assert lam.get_function(FunctionName="f")["Configuration"]["EphemeralStorage"] == {"Size": 2048}


def test_event_invoke_config_is_one_per_qualifier_and_put_replaces_it(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto, Publish=True)
    lam.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=600)
    lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    got = lam.get_function_event_invoke_config(FunctionName="f")
    assert got["MaximumRetryAttempts"] == 1 and "MaximumEventAgeInSeconds" not in got, "Put replaces the config"

    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_event_invoke_config(FunctionName="f", Qualifier="live")
    lam.put_function_event_invoke_config(FunctionName="f", Qualifier="live", MaximumRetryAttempts=0)
    lam.update_function_event_invoke_config(FunctionName="f", Qualifier="live", MaximumEventAgeInSeconds=3600)
    live = lam.get_function_event_invoke_config(FunctionName="f", Qualifier="live")
    assert (live["MaximumRetryAttempts"], live["MaximumEventAgeInSeconds"]) == (0, 3600), "Update merges"
    assert live["FunctionArn"].endswith(":function:f:live")

    lam.delete_function_event_invoke_config(FunctionName="f", Qualifier="live")
    assert lam.get_function_event_invoke_config(FunctionName="f")["MaximumRetryAttempts"] == 1
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_event_invoke_config(FunctionName="f", Qualifier="live")


def test_recursion_config_defaults_to_terminate_and_is_kept(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto)
    assert lam.get_function_recursion_config(FunctionName="f")["RecursiveLoop"] == "Terminate"
    assert lam.put_function_recursion_config(FunctionName="f", RecursiveLoop="Allow")["RecursiveLoop"] == "Allow"
    assert lam.get_function_recursion_config(FunctionName="f")["RecursiveLoop"] == "Allow"


def test_event_source_mapping_keeps_the_alias_arn_it_was_given(clean_moto: ms.MotoServer) -> None:
    lam = _function(clean_moto, Publish=True)
    alias_arn = lam.create_alias(FunctionName="f", Name="live", FunctionVersion="1")["AliasArn"]
    sqs = ms.aws_client("sqs", clean_moto.endpoint_url)
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    poll = {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{**poll, "Resource": queue_arn}]})
    iam = ms.aws_client("iam", clean_moto.endpoint_url)
    iam.put_role_policy(RoleName="f-role", PolicyName="q", PolicyDocument=policy)  # Lambda polls with the role
    uuid = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=alias_arn)["UUID"]
    assert lam.get_event_source_mapping(UUID=uuid)["FunctionArn"] == alias_arn
