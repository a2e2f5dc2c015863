"""Lifecycle checks of the production options the app uses: through boto3, what moto holds equals the config.

Per function: the alias ``live`` exists and points at the published version Terraform recorded, SnapStart as
configured, the logging config (JSON, levels, own log group), the recursion guard; cron_server's asynchronous
invocation config on the alias (retries, event age, on-failure destination); the Scheduler schedule of cron_server
(time zone, target = the alias, its role, retry policy, dead-letter queue).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cdktf_lambda.emulator.server import aws_client

FUNCTIONS = ("api_server", "cron_server", "worker")


def _one(config: Mapping[str, Any], resource_type: str, **match: Any) -> tuple[str, dict[str, Any]]:
    found = [
        (f"{resource_type}.{logical_id}", body)
        for logical_id, body in config.get("resource", {}).get(resource_type, {}).items()
        if all(body.get(key) == value for key, value in match.items())
    ]
    assert len(found) == 1, f"expected one {resource_type} with {match}, found {[a for a, _ in found]}"
    return found[0]


def _function_address(config: Mapping[str, Any], logical_prefix: str) -> str:
    (address,) = [
        f"aws_lambda_function.{lid}"
        for lid in config["resource"]["aws_lambda_function"]
        if lid.startswith(logical_prefix)
    ]
    return address


def check_features(
    config: Mapping[str, Any], state: Mapping[str, Mapping[str, Any]], outputs: Mapping[str, Any], endpoint_url: str
) -> None:
    lam = aws_client("lambda", endpoint_url)
    for function in FUNCTIONS:
        name = outputs[f"{function}_function_name"]
        function_state = state[_function_address(config, f"{function}_function")]
        where = f"{function} ({name})"
        got = lam.get_function(FunctionName=name)["Configuration"]
        want = config["resource"]["aws_lambda_function"][
            _function_address(config, f"{function}_function").split(".")[1]
        ]

        alias = lam.get_alias(FunctionName=name, Name="live")
        assert alias["AliasArn"] == outputs[f"{function}_alias_arn"], where
        assert alias["FunctionVersion"] == function_state["version"] != "$LATEST", f"{where}: alias not on the version"
        published = lam.get_function(FunctionName=name, Qualifier="live")["Configuration"]
        assert published["Version"] == function_state["version"], where

        snap_start = want.get("snap_start", {}).get("apply_on", "None")
        assert got["SnapStart"]["ApplyOn"] == snap_start, where
        if snap_start == "PublishedVersions":
            assert published["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, where
        assert got["LoggingConfig"] == {
            "LogFormat": "JSON",
            "LogGroup": f"/aws/lambda/{name}",
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "INFO",
        }, where
        assert got["EphemeralStorage"] == {"Size": 512}, where
        assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Terminate", where

    cron = outputs["cron_server_function_name"]
    _, dlq = _one(config, "aws_sqs_queue", name="practice-dev-cron-server-dlq")
    dlq_arn = next(v["arn"] for a, v in state.items() if a.startswith("aws_sqs_queue.") and v["name"] == dlq["name"])
    invoke_config = lam.get_function_event_invoke_config(FunctionName=cron, Qualifier="live")
    assert invoke_config["FunctionArn"] == outputs["cron_server_alias_arn"]
    assert (invoke_config["MaximumRetryAttempts"], invoke_config["MaximumEventAgeInSeconds"]) == (2, 3600)
    assert invoke_config["DestinationConfig"]["OnFailure"] == {"Destination": dlq_arn}

    address, want = _one(config, "aws_scheduler_schedule", name="practice-dev-cron-server")
    schedule = aws_client("scheduler", endpoint_url).get_schedule(Name="practice-dev-cron-server")
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (
        want["schedule_expression"],
        "Europe/Madrid",
    )
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = schedule["Target"]
    assert target["Arn"] == outputs["cron_server_alias_arn"], "the schedule invokes the alias"
    assert target["RoleArn"] == state[address]["target"][0]["role_arn"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert target["DeadLetterConfig"] == {"Arn": dlq_arn}
    event = json.loads(target["Input"])
    assert (event["source"], event["account"], event["region"]) == ("aws.scheduler", "123456789012", "us-east-1")
    role_name = target["RoleArn"].rsplit("/", 1)[1]
    iam = aws_client("iam", endpoint_url)
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    policy = iam.get_role_policy(RoleName=role_name, PolicyName="invoke")["PolicyDocument"]
    assert policy["Statement"][0]["Resource"] == [outputs["cron_server_alias_arn"]]
