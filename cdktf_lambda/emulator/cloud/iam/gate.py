"""Every request to moto signed with a function's keys is authorized, as AWS would: :func:`install`.

moto authorizes in one place, ``ActionAuthenticatorMixin._authenticate_and_authorize_action`` (every service's
``call_action`` and S3's handlers reach it), but only behind a switch that is global (it would refuse Terraform's
and the user's test keys) and judges by action only. This replaces that method: a request whose access key was not
minted by :mod:`.principals` goes on as before (an administrator); one whose key was is checked --

1. its session token must be the session's (else the service's invalid-token error);
2. :func:`cdktf_lambda.iam.naming.requested` names its actions and resources (a resource it cannot name is
   evaluated on ``*``, and logged once per action);
3. each pair is evaluated against the role's policies as they are now; a denial is answered as the service answers
   it (:mod:`cdktf_lambda.iam.denials`) and logged.

Credentials come from the request's signature (:mod:`cdktf_lambda.iam.signed`). ``sts:GetCallerIdentity`` needs no
permission, as on AWS.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import unquote

from cdktf_lambda.emulator.cloud.iam import principals
from cdktf_lambda.emulator.cloud.iam.services import enforcing
from cdktf_lambda.iam import Call, Denial, bad_token, denial, message, requested
from cdktf_lambda.iam.signed import credentials, is_json, parameters, session_token
from cdktf_lambda.logs import room_logger

__all__ = ["install"]

log = room_logger(__name__)

_UNNAMED: set[str] = set()
_UNNAMED_LOCK = threading.Lock()


def _refuse(response: Any, service: str, answer: Denial) -> None:
    from werkzeug.exceptions import HTTPException

    if service == "s3":
        from moto.s3.exceptions import S3ClientError

        raise S3ClientError(answer.code, answer.text)  # its serializer gives AccessDenied its 403
    response.response_headers.update(answer.headers)  # call_action answers with these
    refusal = HTTPException(description=answer.body)
    refusal.code = answer.status
    raise refusal


def _unnamed(service: str, action: str) -> None:
    with _UNNAMED_LOCK:
        if action in _UNNAMED:
            return
        _UNNAMED.add(action)
    log.info("IAM: the resource of %s (%s) is not named here: evaluated on *", action, service)


def check(response: Any, moto_resource: str) -> bool:
    """Authorize ``response``'s request if its key was minted here (raises the service's error when denied);
    False when the key is not enforced."""
    if not enforcing():
        return False
    key, region, service = credentials(response.headers, response.uri, str(response.region))
    session = principals.session_of(key) if key else None
    if session is None:
        return False
    json_request = is_json(response.headers)
    if session_token(response.headers, response.uri) != session.session_token:
        _refuse(response, service, bad_token(service, json_request=json_request))
    operation = str(response._get_action())
    if service == "sts" and operation == "GetCallerIdentity":
        return True
    partition = session.role_arn.split(":")[1]
    query = {name: values[0] for name, values in (response.querystring or {}).items() if values}
    call = Call(
        service=service,
        operation=operation,
        account=session.account,
        region=region,
        partition=partition,
        params=parameters(getattr(response, "params", None), response.body, response.querystring),
        path=unquote(str(response.path or "/")),
        query=query,
        moto_resource=moto_resource,
    )
    context = {
        "aws:principalarn": session.role_arn,
        "aws:principalaccount": session.account,
        "aws:requestedregion": region,
        "aws:securetransport": "true",
        "aws:sourceip": str(response.headers.get("X-Forwarded-For") or "127.0.0.1"),
    }
    for action, resource in requested(call):
        if resource is None:
            _unnamed(service, action)
        decision = principals.decide(session.role_arn, action, resource or "*", context)
        if decision != "allow":
            text = message(service, session.arn, action, resource or "*", explicit=decision == "deny")
            log.warning("IAM: denied: %s", text)
            _refuse(response, service, denial(service, text, json_request=json_request))
    return True


def install() -> str:
    """Put :func:`check` in front of moto's own authorization; ``applied`` or why not."""
    from moto.core.authorization import ActionAuthenticatorMixin

    original = getattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", None)
    if original is None:
        return "skipped: moto.core.authorization.ActionAuthenticatorMixin has no _authenticate_and_authorize_action"

    def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if not check(self, resource):
            original(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action
    return "applied"
