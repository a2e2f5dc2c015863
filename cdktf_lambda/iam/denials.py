"""What AWS answers a denied request: the message naming principal, action and resource, in each protocol's shape.

:func:`message` is the text every service uses (``User: arn:aws:sts::123456789012:assumed-role/R/f is not
authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:...:table/T because no identity-based policy
allows the dynamodb:PutItem action``); :func:`denial` wraps it as the service answers:

=================================  =====  ================================================================
DynamoDB                           400    JSON ``__type`` ``com.amazon.coral.service#AccessDeniedException``
SQS (JSON protocol / query)        403    ``AccessDenied`` (header ``x-amzn-query-error``) / XML; the action in
                                          lower case (``sqs:sendmessage``)
S3                                 403    XML ``AccessDenied``; the resource in double quotes
Lambda, Scheduler (REST JSON)      403    ``AccessDeniedException`` (header ``x-amzn-ErrorType``)
SNS                                403    XML ``AuthorizationError``; the action written ``SNS:Publish``
other JSON services (logs, ...)    400    JSON ``__type`` ``AccessDeniedException``
other query services (STS, IAM)    403    XML ``AccessDenied``
=================================  =====  ================================================================

:func:`bad_token` is the answer to credentials whose session token is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = ["Denial", "bad_token", "denial", "message"]

_REST_JSON = frozenset({"lambda", "scheduler"})
_JSON_1_0 = frozenset({"dynamodb"})


@dataclass(frozen=True)
class Denial:
    """An HTTP answer: status, headers, body (S3 answers through its own error class: ``code`` and ``text``)."""

    status: int
    headers: dict[str, str]
    body: str
    code: str
    text: str


def _shown(service: str, action: str) -> str:
    if service == "sqs":
        return action.lower()
    if service == "sns":
        return "SNS:" + action.split(":", 1)[1]
    return action


def message(service: str, principal_arn: str, action: str, resource: str, *, explicit: bool) -> str:
    """The text of an access-denied error of ``service``."""
    shown = _shown(service, action)
    why = (
        "with an explicit deny in an identity-based policy"
        if explicit
        else f"because no identity-based policy allows the {shown} action"
    )
    where = f'"{resource}"' if service == "s3" else resource
    return f"User: {principal_arn} is not authorized to perform: {shown} on resource: {where} {why}"


def _xml(code: str, text: str, namespace: str = "") -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        f"<ErrorResponse{xmlns}><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(text)}</Message>"
        "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    )


def denial(service: str, text: str, *, json_request: bool) -> Denial:
    """``text`` (:func:`message`) as ``service`` answers it; ``json_request``: the request was JSON (SQS speaks
    both protocols)."""
    if service in _JSON_1_0:
        body = json.dumps({"__type": "com.amazon.coral.service#AccessDeniedException", "Message": text})
        return Denial(400, {"Content-Type": "application/x-amz-json-1.0"}, body, "AccessDeniedException", text)
    if service == "sqs" and json_request:
        body = json.dumps({"__type": "com.amazon.coral.service#AccessDeniedException", "message": text})
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-query-error": "AccessDenied;Sender"}
        return Denial(403, headers, body, "AccessDenied", text)
    if service in _REST_JSON:
        body = json.dumps({"Message": text, "Type": "User"} if service == "lambda" else {"message": text})
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "AccessDeniedException"}
        return Denial(403, headers, body, "AccessDeniedException", text)
    if service == "sns":
        body = _xml("AuthorizationError", text, "http://sns.amazonaws.com/doc/2010-03-31/")
        return Denial(403, {"Content-Type": "text/xml"}, body, "AuthorizationError", text)
    if json_request:
        body = json.dumps({"__type": "AccessDeniedException", "message": text})
        return Denial(400, {"Content-Type": "application/x-amz-json-1.1"}, body, "AccessDeniedException", text)
    return Denial(403, {"Content-Type": "text/xml"}, _xml("AccessDenied", text), "AccessDenied", text)


def bad_token(service: str, *, json_request: bool) -> Denial:
    """The answer to a request signed with a known key and a wrong session token."""
    text = "The security token included in the request is invalid."
    if service == "s3":
        return Denial(400, {}, "", "InvalidToken", "The provided token is malformed or otherwise invalid.")
    if json_request or service in _REST_JSON:
        body = json.dumps({"__type": "UnrecognizedClientException", "message": text})
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": "UnrecognizedClientException"}
        return Denial(403 if service in _REST_JSON else 400, headers, body, "UnrecognizedClientException", text)
    return Denial(403, {"Content-Type": "text/xml"}, _xml("InvalidClientTokenId", text), "InvalidClientTokenId", text)
