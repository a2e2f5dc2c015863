"""IAM policy documents, compiled once and evaluated as AWS evaluates them within one account.

:func:`compile_policy` turns a document (JSON text or a dict) into :class:`Statement`\\ s (cached by its text);
:func:`evaluate` decides one request (action, resource, condition context) against identity statements and, for a
resource-based policy, the request's principal. The rules AWS documents for one account:

* an explicit ``Deny`` that matches wins; otherwise an ``Allow`` in either the identity policies or the resource's
  policy (for the request's principal) allows; otherwise the request is implicitly denied;
* ``Action``/``NotAction`` match case-insensitively, ``Resource``/``NotResource`` case-sensitively, with ``*`` and
  ``?`` wildcards; a statement without ``Resource`` (a resource-based policy's may omit it) covers the resource;
* conditions: every operator of a statement, every key of an operator must hold (AND), any value of a key may match
  (OR). Supported operators: ``String*`` (``Equals``, ``NotEquals``, ``EqualsIgnoreCase``, ``NotEqualsIgnoreCase``,
  ``Like``, ``NotLike``), ``Arn*`` (``Equals``, ``Like``, ``NotEquals``, ``NotLike``; each of the six parts of an ARN
  matched on its own), ``Numeric*``, ``Bool``, ``Null``, ``IpAddress``/``NotIpAddress``, each with ``...IfExists``,
  and the ``ForAnyValue:``/``ForAllValues:`` set qualifiers. A negated operator holds when its key is missing.
  Another operator (``Date*``, ``BinaryEquals``) never holds: its statement does not apply (:func:`unsupported`
  lists what a document uses of them);
* a resource-based policy's ``Principal``: ``"*"``, ``{"AWS": ...}`` (``*``, a role ARN, which also covers that
  role's sessions) or ``{"Service": ...}``. An account principal (``123456789012`` or ``...:root``) hands the
  decision to the caller's identity policies, as within one account: it allows nothing by itself.

Not modelled: permission boundaries, service control policies, session policies, ``NotPrincipal``, policy variables
(``${aws:username}``).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

__all__ = ["Condition", "Decision", "Principal", "Statement", "compile_policy", "evaluate", "unsupported"]

#: ``deny``: an explicit deny matched; ``allow``: an allow matched and no deny; ``implicit``: nothing allowed it.
Decision = Literal["allow", "deny", "implicit"]
#: Who asks, for a resource-based policy: ``("Service", "apigateway.amazonaws.com")``, ``("AWS", role ARN)``, or
#: ``("*", "")`` for an anonymous caller (a public function URL).
Principal = tuple[str, str]
#: Condition values: one text or several (a multi-valued key).
ContextValue = str | Sequence[str]

_Matcher = Callable[[str], bool]


def _pattern(glob: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)


@lru_cache(maxsize=4096)
def _matcher(globs: tuple[str, ...], ignore_case: bool) -> _Matcher:
    """One compiled test for several wildcard patterns (any may match)."""
    if "*" in globs:
        return lambda value: True
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    match = re.compile("(?:" + "|".join(_pattern(glob) for glob in globs) + r")\Z", flags).match
    return lambda value: match(value) is not None


def _as_tuple(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(str(item).lower() if isinstance(item, bool) else str(item) for item in items)


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike: each of the six colon-separated parts on its own (the last one may hold colons)."""
    wanted, got = pattern.split(":", 5), value.split(":", 5)
    if len(wanted) != len(got):
        return False
    return all(_matcher((w,), False)(g) for w, g in zip(wanted, got, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _in_network(network: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "Equals": lambda a, b: a == b,
    "NotEquals": lambda a, b: a != b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}


def _test(base: str, wanted: str, value: str) -> bool | None:
    """Whether one context ``value`` matches one condition value under ``base`` (without ``Not``); None if the
    operator is not supported."""
    if base in ("StringEquals", "ArnEquals"):
        return wanted == value
    if base == "StringEqualsIgnoreCase":
        return wanted.lower() == value.lower()
    if base == "StringLike":
        return _matcher((wanted,), False)(value)
    if base == "ArnLike":
        return _arn_like(wanted, value)
    if base == "Bool":
        return wanted.lower() == value.lower()
    if base == "IpAddress":
        return _in_network(wanted, value)
    if base.startswith("Numeric") and base[7:] in _NUMERIC:
        a, b = _number(value), _number(wanted)
        return a is not None and b is not None and _NUMERIC[base[7:]](a, b)
    return None


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
}


@dataclass(frozen=True)
class Condition:
    """One key of one operator, e.g. ``{"ForAnyValue:StringLikeIfExists": {key: values}}``: the set
    ``qualifier`` (``ForAnyValue``, ``ForAllValues`` or empty), the ``base`` operator without ``Not``/``IfExists``,
    whether it is ``negated``, ``if_exists``, the ``key`` (lower case) and the ``values``."""

    operator: str
    qualifier: str
    base: str
    negated: bool
    if_exists: bool
    key: str
    values: tuple[str, ...]

    @classmethod
    def of(cls, operator: str, key: str, values: tuple[str, ...]) -> Condition:
        qualifier, _, name = operator.rpartition(":")
        if_exists = name.endswith("IfExists") and name != "IfExists"
        name = name.removesuffix("IfExists") if if_exists else name
        base = _NEGATED.get(name, name)
        return cls(operator, qualifier, base, base != name, if_exists, key.lower(), values)

    def supported(self) -> bool:
        return self.base == "Null" or _test(self.base, "0", "0") is not None

    def holds(self, context: Mapping[str, ContextValue]) -> bool:
        raw = context.get(self.key)
        values = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
        if self.base == "Null":
            return (not values) == (self.values[0].lower() == "true")
        if not values:
            return self.qualifier == "ForAllValues" or self.if_exists or self.negated
        results = [self._one(value) for value in values]
        return all(results) if self.qualifier == "ForAllValues" else any(results)

    def _one(self, value: str) -> bool:
        matched = [_test(self.base, wanted, value) for wanted in self.values]
        if None in matched:
            return False
        return not any(matched) if self.negated else any(matched)


@dataclass(frozen=True)
class Statement:
    """One compiled statement."""

    allow: bool
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None
    not_resource: bool
    principals: tuple[Principal, ...] | None
    conditions: tuple[Condition, ...]

    def applies(self, action: str, resource: str, context: Mapping[str, ContextValue]) -> bool:
        if _matcher(self.actions, True)(action) == self.not_action:
            return False
        if self.resources is not None and _matcher(self.resources, False)(resource) == self.not_resource:
            return False
        return all(condition.holds(context) for condition in self.conditions)

    def names(self, principal: Principal) -> bool:
        """Whether this (resource-based) statement's ``Principal`` is ``principal``."""
        kind, who = principal
        for wanted_kind, wanted in self.principals or ():
            if wanted == "*" and wanted_kind in ("*", "AWS"):
                return True
            if wanted_kind != kind:
                continue
            if kind == "Service" and wanted.lower() == who.lower():
                return True
            if kind == "AWS" and wanted.startswith("arn:") and _role_of(who) == wanted:
                return True
        return False


def _role_of(arn: str) -> str:
    """A session's role: ``arn:aws:sts::1:assumed-role/R/s`` -> ``arn:aws:iam::1:role/R`` (other ARNs as they are)."""
    head, _, rest = arn.partition(":assumed-role/")
    if not rest:
        return arn
    partition, account = head.split(":")[1], head.split(":")[4]
    return f"arn:{partition}:iam::{account}:role/{rest.split('/')[0]}"


def _principals(value: Any) -> tuple[Principal, ...]:
    if value == "*":
        return (("*", "*"),)
    if not isinstance(value, dict):
        return ()
    return tuple((kind, who) for kind, whos in value.items() for who in _as_tuple(whos))


def _statement(raw: Mapping[str, Any]) -> Statement:
    not_action, not_resource = "NotAction" in raw, "NotResource" in raw
    resources = raw.get("NotResource" if not_resource else "Resource")
    conditions = tuple(
        Condition.of(operator, key, _as_tuple(values))
        for operator, keys in (raw.get("Condition") or {}).items()
        for key, values in (keys or {}).items()
    )
    return Statement(
        allow=raw.get("Effect") == "Allow",
        actions=_as_tuple(raw.get("NotAction" if not_action else "Action", [])),
        not_action=not_action,
        resources=None if resources is None else _as_tuple(resources),
        not_resource=not_resource,
        principals=_principals(raw["Principal"]) if "Principal" in raw else None,
        conditions=conditions,
    )


@lru_cache(maxsize=2048)
def _compiled(text: str) -> tuple[Statement, ...]:
    return _from_dict(json.loads(text))


def _from_dict(document: Mapping[str, Any]) -> tuple[Statement, ...]:
    raw = document.get("Statement", [])
    return tuple(_statement(item) for item in (raw if isinstance(raw, list) else [raw]) if isinstance(item, dict))


def compile_policy(document: str | Mapping[str, Any]) -> tuple[Statement, ...]:
    """The statements of a policy document (JSON text is compiled once per distinct text).

    Raises
    ------
    ValueError
        The text is not JSON.
    """
    return _compiled(document) if isinstance(document, str) else _from_dict(document)


def unsupported(statements: Iterable[Statement]) -> list[str]:
    """The condition operators of ``statements`` that :func:`evaluate` cannot test (such a condition never holds)."""
    return sorted({c.operator for s in statements for c in s.conditions if not c.supported()})


def evaluate(
    identity: Iterable[Statement],
    action: str,
    resource: str,
    context: Mapping[str, ContextValue] | None = None,
    *,
    resource_policy: Iterable[Statement] = (),
    principal: Principal | None = None,
) -> Decision:
    """The decision on ``action`` on ``resource``: ``identity`` (the caller's policies) and, with a ``principal``,
    the statements of ``resource_policy`` that name it. ``context`` keys are lower case (``aws:sourcearn``)."""
    context = context or {}
    allowed = False
    for statement in identity:
        if statement.applies(action, resource, context):
            if not statement.allow:
                return "deny"
            allowed = True
    if principal is not None:
        for statement in resource_policy:
            if statement.names(principal) and statement.applies(action, resource, context):
                if not statement.allow:
                    return "deny"
                allowed = True
    return "allow" if allowed else "implicit"
