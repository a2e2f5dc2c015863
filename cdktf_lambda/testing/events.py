"""Events in the shapes AWS delivers them, for :func:`lambda_invoke <cdktf_lambda.testing.invoke.Invoker>` and the
handlers' own unit tests.

=================================  ===========================================================================
:func:`http_api`                    HTTP API payload 2.0 (``rawPath``, ``requestContext.http``, lower-cased
                                    headers, ``cookies``, ``queryStringParameters``, ``pathParameters``)
:func:`function_url`                a function URL request (payload 2.0 on ``<url-id>.lambda-url.<region>.on.aws``)
:func:`sqs`                         an SQS batch (``Records`` with ``messageId``, ``receiptHandle``, ``md5OfBody``)
:func:`eventbridge_schedule`        an EventBridge scheduled rule (``source: aws.events``)
:func:`scheduler`                   an EventBridge Scheduler schedule (the input ``cdktf_lambda`` sends)
:func:`s3`                          S3 event notifications (``ObjectCreated:Put`` ...)
:func:`sns`                         an SNS notification
:func:`load`                        an event from a JSON file
=================================  ===========================================================================

The HTTP shapes are built by the same code as the local cloud's HTTP API and function URL fronts
(:func:`cdktf_lambda.emulator.cloud.apigw.http_event`), so a handler sees the same event in a unit test, in
``lambda_invoke`` and behind the local cloud's URL. Account ``123456789012`` and region ``us-east-1`` unless given.

Examples
--------
>>> event = http_api("POST", "/orders", json={"item": "tea"})
>>> event["requestContext"]["http"]["method"], event["body"]
('POST', '{"item": "tea"}')
>>> [record["body"] for record in sqs({"order": 1}, "plain text")["Records"]]
['{"order": 1}', 'plain text']
"""

from __future__ import annotations

import base64
import hashlib
import json as jsonlib
import os
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

from cdktf_lambda.emulator.cloud.apigw import http_event
from cdktf_lambda.errors import SourceError

__all__ = ["eventbridge_schedule", "function_url", "http_api", "load", "s3", "scheduler", "sns", "sqs"]

ACCOUNT = "123456789012"
REGION = "us-east-1"
_SOURCE_IP = "198.51.100.23"
_USER_AGENT = "curl/8.5.0"


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else jsonlib.dumps(value)


def _request(
    method: str,
    path: str,
    *,
    domain_name: str,
    api_id: str,
    route_key: str,
    stage: str,
    query: Mapping[str, str] | str | None,
    headers: Mapping[str, str] | None,
    body: str | bytes | None,
    json: Any,
    cookies: Mapping[str, str] | None,
    path_parameters: Mapping[str, str] | None,
    now: datetime | None,
) -> dict[str, Any]:
    """The payload 2.0 event of the request, as a plain dict the test may change."""
    if json is not None and body is not None:
        raise SourceError("an HTTP event takes json= or body=, not both")
    payload = jsonlib.dumps(json).encode() if json is not None else body.encode() if isinstance(body, str) else body
    payload = payload or b""
    sent = {
        "accept": "application/json",
        "content-length": str(len(payload)),
        "host": domain_name,
        "user-agent": _USER_AGENT,
        "x-amzn-trace-id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}",
        "x-forwarded-for": _SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if json is not None:
        sent["content-type"] = "application/json"
    sent.update({name.lower(): value for name, value in (headers or {}).items()})
    pairs = list(sent.items())
    if cookies:
        pairs.append(("cookie", "; ".join(f"{name}={value}" for name, value in cookies.items())))
    raw_query = query if isinstance(query, str) else urlencode(query or {})
    return dict(
        http_event(
            method=method,
            raw_path=path,
            raw_query=raw_query,
            headers=pairs,
            body=payload,
            source_ip=_SOURCE_IP,
            route_key=route_key,
            stage=stage,
            api_id=api_id,
            domain_name=domain_name,
            account_id=ACCOUNT,
            request_id=base64.b64encode(uuid.uuid4().bytes[:10]).decode(),
            path_parameters=path_parameters,
            now=_now(now).timestamp(),
        )
    )


def http_api(
    method: str = "GET",
    path: str = "/",
    *,
    query: Mapping[str, str] | str | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | bytes | None = None,
    json: Any = None,
    cookies: Mapping[str, str] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    route_key: str = "$default",
    stage: str = "$default",
    api_id: str = "a1b2c3d4e5",
    region: str = REGION,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An HTTP API request in payload format 2.0.

    Parameters
    ----------
    method, path
        ``"POST"``, ``"/orders"``.
    query
        Query parameters (a mapping, or the raw query string).
    headers
        Request headers (names are lower-cased, as API Gateway does), over a realistic default set.
    body, json
        The body as text or bytes (bytes that are not text arrive base64-encoded), or a value sent as JSON (with
        ``content-type: application/json``).
    cookies
        Cookies, which arrive in ``cookies``.
    path_parameters
        ``pathParameters`` (an API with ``/orders/{id}`` routes fills them).
    route_key, stage, api_id, region
        Of the API. Default: ``$default``, ``$default``, ``a1b2c3d4e5``, ``us-east-1``.
    now
        The request time. Default: now.
    """
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    return _request(
        method, path, domain_name=domain, api_id=api_id, route_key=route_key, stage=stage, query=query,
        headers=headers, body=body, json=json, cookies=cookies, path_parameters=path_parameters, now=now,
    )  # fmt: skip


def function_url(
    method: str = "GET",
    path: str = "/",
    *,
    query: Mapping[str, str] | str | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | bytes | None = None,
    json: Any = None,
    cookies: Mapping[str, str] | None = None,
    url_id: str = "abcdefghijklmnopqrstuvwxyz012345",
    region: str = REGION,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A function URL request (payload format 2.0 on ``<url_id>.lambda-url.<region>.on.aws``); parameters as
    :func:`http_api`."""
    domain = f"{url_id}.lambda-url.{region}.on.aws"
    return _request(
        method, path, domain_name=domain, api_id=url_id, route_key="$default", stage="$default", query=query,
        headers=headers, body=body, json=json, cookies=cookies, path_parameters=None, now=now,
    )  # fmt: skip


def sqs(
    *bodies: Any,
    queue: str = "queue",
    attributes: Mapping[str, str] | None = None,
    region: str = REGION,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An SQS batch of one record per body (a value that is not text is sent as JSON), from queue ``queue``;
    ``attributes`` become every record's ``messageAttributes`` (strings)."""
    sent = int(_now(now).timestamp() * 1000)
    records = []
    for index, value in enumerate(bodies):
        body = _text(value)
        records.append(
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": base64.b64encode(os.urandom(24)).decode(),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": str(sent + index),
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": str(sent + index + 2),
                },
                "messageAttributes": {
                    name: {"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": "String"}
                    for name, value in (attributes or {}).items()
                },
                "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{region}:{ACCOUNT}:{queue}",
                "awsRegion": region,
            }
        )
    return {"Records": records}


def eventbridge_schedule(
    rule: str = "schedule", *, region: str = REGION, now: datetime | None = None
) -> dict[str, Any]:
    """What an EventBridge rule with a schedule expression sends its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": _iso(_now(now)),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT}:rule/{rule}"],
        "detail": {},
    }


def scheduler(
    schedule: str = "schedule", *, group: str = "default", region: str = REGION, now: datetime | None = None
) -> dict[str, Any]:
    """What an EventBridge Scheduler schedule made by :class:`~cdktf_lambda.Schedule` sends its target (Scheduler
    itself sends only the input it is given; this is the library's, shaped as a scheduled event)."""
    return {
        "version": "0",
        "id": uuid.uuid4().hex[:16],
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT,
        "time": _iso(_now(now)),
        "region": region,
        "resources": [f"arn:aws:scheduler:{region}:{ACCOUNT}:schedule/{group}/{schedule}"],
        "detail": "{}",
    }


def s3(
    bucket: str,
    *keys: str,
    event_name: str = "ObjectCreated:Put",
    size: int = 0,
    region: str = REGION,
    now: datetime | None = None,
) -> dict[str, Any]:
    """S3 event notifications: one record per object ``key`` of ``bucket`` (keys arrive URL-encoded, as S3 sends)."""
    when = _now(now)
    records = []
    for key in keys or ("object",):
        records.append(
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
                "requestParameters": {"sourceIPAddress": _SOURCE_IP},
                "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": uuid.uuid4().hex},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "notification",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": hashlib.md5(key.encode()).hexdigest(),
                        "sequencer": f"{int(when.timestamp() * 1000):016X}",
                    },
                },
            }
        )
    return {"Records": records}


def sns(
    message: Any,
    *,
    topic: str = "topic",
    subject: str | None = None,
    attributes: Mapping[str, str] | None = None,
    region: str = REGION,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An SNS notification of ``message`` (a value that is not text is sent as JSON) from topic ``topic``."""
    topic_arn = f"arn:aws:sns:{region}:{ACCOUNT}:{topic}"
    host = f"https://sns.{region}.amazonaws.com"
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": _now(now).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                    "Signature": base64.b64encode(os.urandom(32)).decode(),
                    "SigningCertUrl": f"{host}/SimpleNotificationService-0000000000000000000000.pem",
                    "MessageId": str(uuid.uuid4()),
                    "Message": _text(message),
                    "MessageAttributes": {
                        name: {"Type": "String", "Value": value} for name, value in (attributes or {}).items()
                    },
                    "Type": "Notification",
                    "UnsubscribeUrl": f"{host}/?Action=Unsubscribe&SubscriptionArn={topic_arn}",
                    "TopicArn": topic_arn,
                    "Subject": subject,
                },
            }
        ]
    }


def load(path: str | os.PathLike[str]) -> Any:
    """The event in the JSON file ``path``."""
    try:
        return jsonlib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"event file {str(path)!r} cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise SourceError(f"event file {str(path)!r} is not JSON: {exc}") from None
