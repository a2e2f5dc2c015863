"""The greetings table (DynamoDB): one item per ``request_id``, written at most once.

Items: ``request_id`` (the key), ``name``, ``language``, ``greeting``, ``created_at`` (ISO 8601 UTC, to the second,
so that times compare as strings). boto3 comes with the Lambda runtime; the client is created on first use and
reaches whatever ``AWS_ENDPOINT_URL`` names when it is set (the local cloud).
"""

from __future__ import annotations

import functools
from typing import Any, TypedDict

__all__ = ["GreetingItem", "GreetingStore", "greeting_store"]

_FIELDS = ("request_id", "name", "language", "greeting", "created_at")


class GreetingItem(TypedDict):
    request_id: str
    name: str
    language: str
    greeting: str
    created_at: str


def _client() -> Any:
    import boto3

    return boto3.client("dynamodb")


class GreetingStore:
    """Reads and writes the greetings table ``table_name`` (``client``: a boto3 DynamoDB client, made on demand)."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client_instance = client

    @property
    def client(self) -> Any:
        if self._client_instance is None:
            self._client_instance = _client()
        return self._client_instance

    def put_once(self, item: GreetingItem) -> bool:
        """Write ``item`` unless its ``request_id`` is there already; False for such a duplicate (not an error)."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={field: {"S": str(item[field])} for field in _FIELDS},  # type: ignore[literal-required]
                ConditionExpression="attribute_not_exists(request_id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get(self, request_id: str) -> GreetingItem | None:
        """The item of ``request_id``, or None while there is none."""
        found = self.client.get_item(
            TableName=self.table_name, Key={"request_id": {"S": request_id}}, ConsistentRead=True
        )
        item = found.get("Item")
        if item is None:
            return None
        return {field: item[field]["S"] for field in _FIELDS if field in item}  # type: ignore[return-value]

    def delete_created_before(self, cutoff: str) -> int:
        """Delete every item whose ``created_at`` is before ``cutoff`` (same format); how many were deleted."""
        deleted = 0
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table_name,
            FilterExpression="created_at < :cutoff",
            ExpressionAttributeValues={":cutoff": {"S": cutoff}},
            ProjectionExpression="request_id",
        )
        for page in pages:
            for item in page.get("Items", []):
                try:
                    self.client.delete_item(
                        TableName=self.table_name,
                        Key={"request_id": item["request_id"]},
                        ConditionExpression="created_at < :cutoff",  # not an item rewritten meanwhile
                        ExpressionAttributeValues={":cutoff": {"S": cutoff}},
                    )
                except self.client.exceptions.ConditionalCheckFailedException:
                    continue
                deleted += 1
        return deleted


@functools.cache
def greeting_store(table_name: str) -> GreetingStore:
    """The process's one :class:`GreetingStore` of ``table_name`` (its client is reused by every invocation)."""
    return GreetingStore(table_name)
