"""The services' own principals in the local cloud (what each needs: :mod:`cdktf_lambda.iam.services`): a function's
credentials (:func:`environment_credentials`), sends with a role (:func:`may_send`), log writes (:func:`may_log`), SQS
polls (:func:`poll_problem`), invocations by an HTTP API, a function URL, a rule or a schedule (``*_may_invoke``).
Each answers as if allowed when enforcement is off (:func:`enforcing`): the callers need no switch of their own.
"""

from __future__ import annotations

from typing import Any

from cdktf_lambda.emulator.cloud.iam import principals
from cdktf_lambda.iam.services import ESM_ACTIONS, LOG_ACTIONS, SEND_ACTIONS, esm_problem, log_arns
from cdktf_lambda.iam.signed import credentials

__all__ = [
    "api_may_invoke",
    "enforcing",
    "environment_credentials",
    "may_log",
    "may_send",
    "poll_problem",
    "rule_may_invoke",
    "schedule_may_invoke",
    "set_enforcing",
    "url_may_invoke",
]

_STATE = {"enforcing": False}


def set_enforcing(on: bool) -> None:
    _STATE["enforcing"] = on


def enforcing() -> bool:
    """Whether IAM is enforced in this process (:data:`~cdktf_lambda.settings.LOCAL_IAM`)."""
    return _STATE["enforcing"]


def environment_credentials(fn: Any, test_credentials: dict[str, str]) -> dict[str, str]:
    """The function's role's session keys (enforcing), else ``test_credentials``.

    Raises
    ------
    RoleNotAssumable
        Enforcing, and the role does not trust ``lambda.amazonaws.com``.
    """
    return principals.function_credentials(fn) if enforcing() else dict(test_credentials)


def may_send(role_arn: str | None, target_arn: str, *, why: str) -> bool:
    """Whether ``role_arn`` may send to ``target_arn`` (its service's send action; True without a role)."""
    if not enforcing() or not role_arn:
        return True
    action = SEND_ACTIONS.get(target_arn.split(":")[2], "")
    return not action or principals.authorize(role_arn, action, target_arn, why=why)


def may_log(fn: Any, group: str, stream: str, *, group_exists: bool) -> bool:
    """Whether the function's role may write ``stream`` of ``group`` (creating the group when it is missing)."""
    if not enforcing():
        return True
    role, why = str(fn.role), f"the log of {fn.function_name}"
    group_arn, stream_arn = log_arns(fn.region, fn.account_id, group, stream)
    if not group_exists and not principals.authorize(role, "logs:CreateLogGroup", group_arn, why=why):
        return False
    return all(principals.authorize(role, action, stream_arn, why=why) for action in LOG_ACTIONS)


def poll_problem(fn: Any, queue_arn: str) -> str | None:
    """Why the mapping of ``fn`` cannot poll ``queue_arn`` (the message AWS gives), or None."""
    if not enforcing():
        return None
    for action in ESM_ACTIONS:
        if principals.decide(str(fn.role), action, queue_arn) != "allow":
            return esm_problem(action)
    return None


def api_may_invoke(fn: Any, function_arn: str, source_arn: str, credentials_arn: str | None) -> bool:
    """Whether API Gateway may invoke ``function_arn`` for the request ``source_arn`` (``arn:aws:execute-api:
    REGION:ACCOUNT:API/STAGE/METHOD/PATH``): the integration's role, or the function's resource-based policy."""
    if not enforcing():
        return True
    why = f"API Gateway invoking {function_arn} ({source_arn})"
    if credentials_arn:
        trusted = principals.trusts(credentials_arn, "apigateway.amazonaws.com")
        return trusted and principals.authorize(credentials_arn, "lambda:InvokeFunction", function_arn, why=why)
    context = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_arn.split(":")[4]}
    principal = ("Service", "apigateway.amazonaws.com")
    return _resource_allows(fn, function_arn, principal, "lambda:InvokeFunction", context, why)


def url_may_invoke(fn: Any, function_arn: str, auth_type: str, authorization: str | None) -> bool:
    """Whether a request to the function URL may invoke it: ``NONE`` needs a public ``lambda:InvokeFunctionUrl``
    statement in the resource-based policy; ``AWS_IAM`` a signed request whose signer is allowed (by its identity
    policies or the resource-based policy; keys not minted here are administrators). moto keeps no qualifier of a
    URL: a permission for any qualifier of the function counts."""
    if not enforcing():
        return auth_type != "AWS_IAM" or bool(authorization)
    context = {"lambda:functionurlauthtype": auth_type}
    why = f"function URL of {fn.function_name}"
    if auth_type != "AWS_IAM":
        return _resource_allows(fn, function_arn, ("*", ""), "lambda:InvokeFunctionUrl", context, why)
    key, _, _ = credentials({"Authorization": authorization or ""}, "", "")
    if key is None:
        return False
    session = principals.session_of(key)
    if session is None:
        return True
    if principals.decide(session.role_arn, "lambda:InvokeFunctionUrl", function_arn, context) == "allow":
        return True
    return _resource_allows(fn, function_arn, ("AWS", session.arn), "lambda:InvokeFunctionUrl", context, why)


def rule_may_invoke(fn: Any, function_arn: str, rule_arn: str) -> bool:
    """Whether EventBridge may invoke ``function_arn`` for the rule ``rule_arn`` (resource-based policy)."""
    if not enforcing():
        return True
    context = {"aws:sourcearn": rule_arn, "aws:sourceaccount": rule_arn.split(":")[4]}
    principal = ("Service", "events.amazonaws.com")
    return _resource_allows(fn, function_arn, principal, "lambda:InvokeFunction", context, f"rule {rule_arn}")


def schedule_may_invoke(role_arn: str | None, target_arn: str, schedule_arn: str) -> str | None:
    """Why Scheduler may not invoke ``target_arn`` with the schedule's role (None: it may)."""
    if not enforcing():
        return None
    if not role_arn or not principals.trusts(role_arn, "scheduler.amazonaws.com"):
        return f"the role {role_arn} of {schedule_arn} cannot be assumed by scheduler.amazonaws.com"
    action = SEND_ACTIONS.get(target_arn.split(":")[2], "lambda:InvokeFunction")
    if not principals.authorize(role_arn, action, target_arn, why=f"schedule {schedule_arn}"):
        return f"{role_arn} is not authorized to perform: {action} on resource: {target_arn}"
    return None


def _resource_allows(fn: Any, arn: str, principal: Any, action: str, context: dict[str, str], why: str) -> bool:
    arns = [arn, *principals.qualified_resources(fn)] if action == "lambda:InvokeFunctionUrl" else [arn]
    allowed = principals.resource_decision(fn, arns, principal, action, context) == "allow"
    if not allowed:
        principals.log.warning("IAM: %s denied: no resource-based policy allows %s to %s", why, principal[1], action)
    return allowed
