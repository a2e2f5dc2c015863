"""The shapes SQS event source mappings deal in: the ``Records`` event and the partial batch response.

:func:`sqs_record` turns a moto SQS message into the record Lambda delivers; :func:`batch_failures` reads a
``ReportBatchItemFailures`` response by AWS's rules:

* complete success: ``batchItemFailures`` missing, null or ``[]``; an empty or null response; any JSON value that
  is not an object;
* complete failure: a response that is not JSON; an item whose ``itemIdentifier`` is missing, empty or not a
  message of the batch;
* otherwise only the listed messages failed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cdktf_lambda.emulator.cloud.types import SqsMessageAttribute, SqsRecord

__all__ = ["batch_failures", "sqs_record"]


def _message_attributes(message: Any) -> dict[str, SqsMessageAttribute]:
    result = {}
    for name, value in (message.message_attributes or {}).items():
        attribute: SqsMessageAttribute = {
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType"),
        }
        if value.get("StringValue") is not None:
            attribute["stringValue"] = value["StringValue"]
        binary = value.get("BinaryValue")
        if binary is not None:
            attribute["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
        result[name] = attribute
    return result


def sqs_record(message: Any, queue: Any, region: str) -> SqsRecord:
    """The event record of one received moto ``Message`` of ``queue``."""
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": str(message.sender_id),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    trace = (getattr(message, "system_attributes", None) or {}).get("AWSTraceHeader")
    if trace:
        attributes["AWSTraceHeader"] = trace.get("StringValue", "")
    if queue.fifo_queue:
        attributes["SequenceNumber"] = str(message.sequence_number)
        attributes["MessageGroupId"] = str(message.group_id)
        attributes["MessageDeduplicationId"] = str(message.deduplication_id)
    record: SqsRecord = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": _message_attributes(message),
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.queue_arn,
        "awsRegion": region,
    }
    if message.message_attributes:
        record["md5OfMessageAttributes"] = message.attribute_md5
    return record


def batch_failures(payload: bytes, message_ids: list[str]) -> set[str] | None:
    """The ids a ``ReportBatchItemFailures`` response marks failed; ``None`` when the whole batch failed."""
    try:
        response = json.loads(payload) if payload.strip() else None
    except ValueError:
        return None
    if not isinstance(response, dict):
        return set()
    items = response.get("batchItemFailures")
    if not items:
        return set()
    if not isinstance(items, list):
        return None
    failed = set()
    for item in items:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in message_ids:
            return None
        failed.add(identifier)
    return failed
