"""Racing conditional writes to one S3 key: many threads released at once, each answer's HTTP status counted."""

from __future__ import annotations

import threading
from typing import Any

#: Writers per race: as many as Terraform users could plausibly start at once, and then some.
WRITERS = 48


def racing_client(endpoint_url: str) -> Any:
    """One S3 client for every writer (boto3 clients are thread-safe): a connection each, no retries."""
    import boto3
    from botocore.config import Config

    config = Config(max_pool_connections=WRITERS, retries={"total_max_attempts": 1}, s3={"addressing_style": "path"})
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


def race(client: Any, bucket: str, key: str, **conditions: str) -> list[int]:
    """``WRITERS`` ``PutObject`` of ``key`` with ``conditions`` (``IfNoneMatch="*"``, ``IfMatch=etag``), released
    together by a barrier; the HTTP status of each (200 won, 412 lost the precondition)."""
    from botocore.exceptions import ClientError

    barrier, statuses, lock = threading.Barrier(WRITERS), [], threading.Lock()

    def put(index: int) -> None:
        barrier.wait()
        try:
            client.put_object(Bucket=bucket, Key=key, Body=str(index).encode(), **conditions)
            status = 200
        except ClientError as error:
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=put, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses
