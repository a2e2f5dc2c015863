"""A Lambda context object for running handlers outside Lambda (tests, benchmarks, the host-fallback bootstrap).

It has the attributes and the method the Lambda runtime's own context has, so Powertools and handlers that read
them work unchanged. Standard library only: the bootstrap loads this file by path into an isolated interpreter.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAKE_ACCOUNT", "LambdaContext"]

#: The account id in the ARNs of local runs.
FAKE_ACCOUNT = "123456789012"


@dataclass
class LambdaContext:
    """What ``awslambdaric`` hands a handler as ``context``.

    Examples
    --------
    >>> context = LambdaContext.for_function("practice-dev-worker", timeout=30)
    >>> context.invoked_function_arn
    'arn:aws:lambda:us-east-1:123456789012:function:practice-dev-worker'
    """

    function_name: str = "local-function"
    function_version: str = "$LATEST"
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:{FAKE_ACCOUNT}:function:local-function"
    memory_limit_in_mb: int = 128
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name: str = "/aws/lambda/local-function"
    log_stream_name: str = "2024/03/01/[$LATEST]0123456789abcdef0123456789abcdef"
    identity: Any = None
    client_context: Any = None
    #: ``time.monotonic()`` at which the invocation times out.
    deadline: float = field(default_factory=lambda: time.monotonic() + 30)

    @classmethod
    def for_function(
        cls,
        function_name: str,
        *,
        region: str = "us-east-1",
        memory_size: int = 128,
        timeout: float = 30,
        request_id: str | None = None,
    ) -> LambdaContext:
        """The context of one invocation of ``function_name``, with a fresh request id."""
        request_id = request_id or str(uuid.uuid4())
        return cls(
            function_name=function_name,
            invoked_function_arn=f"arn:aws:lambda:{region}:{FAKE_ACCOUNT}:function:{function_name}",
            memory_limit_in_mb=memory_size,
            aws_request_id=request_id,
            log_group_name=f"/aws/lambda/{function_name}",
            log_stream_name=f"local/[$LATEST]{request_id.replace('-', '')}",
            deadline=time.monotonic() + timeout,
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))
