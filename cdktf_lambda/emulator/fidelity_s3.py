"""moto patch ``s3-atomic-conditional-writes``: a conditional write to S3 has exactly one winner, as on AWS.

moto's ``PutObject`` checks ``If-None-Match: *`` (and ``If-Match``) with one call into its backend and writes with
another, with no lock between them, and its server runs each request in a thread of its own: two racing
``PutObject If-None-Match: *`` can both find the key absent and both succeed. Terraform's S3 native state lock
(``use_lockfile``) is exactly that write, so two applies could both hold the lock. The same window is in
``DeleteObject`` (``If-Match``) and ``CompleteMultipartUpload`` (``If-None-Match``); ``CopyObject`` writes the same
keys. Concurrent writes of one key can also fail with a 500 in moto: the later write closes the buffer of the
earlier one's new object while its answer is being made. The patch runs each of these requests (its checks and its
write) under a lock of its key, one of :data:`STRIPES` locks chosen by a hash of bucket and key, so writes to other
keys still run in parallel.

S3 event notifications raised during a locked write are sent once the lock is released: moto invokes a notified
Lambda function in the same thread, and its code may write to the same key through the server (a deadlock if the
lock were still held).

Registered in :data:`cdktf_lambda.emulator.fidelity.FIDELITY_PATCHES` (moto 5.2).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["STRIPES", "s3_atomic_conditional_writes"]

#: How many locks the keys share (two keys on one lock only wait for each other, never deadlock: see above).
STRIPES = 64
_LOCKS = tuple(threading.RLock() for _ in range(STRIPES))
_WRITES = ("put_object", "copy_object", "delete_object")


class _Deferred(threading.local):
    #: Notifications held back by the outermost locked write of this thread (``None``: not inside one).
    events: list[tuple[tuple[Any, ...], dict[str, Any]]] | None = None


_DEFERRED = _Deferred()


def s3_atomic_conditional_writes() -> str:
    """Apply the patch (see the module docstring): ``applied`` or ``skipped: <why>``."""
    from moto.s3 import notifications, responses

    response_cls: Any = getattr(responses, "S3Response", None)
    needed = (*_WRITES, "_key_response_post", "parse_key_name")
    if response_cls is None or not all(callable(getattr(response_cls, name, None)) for name in needed):
        return f"skipped: moto.s3.responses.S3Response lacks one of {', '.join(needed)}"
    original_send = getattr(notifications, "send_event", None)
    if not callable(original_send):
        return "skipped: moto.s3.notifications has no send_event"

    def locked(bucket_name: Any, key_name: Any, call: Callable[[], Any]) -> Any:
        outermost = _DEFERRED.events is None
        if outermost:
            _DEFERRED.events = []
        try:
            with _LOCKS[hash((str(bucket_name), str(key_name))) % STRIPES]:
                return call()
        finally:
            if outermost:
                events, _DEFERRED.events = _DEFERRED.events or [], None
                for args, kwargs in events:
                    original_send(*args, **kwargs)

    def send_event(*args: Any, **kwargs: Any) -> None:
        if _DEFERRED.events is None:
            original_send(*args, **kwargs)
        else:
            _DEFERRED.events.append((args, kwargs))

    def wrap(name: str) -> None:
        original = getattr(response_cls, name)

        def write(self: Any) -> Any:
            return locked(self.bucket_name, self.parse_key_name(), lambda: original(self))

        write.__name__ = write.__qualname__ = name
        write.__doc__ = original.__doc__
        setattr(response_cls, name, write)

    for name in _WRITES:
        wrap(name)
    original_post = response_cls._key_response_post

    def _key_response_post(
        self: Any, request: Any, body: bytes, bucket_name: str, query: dict[str, Any], key_name: str
    ) -> Any:
        def call() -> Any:
            return original_post(self, request, body, bucket_name, query, key_name)

        return locked(bucket_name, key_name, call) if query.get("uploadId") else call()  # CompleteMultipartUpload

    response_cls._key_response_post = _key_response_post
    notifications.send_event = send_event
    return "applied"
