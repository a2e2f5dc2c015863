"""Handlers the local cloud tests deploy into moto (zipped as ``app.py``).

``record`` sends what it got to ``RECORD_QUEUE`` with the runtime's boto3, through ``AWS_ENDPOINT_URL``: proof both
reach the function.
"""

from __future__ import annotations

import base64
import json
import os


def echo(event, context):
    print("echo got", json.dumps(event)[:300])
    return {"event": event, "function": context.function_name, "endpoint": os.environ.get("AWS_ENDPOINT_URL")}


def boom(event, context):
    print("about to fail")
    raise ValueError("boom: " + str(event.get("why")))


def record(event, context):
    import boto3

    records = event["Records"]
    summary = {
        "bodies": [r["body"] for r in records],
        "counts": [r["attributes"]["ApproximateReceiveCount"] for r in records],
    }
    boto3.client("sqs").send_message(QueueUrl=os.environ["RECORD_QUEUE"], MessageBody=json.dumps(summary))
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records if "fail" in r["body"]]}


def crash(event, context):
    raise RuntimeError("the whole batch fails")


def http(event, context):
    path = event.get("rawPath", "")
    if path.endswith("/boom"):
        raise ValueError("integration failure")
    if path.endswith("/malformed"):
        return {"statusCode": "not a number"}
    if path.endswith("/binary"):
        body = base64.b64encode(bytes(range(8))).decode()
        headers = {"content-type": "application/octet-stream"}
        return {"statusCode": 200, "headers": headers, "body": body, "isBase64Encoded": True}
    if path.endswith("/plain"):
        return {"hello": "world"}
    headers = {"content-type": "application/json", "x-route": event["routeKey"]}
    return {"statusCode": 201, "headers": headers, "cookies": ["seen=1; Path=/"], "body": json.dumps(event)}


def warm(event, context):
    import boto3  # compiles the runtime's boto3 once, so later first runs are as fast as the rest

    return boto3.__version__
