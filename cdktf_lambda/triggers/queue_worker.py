"""``QueueWorker``: an SQS queue with a dead-letter queue feeding a Lambda function, with partial batch failures."""

from __future__ import annotations

import json
from collections.abc import Mapping

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.execution_role import ExecutionRole
from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction
from cdktf_lambda.limits import tags_argument, validate_int_range
from cdktf_lambda.tokens import is_token

__all__ = ["QueueWorker", "VISIBILITY_TIMEOUT_FACTOR"]

#: AWS's guidance: a queue's visibility timeout at least six times the function's timeout, so a message is not
#: redelivered while a (retried) invocation still holds it.
VISIBILITY_TIMEOUT_FACTOR = 6
MAX_VISIBILITY_TIMEOUT_S = 43_200
MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW_S = 300


class QueueWorker(cdk.Construct):
    """SQS queue + dead-letter queue → event source mapping → ``function``, reporting per-message failures.

    Parameters
    ----------
    queue_name
        Name of the queue; the dead-letter queue is ``<queue_name>-dlq``. Required.
    function
        The worker function (it must return ``{"batchItemFailures": [...]}``); the queue invokes its alias when it
        has one. Required.
    role
        The function's :class:`ExecutionRole`; it gets receive/delete/get-attributes on this queue only. Required.
    max_receive_count
        Deliveries before a message moves to the dead-letter queue (``maxReceiveCount``). Default: ``5``.
    visibility_timeout_seconds
        At least 6 × the function's timeout (enforced). Default: exactly 6 × the function's timeout.
    message_retention_seconds
        Retention of the queue. Default: ``345600`` (4 days).
    dlq_message_retention_seconds
        Retention of the dead-letter queue. Default: ``1209600`` (14 days, the maximum).
    batch_size
        Messages per invocation, 1–10000 (above 10 needs a batching window). Default: ``10``.
    maximum_batching_window_in_seconds
        Seconds to gather a batch, 0–300. Default: ``0``.
    maximum_concurrency
        Cap on concurrent invocations from this queue (2–1000). Default: not set.
    tags
        Tags of both queues. Default: ``{}``.

    Attributes
    ----------
    queue, dead_letter_queue, event_source_mapping, policy
        The underlying resources (``policy`` is the role's inline queue policy).

    Raises
    ------
    InvalidParameterError
        A queue name or setting outside what SQS and Lambda allow, e.g. a visibility timeout under 6 × the function's
        timeout.
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        queue_name: str,
        function: LambdaPythonFunction,
        role: ExecutionRole,
        max_receive_count: int = 5,
        visibility_timeout_seconds: int | None = None,
        message_retention_seconds: int = 345_600,
        dlq_message_retention_seconds: int = 1_209_600,
        batch_size: int = 10,
        maximum_batching_window_in_seconds: int = 0,
        maximum_concurrency: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        # defaults -> validation -> derived values -> child resources
        timeout_known = not is_token(function.timeout)
        minimum_visibility = VISIBILITY_TIMEOUT_FACTOR * function.timeout if timeout_known else 0
        if visibility_timeout_seconds is None:
            if not timeout_known:
                raise InvalidParameterError(
                    "visibility_timeout_seconds",
                    None,
                    "a value when the function's timeout is known only at apply time (at least 6 × that timeout)",
                )
            visibility_timeout_seconds = minimum_visibility
        validate_int_range("max_receive_count", max_receive_count, 1, 1000, "deliveries")
        validate_int_range(
            "visibility_timeout_seconds", visibility_timeout_seconds, 0, MAX_VISIBILITY_TIMEOUT_S, "seconds"
        )
        if not is_token(visibility_timeout_seconds) and visibility_timeout_seconds < minimum_visibility:
            raise InvalidParameterError(
                "visibility_timeout_seconds",
                visibility_timeout_seconds,
                f"at least {VISIBILITY_TIMEOUT_FACTOR} × the function's timeout ({function.timeout} s) = "
                f"{minimum_visibility} seconds",
            )
        validate_int_range("message_retention_seconds", message_retention_seconds, 60, 1_209_600, "seconds")
        validate_int_range("dlq_message_retention_seconds", dlq_message_retention_seconds, 60, 1_209_600, "seconds")
        validate_int_range("batch_size", batch_size, 1, MAX_BATCH_SIZE, "messages")
        validate_int_range(
            "maximum_batching_window_in_seconds", maximum_batching_window_in_seconds, 0, MAX_BATCHING_WINDOW_S, "s"
        )
        if (
            not is_token(batch_size)
            and not is_token(maximum_batching_window_in_seconds)
            and batch_size > 10
            and maximum_batching_window_in_seconds < 1
        ):
            raise InvalidParameterError(
                "maximum_batching_window_in_seconds",
                maximum_batching_window_in_seconds,
                "at least 1 second when batch_size is above 10",
            )
        if maximum_concurrency is not None:
            validate_int_range("maximum_concurrency", maximum_concurrency, 2, 1000, "concurrent invocations")
        tags = tags_argument(tags)

        self.dead_letter_queue = cdk.SqsQueue(
            self,
            "dlq",
            name=f"{queue_name}-dlq",
            message_retention_seconds=dlq_message_retention_seconds,
            sqs_managed_sse_enabled=True,
            tags=tags,
        )
        self.queue = cdk.SqsQueue(
            self,
            "queue",
            name=queue_name,
            visibility_timeout_seconds=visibility_timeout_seconds,
            message_retention_seconds=message_retention_seconds,
            sqs_managed_sse_enabled=True,
            redrive_policy=json.dumps(
                {"deadLetterTargetArn": self.dead_letter_queue.arn, "maxReceiveCount": max_receive_count},
                sort_keys=True,
                separators=(",", ":"),
            ),
            tags=tags,
        )
        self.policy = role.add_policy(
            "queue",
            [
                {
                    "Effect": "Allow",
                    "Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                    "Resource": [self.queue.arn],
                }
            ],
        )
        self.event_source_mapping = cdk.LambdaEventSourceMapping(
            self,
            "event_source",
            event_source_arn=self.queue.arn,
            function_name=function.invoke_target_arn,
            batch_size=batch_size,
            maximum_batching_window_in_seconds=maximum_batching_window_in_seconds or None,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=cdk.LambdaEventSourceMappingScalingConfig(maximum_concurrency=maximum_concurrency)
            if maximum_concurrency
            else None,
            depends_on=[self.policy],
        )
        self.visibility_timeout_seconds = visibility_timeout_seconds
