"""Policy evaluation as AWS documents it for one account: explicit deny wins, wildcards, Not* elements, conditions,
resource-based policies and their principals."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda.iam import compile_policy, evaluate, unsupported

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/greetings"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
ROLE = "arn:aws:iam::123456789012:role/worker"
RULE = "arn:aws:events:us-east-1:123456789012:rule/nightly"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize(
    ("statements", "action", "resource", "decision"),
    [
        ([allow("dynamodb:PutItem", TABLE)], "dynamodb:PutItem", TABLE, "allow"),
        ([allow("dynamodb:PutItem", TABLE)], "dynamodb:GetItem", TABLE, "implicit"),
        ([allow("dynamodb:PutItem", TABLE)], "dynamodb:PutItem", TABLE + "-other", "implicit"),
        ([allow("DynamoDB:putitem", TABLE)], "dynamodb:PutItem", TABLE, "allow"),  # actions ignore case
        ([allow("dynamodb:PutItem", TABLE.upper())], "dynamodb:PutItem", TABLE, "implicit"),  # resources do not
        ([allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/greet*")], "dynamodb:Query", TABLE, "allow"),
        ([allow("dynamodb:Get?tem", TABLE)], "dynamodb:GetItem", TABLE, "allow"),
        ([allow("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/greetings.")], "dynamodb:PutItem",
         TABLE + "x", "implicit"),  # a dot is a dot
        ([allow("*"), deny("dynamodb:DeleteItem", TABLE)], "dynamodb:DeleteItem", TABLE, "deny"),
        ([deny("dynamodb:DeleteItem", TABLE), allow("*")], "dynamodb:PutItem", TABLE, "allow"),
        ([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "sqs:SendMessage", QUEUE, "allow"),
        ([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "iam:PassRole", ROLE, "implicit"),
        ([allow("*"), {"Effect": "Deny", "Action": "*", "NotResource": TABLE}], "sqs:SendMessage", QUEUE, "deny"),
        ([allow("*"), {"Effect": "Deny", "Action": "*", "NotResource": TABLE}], "dynamodb:GetItem", TABLE, "allow"),
        ([allow(["sqs:SendMessage", "sqs:ReceiveMessage"], [TABLE, QUEUE])], "sqs:ReceiveMessage", QUEUE, "allow"),
        ([], "sqs:SendMessage", QUEUE, "implicit"),
    ],
)  # fmt: skip
def test_identity_decisions(statements: list[dict], action: str, resource: str, decision: str) -> None:
    assert evaluate(compile_policy(policy(*statements)), action, resource) == decision


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, {"aws:requestedregion": "us-east-1"}, True),
        ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, {"aws:requestedregion": "eu-west-1"}, False),
        ({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}, {"aws:requestedregion": "us-east-1"},
         True),
        ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, {}, False),
        ({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}, {}, True),  # a negated operator holds if missing
        ({"StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}, {}, True),
        ({"StringEqualsIgnoreCase": {"aws:RequestedRegion": "US-EAST-1"}}, {"aws:requestedregion": "us-east-1"}, True),
        ({"StringLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "home/ada/x"}, True),
        ({"StringNotLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "home/ada/x"}, False),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*/*"}},
         {"aws:sourcearn": "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/greetings"}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*/*"}},
         {"aws:sourcearn": "arn:aws:execute-api:us-east-1:123456789012:other/$default/GET/"}, False),
        ({"ArnEquals": {"aws:SourceArn": RULE}}, {"aws:sourcearn": RULE}, True),
        ({"ArnNotEquals": {"aws:SourceArn": RULE}}, {"aws:sourcearn": RULE}, False),
        ({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "5"}, True),
        ({"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "5"}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, {"aws:securetransport": "true"}, True),
        ({"Bool": {"aws:SecureTransport": False}}, {"aws:securetransport": "true"}, False),
        ({"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
        ({"Null": {"aws:TokenIssueTime": "false"}}, {}, False),
        ({"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}, {"aws:sourceip": "127.0.0.1"}, True),
        ({"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}, {"aws:sourceip": "127.0.0.1"}, False),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:tagkeys": ["c", "b"]}, True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:tagkeys": ["c", "b"]}, False),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}, {}, True),
        # two keys: both must hold
        ({"StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:PrincipalAccount": "1"}},
         {"aws:requestedregion": "us-east-1", "aws:principalaccount": "2"}, False),
        ({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, {"aws:currenttime": "2030-01-01"}, False),
    ],
)  # fmt: skip
def test_conditions(condition: dict, context: dict, holds: bool) -> None:
    statements = compile_policy(policy(allow("sqs:SendMessage", QUEUE, Condition=condition)))
    assert (evaluate(statements, "sqs:SendMessage", QUEUE, context) == "allow") is holds


def test_an_operator_it_cannot_test_is_named_and_its_statement_never_applies() -> None:
    statements = compile_policy(
        policy(allow("*"), deny("*", Condition={"DateLessThan": {"aws:CurrentTime": "2100-01-01T00:00:00Z"}}))
    )
    assert unsupported(statements) == ["DateLessThan"]
    assert evaluate(statements, "sqs:SendMessage", QUEUE, {"aws:currenttime": "2026-01-01T00:00:00Z"}) == "allow"


API_PERMISSION = {
    "Sid": "AllowHttpApiInvoke",
    "Effect": "Allow",
    "Principal": {"Service": "apigateway.amazonaws.com"},
    "Action": "lambda:InvokeFunction",
    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:api:live",
    "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*/*"}},
}
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:api"
SOURCE = {"aws:sourcearn": "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/"}


@pytest.mark.parametrize(
    ("principal", "resource", "context", "decision"),
    [
        (("Service", "apigateway.amazonaws.com"), FUNCTION + ":live", SOURCE, "allow"),
        (("Service", "events.amazonaws.com"), FUNCTION + ":live", SOURCE, "implicit"),
        (("Service", "apigateway.amazonaws.com"), FUNCTION, SOURCE, "implicit"),  # the permission is for the alias
        (("Service", "apigateway.amazonaws.com"), FUNCTION + ":live", {}, "implicit"),  # no source ARN
    ],
)
def test_a_resource_based_policy_allows_its_principal(principal, resource, context, decision) -> None:
    resource_policy = compile_policy({"Statement": [API_PERMISSION]})
    got = evaluate((), "lambda:InvokeFunction", resource, context, resource_policy=resource_policy, principal=principal)
    assert got == decision


@pytest.mark.parametrize(
    ("named", "principal", "decision"),
    [
        ("*", ("*", ""), "allow"),
        ({"AWS": "*"}, ("AWS", "arn:aws:sts::123456789012:assumed-role/worker/fn"), "allow"),
        ({"AWS": ROLE}, ("AWS", "arn:aws:sts::123456789012:assumed-role/worker/fn"), "allow"),  # a session of it
        ({"AWS": ROLE}, ("AWS", "arn:aws:sts::123456789012:assumed-role/other/fn"), "implicit"),
        ({"AWS": "123456789012"}, ("AWS", "arn:aws:sts::123456789012:assumed-role/worker/fn"), "implicit"),
        ({"Service": ["scheduler.amazonaws.com", "lambda.amazonaws.com"]}, ("Service", "lambda.amazonaws.com"),
         "allow"),
    ],
)  # fmt: skip
def test_principals_of_a_resource_based_policy(named: object, principal: tuple[str, str], decision: str) -> None:
    trust = compile_policy(policy({"Effect": "Allow", "Principal": named, "Action": "sts:AssumeRole"}))
    assert evaluate((), "sts:AssumeRole", ROLE, resource_policy=trust, principal=principal) == decision


def test_an_explicit_deny_in_a_resource_based_policy_wins_over_an_identity_allow() -> None:
    identity = compile_policy(policy(allow("lambda:InvokeFunction")))
    blocked = compile_policy({"Statement": [{**API_PERMISSION, "Effect": "Deny", "Condition": {}}]})
    principal = ("Service", "apigateway.amazonaws.com")
    got = evaluate(identity, "lambda:InvokeFunction", FUNCTION + ":live", resource_policy=blocked, principal=principal)
    assert got == "deny"


def test_a_document_is_compiled_once_per_text() -> None:
    text = policy(allow("sqs:SendMessage", QUEUE))
    assert compile_policy(text) is compile_policy(text)
    with pytest.raises(ValueError):
        compile_policy("not json")
