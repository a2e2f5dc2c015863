"""The shapes the local cloud hands to functions and reads back, as AWS documents them: TypedDicts.

* :class:`HttpApiEvent` / :class:`HttpApiResponse`: an HTTP API's (or function URL's) payload format 2.0;
* :class:`SqsEvent` / :class:`SqsRecord` and :class:`BatchResponse`: an SQS event source mapping's batch and its
  ``ReportBatchItemFailures`` answer;
* :class:`ScheduledEvent`: what an EventBridge rule or a Scheduler schedule delivers;
* :class:`DestinationRecord`: the record of an asynchronous invocation sent to its destination.

Examples
--------
>>> from cdktf_lambda.emulator.cloud.types import BatchResponse
>>> answer: BatchResponse = {"batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]}
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

__all__ = [
    "BatchItemFailure",
    "BatchResponse",
    "DestinationRecord",
    "HttpApiEvent",
    "HttpApiResponse",
    "HttpContext",
    "HttpRequestContext",
    "ScheduledEvent",
    "SqsEvent",
    "SqsMessageAttribute",
    "SqsRecord",
]


class HttpContext(TypedDict):
    """``requestContext.http`` of a payload 2.0 event."""

    method: str
    path: str
    protocol: str
    sourceIp: str
    userAgent: str


class HttpRequestContext(TypedDict):
    """``requestContext`` of a payload 2.0 event."""

    accountId: str
    apiId: str
    domainName: str
    domainPrefix: str
    http: HttpContext
    requestId: str
    routeKey: str
    stage: str
    time: str
    timeEpoch: int


class HttpApiEvent(TypedDict):
    """The event of one HTTP request, payload format 2.0 (HTTP APIs and function URLs)."""

    version: str
    routeKey: str
    rawPath: str
    rawQueryString: str
    cookies: NotRequired[list[str]]
    headers: dict[str, str]
    queryStringParameters: NotRequired[dict[str, str]]
    requestContext: HttpRequestContext
    pathParameters: NotRequired[dict[str, str]]
    stageVariables: NotRequired[dict[str, str]]
    body: NotRequired[str]
    isBase64Encoded: bool


class HttpApiResponse(TypedDict, total=False):
    """What a function answers an HTTP request with (every key optional; any other JSON value is a 200 body)."""

    statusCode: int | str
    headers: dict[str, Any]
    multiValueHeaders: dict[str, list[Any]]
    cookies: list[str]
    body: str
    isBase64Encoded: bool


class SqsMessageAttribute(TypedDict):
    """One message attribute of an SQS record."""

    dataType: str | None
    stringListValues: list[str]
    binaryListValues: list[str]
    stringValue: NotRequired[str]
    binaryValue: NotRequired[str]


class SqsRecord(TypedDict):
    """One message of an SQS batch, as Lambda's poller delivers it."""

    messageId: str
    receiptHandle: str
    body: str
    attributes: dict[str, str]
    messageAttributes: dict[str, SqsMessageAttribute]
    md5OfBody: str
    md5OfMessageAttributes: NotRequired[str]
    eventSource: str
    eventSourceARN: str
    awsRegion: str


class SqsEvent(TypedDict):
    """A batch of an SQS event source mapping."""

    Records: list[SqsRecord]


class BatchItemFailure(TypedDict):
    """One failed message of a batch: its ``messageId``."""

    itemIdentifier: str


class BatchResponse(TypedDict, total=False):
    """The ``ReportBatchItemFailures`` answer: the messages that failed (none listed: the whole batch succeeded)."""

    batchItemFailures: list[BatchItemFailure]


#: What an EventBridge scheduled rule (``source: aws.events``, ``detail-type: Scheduled Event``) delivers.
ScheduledEvent = TypedDict(
    "ScheduledEvent",
    {
        "version": str,
        "id": str,
        "detail-type": str,
        "source": str,
        "account": str,
        "time": str,
        "region": str,
        "resources": list[str],
        "detail": Any,
    },
)


class DestinationRecord(TypedDict):
    """The record of an asynchronous invocation sent to its ``OnSuccess``/``OnFailure`` destination."""

    version: str
    timestamp: str
    requestContext: dict[str, Any]
    requestPayload: Any
    responseContext: dict[str, Any]
    responsePayload: Any
