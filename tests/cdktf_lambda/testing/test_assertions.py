"""Assertions that say what differs: partial matches with a path per difference, the closest resources, the role's
statements when an action is not allowed."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest

from cdktf_lambda.testing import (
    SynthesizedStack,
    assert_allows,
    assert_matches,
    assert_no_resource,
    assert_resource,
)
from cdktf_lambda.testing.assertions import differences
from tests.cdktf_lambda.testing._stacks import TRIGGERS

STACK = SynthesizedStack("app", TRIGGERS)


@pytest.mark.parametrize(
    ("actual", "expected", "found"),
    [
        ({"a": 1, "b": 2}, {"a": 1}, []),  # only the keys that matter
        ({"a": {"b": [1, {"c": 2, "d": 3}]}}, {"a": {"b": [1, {"c": 2}]}}, []),
        ({"a": 1}, {"a": ANY}, []),
        ({"a": 1}, {"a": 2}, ["a: expected 2, got 1"]),
        ({"a": 1}, {"b": 2}, ["b: missing (expected 2)"]),
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}, ["a.b[1]: expected 3, got 2"]),
        ({"a": [1, 2]}, {"a": [1]}, ["a: expected 1 items [1], got 2: [1, 2]"]),
        ({"a": "x"}, {"a": {"b": 1}}, ["a: expected a mapping, got 'x'"]),
        ({"a": "xy"}, {"a": ["x", "y"]}, ["a: expected a list, got 'xy'"]),
        (3, 4, ["value: expected 4, got 3"]),
    ],
)
def test_differences_by_path(actual: Any, expected: Any, found: list[str]) -> None:
    assert differences(actual, expected) == found


def test_assert_matches_lists_every_difference() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_matches({"memory_size": 256, "tags": {}}, {"memory_size": 512, "tags": {"Team": "shop"}}, what="orders")
    assert str(raised.value) == (
        "orders differs (2 differences):\n  memory_size: expected 512, got 256\n  tags.Team: missing (expected 'shop')"
    )
    assert_matches({"memory_size": 256}, {"memory_size": 256})


def test_assert_resource_returns_the_match() -> None:
    table = assert_resource(STACK, "aws_dynamodb_table", name="app-table", billing_mode="PAY_PER_REQUEST")
    assert table.logical_id == "t"


def test_assert_resource_shows_the_closest_resources_first() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_resource(STACK, "aws_sqs_queue", name="app-jobs", visibility_timeout_seconds=180)
    assert str(raised.value) == (
        "no aws_sqs_queue of stack 'app' matches; the closest:\n"
        "  q (1 difference):\n"
        "    visibility_timeout_seconds: missing (expected 180)\n"
        "  q2 (2 differences):\n"
        "    name: expected 'app-jobs', got 'app-dlq'\n"
        "    visibility_timeout_seconds: missing (expected 180)"
    )


def test_assert_resource_of_a_type_the_stack_lacks_lists_its_types() -> None:
    with pytest.raises(AssertionError, match=r"stack 'app' has no aws_rds_cluster at all; its resource types: "):
        assert_resource(STACK, "aws_rds_cluster")


def test_assert_no_resource() -> None:
    assert_no_resource(STACK, "aws_sqs_queue", name="app-gone")
    with pytest.raises(AssertionError, match=r"stack 'app' has aws_sqs_queue it should not: q$"):
        assert_no_resource(STACK, "aws_sqs_queue", name="app-jobs")


def test_assert_allows_shows_what_the_role_has() -> None:
    jobs = STACK.function("jobs")
    assert_allows(jobs, "dynamodb:PutItem", "${aws_dynamodb_table.t.arn}")
    assert jobs.role is not None
    assert_allows(jobs.role, "sqs:SendMessage")
    with pytest.raises(AssertionError) as raised:
        assert_allows(jobs, "dynamodb:GetItem", "${aws_dynamodb_table.t.arn}")
    lines = str(raised.value).splitlines()
    assert (
        lines[0]
        == "function 'jobs' is not allowed dynamodb:GetItem on ${aws_dynamodb_table.t.arn}; role 'app-jobs-role' has:"
    )
    assert "  Allow dynamodb:PutItem on ${aws_dynamodb_table.t.arn} (policy 'table')" in lines
    assert "  Deny s3:GetObjectAcl on * (policy 'doc')" in lines
    with pytest.raises(AssertionError, match=r"function 'other' has no execution role in the stack"):
        assert_allows(STACK.function("other"), "sqs:SendMessage")


def test_the_helpers_hide_their_frames_from_the_traceback(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from cdktf_lambda.testing import SynthesizedStack, assert_resource

        def test_table():
            assert_resource(SynthesizedStack("s", {"resource": {"aws_sqs_queue": {"q": {"name": "a"}}}}),
                            "aws_sqs_queue", name="b")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "name: expected 'b', got 'a'" in output
    assert "assertions.py" not in output, "the failure points at the test, not inside the toolkit"
