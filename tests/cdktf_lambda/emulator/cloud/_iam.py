"""Helpers of the IAM tests of the local cloud: roles with exactly the statements a test gives, and functions that
make the AWS call their event names with their own credentials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud, zip_bytes

ACCOUNT = "123456789012"
#: Handlers that act with the function's credentials (zipped as ``iam_app.py``).
IAM_APP = '''
import json, os, urllib.request
import boto3
from botocore.exceptions import ClientError


def call(event, context):
    """The AWS call the event names, made with the function's credentials: its answer or the error AWS gave."""
    client = boto3.client(event["service"])
    try:
        answer = getattr(client, event["operation"])(**event.get("params", {}))
    except ClientError as exc:
        error = exc.response["Error"]
        status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        return {"error": error["Code"], "status": status, "message": error.get("Message", "")}
    answer.pop("ResponseMetadata", None)
    return {"ok": json.loads(json.dumps(answer, default=str))}


def identity(event, context):
    return {"arn": boto3.client("sts").get_caller_identity()["Arn"], "key": os.environ["AWS_ACCESS_KEY_ID"]}


def echo(event, context):
    print("echo", json.dumps(event))
    return event


def fail(event, context):
    raise ValueError("failed on purpose")


def signed_get(event, context):
    """GET the URL of the event signed (SigV4, service lambda) with the function's credentials; the status."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method="GET", url=event["url"])
    SigV4Auth(boto3.Session().get_credentials(), "lambda", "us-east-1").add_auth(request)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(event["url"], headers=dict(request.headers))) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
'''


def trust(*services: str) -> str:
    principal = {"Service": list(services)}
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal,
                                                               "Action": "sts:AssumeRole"}]})  # fmt: skip


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: str | list[str], resource: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def role(cloud: Cloud, name: str, *statements: dict[str, Any], services: tuple[str, ...] = ("lambda",)) -> str:
    """A role ``name`` trusted by ``services`` (``lambda`` -> ``lambda.amazonaws.com``), with one inline policy
    ``main`` holding ``statements`` (none: no policy); its ARN."""
    iam = cloud.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(*(f"{s}.amazonaws.com" for s in services)))
    if statements:
        iam.put_role_policy(RoleName=name, PolicyName="main", PolicyDocument=document(*statements))
    return str(arn["Role"]["Arn"])


def function(cloud: Cloud, name: str, role_arn: str, handler: str, **kwargs: Any) -> str:
    """Function ``name`` running ``iam_app.<handler>`` as ``role_arn``; its ARN."""
    created = cloud.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role_arn,
        Handler=f"iam_app.{handler}",
        Code={"ZipFile": zip_bytes({"iam_app.py": IAM_APP})},
        **kwargs,
    )
    return str(created["FunctionArn"])


def invoke(cloud: Cloud, name: str, event: Any) -> Any:
    """The function's answer to ``event`` (fails the test if the function failed)."""
    answer = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event))
    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    return payload


def log_lines(cloud: Cloud, name: str) -> list[str]:
    """The lines of the function's log group (none when it does not exist)."""
    logs = cloud.client("logs")
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=f"/aws/lambda/{name}")
        return [event["message"] for page in pages for event in page["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []


def server_log_has(cloud: Cloud, text: str, timeout: float = 15) -> bool:
    """Whether the moto server's log gets a line with ``text`` within ``timeout`` seconds."""
    return bool(wait_for(lambda: text in Path(cloud.server.log_path).read_text(), timeout=timeout))
