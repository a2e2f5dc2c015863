"""What AWS services need when they act for an app, and what they say when they may not.

* Lambda assumes a function's role only if it trusts ``lambda.amazonaws.com`` (:data:`NOT_ASSUMABLE` otherwise);
* an SQS event source mapping polls with the function's role: :data:`ESM_ACTIONS` on the queue
  (:func:`esm_problem` is AWS's message for the first one missing);
* a destination or dead-letter queue is sent to with the sender's role: :data:`SEND_ACTIONS` by the target's service;
* API Gateway calls an integration as ``apigateway.amazonaws.com`` for the request's :func:`execute_api_arn`
  (:data:`API_NO_PERMISSION` in the access log when it may not);
* a function URL with ``AuthType`` ``NONE`` is public only through a resource-based ``lambda:InvokeFunctionUrl``
  permission; a function's log needs :data:`LOG_ACTIONS` on its stream.
"""

from __future__ import annotations

__all__ = [
    "API_NO_PERMISSION",
    "ESM_ACTIONS",
    "LOG_ACTIONS",
    "NOT_ASSUMABLE",
    "SEND_ACTIONS",
    "esm_problem",
    "execute_api_arn",
    "log_arns",
]

#: What Lambda answers (``InvalidParameterValueException``) when a function's role does not trust it.
NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."
#: What an SQS event source mapping's role needs on its queue, in the order AWS reports the first one missing.
ESM_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
#: The action a destination (or dead-letter queue) of each service is sent with.
SEND_ACTIONS = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
}
#: What writing a function's log takes on its log stream (``logs:CreateLogGroup`` too when the group is missing).
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: An HTTP API's integration error when API Gateway may not invoke the function.
API_NO_PERMISSION = (
    "The IAM role configured on the integration or API Gateway doesn't have permissions to call the integration. "
    "Check the permissions and try again."
)


def esm_problem(action: str) -> str:
    """AWS's message for an SQS event source mapping whose role may not ``action`` (``sqs:ReceiveMessage``)."""
    return f"The provided execution role does not have permissions to call {action.split(':')[1]} on SQS"


def execute_api_arn(region: str, account: str, api_id: str, stage: str, method: str, path: str) -> str:
    """The source ARN of an API request: ``arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH``."""
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def log_arns(region: str, account: str, group: str, stream: str) -> tuple[str, str]:
    """The ARNs of a log group and of one of its streams."""
    group_arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    return group_arn, f"{group_arn}:log-stream:{stream}"
