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


BOOT = os.urandom(8).hex()  # names this runtime process: a fresh one has another


def _sigkill_self() -> None:
    import signal

    print("about to be killed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does


def perish(event, context):
    """Killed mid-invocation when the event asks (``{"die": true}``, a path ending in ``/die``); hangs on ``/hang``
    or ``{"hang": true}``; else answers with the boot id of its runtime process."""
    path = event.get("rawPath", "") if isinstance(event, dict) else ""
    if event.get("die") or path.endswith("/die"):
        _sigkill_self()
    if event.get("hang") or path.endswith("/hang"):
        import time

        time.sleep(600)
    return {"statusCode": 200, "body": json.dumps({"alive": True, "boot": BOOT})}


def perish_once(event, context):
    """An SQS worker killed by the first delivery of a batch; later deliveries are recorded as ``record`` does.
    A message ``always`` kills it on every delivery."""
    records = event["Records"]
    if any(r["body"] == "always" or r["attributes"]["ApproximateReceiveCount"] == "1" for r in records):
        _sigkill_self()
    return record(event, context)
