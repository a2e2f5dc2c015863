"""Assertions about a synthesized stack that say what differs, key by key, when they fail.

Matching is partial where it makes sense for Terraform JSON: an expected mapping lists only the keys that matter
(the actual one may have more), lists compare item by item, anything else by ``==`` (so ``unittest.mock.ANY``
matches any value). A failure is an ``AssertionError`` whose message lists each difference by its path:

.. code-block:: text

    no aws_dynamodb_table of stack 'shop-dev' matches; the closest:
      orders_table_5C3E1D2A (1 difference):
        billing_mode: expected 'PROVISIONED', got 'PAY_PER_REQUEST'

The helpers hide their own frames from pytest's traceback (``__tracebackhide__``): the failure points at the test.

Examples
--------
>>> assert_matches({"memory_size": 256, "timeout": 30}, {"memory_size": 512})
Traceback (most recent call last):
...
AssertionError: value differs (1 difference):
  memory_size: expected 512, got 256
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_lambda.testing.functions import Function, Role
from cdktf_lambda.testing.resources import Resource
from cdktf_lambda.testing.stack import SynthesizedStack

__all__ = ["assert_allows", "assert_matches", "assert_no_resource", "assert_resource", "differences"]


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def differences(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Each way ``actual`` differs from ``expected`` (see the module docstring), as ``"path: what"`` lines."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{path or 'value'}: expected a mapping, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{_at(path, key)}: missing (expected {value!r})")
            else:
                found += differences(actual[key], value, _at(path, key))
        return found
    if isinstance(expected, Sequence) and not isinstance(expected, (str, bytes)):
        if not isinstance(actual, Sequence) or isinstance(actual, (str, bytes)):
            return [f"{path or 'value'}: expected a list, got {actual!r}"]
        if len(actual) != len(expected):
            return [
                f"{path or 'value'}: expected {len(expected)} items {list(expected)!r}, "
                f"got {len(actual)}: {list(actual)!r}"
            ]
        return [
            line for index, item in enumerate(expected) for line in differences(actual[index], item, _at(path, index))
        ]
    if actual != expected:
        return [f"{path or 'value'}: expected {expected!r}, got {actual!r}"]
    return []


def _count(lines: Sequence[str]) -> str:
    return f"{len(lines)} difference{'s' if len(lines) != 1 else ''}"


def assert_matches(actual: Any, expected: Any, *, what: str = "value") -> None:
    """Fail, listing every difference, unless ``actual`` matches ``expected`` (partially, see the module docstring)."""
    __tracebackhide__ = True
    found = differences(actual, expected)
    if found:
        raise AssertionError(f"{what} differs ({_count(found)}):\n" + "\n".join(f"  {line}" for line in found))


def assert_resource(stack: SynthesizedStack, resource_type: str, **expected: Any) -> Resource:
    """The resource of ``resource_type`` whose configuration matches ``expected``; fails showing the closest ones.

    Examples
    --------
    >>> assert_resource(cdktf_stack, "aws_sqs_queue", name="jobs", visibility_timeout_seconds=180)  # doctest: +SKIP
    """
    __tracebackhide__ = True
    candidates = stack.resources(resource_type)
    if not candidates:
        kinds = ", ".join(f"{kind} ({count})" for kind, count in stack.resource_types().items()) or "none"
        raise AssertionError(f"stack {stack.name!r} has no {resource_type} at all; its resource types: {kinds}")
    compared = sorted(((differences(r.config, expected), r) for r in candidates), key=lambda pair: len(pair[0]))
    matching = [resource for found, resource in compared if not found]
    if matching:
        return matching[0]
    shown = compared[:3]
    lines = [f"no {resource_type} of stack {stack.name!r} matches; the closest:"]
    for found, resource in shown:
        lines.append(f"  {resource.logical_id} ({_count(found)}):")
        lines += [f"    {line}" for line in found]
    if len(compared) > len(shown):
        lines.append(f"  ... and {len(compared) - len(shown)} more {resource_type}")
    raise AssertionError("\n".join(lines))


def assert_no_resource(stack: SynthesizedStack, resource_type: str, **match: Any) -> None:
    """Fail if a resource of ``resource_type`` matches ``match`` (any of that type, with no ``match``)."""
    __tracebackhide__ = True
    found = [r for r in stack.resources(resource_type) if not differences(r.config, match)]
    if found:
        raise AssertionError(
            f"stack {stack.name!r} has {resource_type} it should not: {', '.join(r.logical_id for r in found)}"
        )


def assert_allows(subject: Function | Role, action: str, resource: str | None = None) -> None:
    """Fail unless the function's execution role (or ``subject``, a role) allows ``action`` (on ``resource``).

    ``resource`` is compared with the statements' resources as synthesized: a token such as
    ``stack.resource("aws_dynamodb_table", name="orders").ref("arn")``, or an ARN.
    """
    __tracebackhide__ = True
    role = subject.role if isinstance(subject, Function) else subject
    who = f"function {subject.construct_id!r}" if isinstance(subject, Function) else f"role {subject.name!r}"
    if role is None:
        raise AssertionError(f"{who} has no execution role in the stack (its role is not an aws_iam_role of it)")
    if role.allows(action, resource):
        return
    on = f" on {resource}" if resource else ""
    granted = "\n".join(
        f"  {s.effect} {', '.join(s.actions)} on {', '.join(s.resources)} (policy {s.policy!r})"
        for s in role.statements
    )
    raise AssertionError(f"{who} is not allowed {action}{on}; role {role.name!r} has:\n{granted or '  no statement'}")
