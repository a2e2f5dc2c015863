"""Who acts in the local cloud, and what they may do: the roles of moto's IAM, and the sessions minted from them.

* :func:`function_credentials` assumes a function's execution role as Lambda does (the role must trust
  ``lambda.amazonaws.com``; the session is named after the function) through moto's STS, and remembers the keys:
  only keys minted here are enforced (:func:`session_of`); every other key -- the test credentials, Terraform's --
  stays an administrator.
* :func:`identity` is a role's identity statements (inline and attached policies, customer or AWS managed) as moto
  holds them now: a policy removed through the IAM API is gone at the next request.
* :func:`authorize` decides for a role (a function's, a schedule's) acting through the local cloud itself;
  :func:`resource_decision` asks a function's resource-based policy (``aws_lambda_permission``).

Every decision is counted (:data:`COUNTS`); a denial is logged (``cdktf_lambda.emulator``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_lambda.iam import Decision, Principal, Statement, compile_policy, evaluate
from cdktf_lambda.iam.policy import ContextValue
from cdktf_lambda.iam.services import NOT_ASSUMABLE
from cdktf_lambda.iam.signed import Session
from cdktf_lambda.logs import room_logger

__all__ = [
    "COUNTS",
    "RoleNotAssumable",
    "authorize",
    "function_credentials",
    "identity",
    "resource_decision",
    "session_of",
    "trusts",
]

log = room_logger(__name__)

#: Decisions taken: ``checks``, ``denied``.
COUNTS: Counter[str] = Counter()


class RoleNotAssumable(Exception):
    """The role does not exist, or its trust policy does not let the service assume it."""


_LOCK = threading.Lock()
_BY_KEY: dict[str, Session] = {}
_BY_FUNCTION: dict[tuple[str, str], Session] = {}
_DENIED: set[tuple[str, str, str]] = set()


def _role(role_arn: str) -> Any:
    """moto's role of ``role_arn``, or None."""
    from moto.iam.models import iam_backends

    parts = role_arn.split(":")
    if len(parts) < 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    try:
        return iam_backends[parts[4]][parts[1]].get_role(parts[5].rsplit("/", 1)[-1])
    except Exception:
        return None


def _documents(role: Any) -> list[str]:
    documents = [str(text) for text in list(role.policies.values())]
    for policy in list(role.managed_policies.values()):
        documents += [str(v.document) for v in list(policy.versions) if v.is_default]
    return documents


def identity(role_arn: str) -> tuple[Statement, ...]:
    """The statements of every policy of the role now (none if the role does not exist)."""
    role = _role(role_arn)
    if role is None:
        return ()
    statements: list[Statement] = []
    for document in _documents(role):
        try:
            statements += compile_policy(document)
        except ValueError:
            log.warning("a policy of %s is not JSON: it allows nothing", role_arn)
    return tuple(statements)


def trusts(role_arn: str, service: str) -> bool:
    """Whether the role exists and its trust policy lets ``service`` (``lambda.amazonaws.com``) assume it."""
    role = _role(role_arn)
    if role is None:
        return False
    try:
        trust = compile_policy(str(role.assume_role_policy_document or "{}"))
    except ValueError:
        return False
    principal: Principal = ("Service", service)
    return evaluate((), "sts:AssumeRole", role_arn, resource_policy=trust, principal=principal) == "allow"


def function_credentials(fn: Any) -> dict[str, str]:
    """``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN`` of a session of the function's
    role, named after the function (minted once per function and role: its versions share them, as its runtimes
    may).

    Raises
    ------
    RoleNotAssumable
        The role does not exist or does not trust ``lambda.amazonaws.com``.
    """
    role_arn = str(fn.role)
    if not trusts(role_arn, "lambda.amazonaws.com"):
        raise RoleNotAssumable(f"{NOT_ASSUMABLE} ({role_arn})")
    key = (f"{fn.account_id}:{fn.region}:{fn.function_name}", role_arn)
    with _LOCK:
        session = _BY_FUNCTION.get(key)
        if session is None:
            session = _BY_FUNCTION[key] = _mint(role_arn, str(fn.function_name), str(fn.region))
            _BY_KEY[session.access_key_id] = session
    return session.environment()


def _mint(role_arn: str, name: str, region: str) -> Session:
    from moto.sts.models import sts_backends

    account, partition = role_arn.split(":")[4], role_arn.split(":")[1]
    assumed = sts_backends[account][partition].assume_role(
        region_name=region, role_session_name=name[:64], role_arn=role_arn, policy=None, duration=43200,
        external_id=None,
    )  # fmt: skip
    arn = f"arn:{partition}:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{name[:64]}"
    return Session(assumed.access_key_id, assumed.secret_access_key, assumed.session_token, role_arn, arn)


def session_of(access_key_id: str) -> Session | None:
    """The session of a key minted here, or None (any other key is not enforced)."""
    return _BY_KEY.get(access_key_id)


def _count(decision: Decision) -> Decision:
    COUNTS["checks"] += 1
    if decision != "allow":
        COUNTS["denied"] += 1
    return decision


def decide(role_arn: str, action: str, resource: str, context: Mapping[str, ContextValue] | None = None) -> Decision:
    """The decision on ``action`` on ``resource`` for the role's identity policies (counted, not logged)."""
    return _count(evaluate(identity(role_arn), action, resource, context))


def authorize(role_arn: str, action: str, resource: str, *, why: str) -> bool:
    """Whether the role may do ``action`` on ``resource`` (the local cloud acting with it). A denial is logged with
    ``why`` (what the local cloud was about to do), once until the same check is allowed again."""
    decision = decide(role_arn, action, resource)
    key = (role_arn, action, resource)
    if decision == "allow":
        _DENIED.discard(key)
        return True
    if key not in _DENIED:
        _DENIED.add(key)
        log.warning("IAM: %s denied: %s may not %s on %s (%s deny)", why, role_arn, action, resource, decision)
    return False


def _policy_statements(fn: Any) -> list[dict[str, Any]]:
    """The resource-based policy statements of every version of the function (moto keeps a permission on the
    object of the qualifier it was added for, its ``Resource`` qualified the same way)."""
    from moto.awslambda.models import lambda_backends

    try:
        entry = lambda_backends[fn.account_id][fn.region]._lambdas._functions[fn.function_name]
        objects = list({id(o): o for o in [fn, entry["latest"], *entry["versions"]]}.values())
    except Exception:
        objects = [fn]
    return [dict(s) for o in objects for s in list(getattr(getattr(o, "policy", None), "statements", None) or [])]


def resource_decision(
    fn: Any, invoked_arns: Sequence[str], principal: Principal, action: str, context: Mapping[str, ContextValue]
) -> Decision:
    """The function's resource-based policy on ``action`` by ``principal`` on any of ``invoked_arns``."""
    try:
        policy = compile_policy({"Statement": _policy_statements(fn)})
    except Exception:
        policy = ()
    decisions = {evaluate((), action, a, context, resource_policy=policy, principal=principal) for a in invoked_arns}
    return _count("deny" if "deny" in decisions else "allow" if "allow" in decisions else "implicit")


def qualified_resources(fn: Any) -> list[str]:
    """The qualified ARNs of the function its resource-based policy names (``...:function:F:live``)."""
    prefix = f"{fn.function_arn}:"
    return sorted({str(s.get("Resource")) for s in _policy_statements(fn) if str(s.get("Resource")).startswith(prefix)})
