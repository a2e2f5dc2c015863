"""What a request asks for (actions and resources per service), who signed it, and what a denial looks like."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda.iam import Call, bad_token, denial, message, requested
from cdktf_lambda.iam.signed import credentials, parameters, session_token

A, R = "123456789012", "us-east-1"
DDB = f"arn:aws:dynamodb:{R}:{A}"


def call(service: str, operation: str, params: dict | None = None, **extra: object) -> Call:
    return Call(service, operation, A, R, params=params or {}, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("request_", "pairs"),
    [
        (call("dynamodb", "PutItem", {"TableName": "T"}), [("dynamodb:PutItem", f"{DDB}:table/T")]),
        (call("dynamodb", "Query", {"TableName": "T", "IndexName": "by-date"}),
         [("dynamodb:Query", f"{DDB}:table/T/index/by-date")]),
        (call("dynamodb", "GetItem", {"TableName": f"{DDB}:table/T"}), [("dynamodb:GetItem", f"{DDB}:table/T")]),
        (call("dynamodb", "BatchWriteItem", {"RequestItems": {"T": [], "U": []}}),
         [("dynamodb:BatchWriteItem", f"{DDB}:table/T"), ("dynamodb:BatchWriteItem", f"{DDB}:table/U")]),
        (call("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "T"}},
                                                                     {"ConditionCheck": {"TableName": "U"}}]}),
         [("dynamodb:PutItem", f"{DDB}:table/T"), ("dynamodb:ConditionCheckItem", f"{DDB}:table/U")]),
        (call("dynamodb", "ListTables"), [("dynamodb:ListTables", None)]),
        (call("sqs", "SendMessageBatch", {"QueueUrl": f"http://127.0.0.1:5000/{A}/jobs"}),
         [("sqs:SendMessage", f"arn:aws:sqs:{R}:{A}:jobs")]),
        (call("sqs", "GetQueueUrl", {"QueueName": "jobs"}), [("sqs:GetQueueUrl", f"arn:aws:sqs:{R}:{A}:jobs")]),
        (call("s3", "GetObject", moto_resource="arn:aws:s3:::bucket/key"),
         [("s3:GetObject", "arn:aws:s3:::bucket/key")]),
        (call("lambda", "Invoke", path="/2015-03-31/functions/fn/invocations"),
         [("lambda:InvokeFunction", f"arn:aws:lambda:{R}:{A}:function:fn")]),
        (call("lambda", "Invoke", path="/2015-03-31/functions/fn/invocations", query={"Qualifier": "live"}),
         [("lambda:InvokeFunction", f"arn:aws:lambda:{R}:{A}:function:fn:live")]),
        (call("lambda", "Invoke", path=f"/2015-03-31/functions/arn:aws:lambda:{R}:{A}:function:fn:7/invocations"),
         [("lambda:InvokeFunction", f"arn:aws:lambda:{R}:{A}:function:fn:7")]),
        (call("lambda", "GetFunction", path="/2015-03-31/functions/fn:$LATEST"),
         [("lambda:GetFunction", f"arn:aws:lambda:{R}:{A}:function:fn")]),
        (call("sns", "PublishBatch", {"TopicArn": f"arn:aws:sns:{R}:{A}:t"}),
         [("sns:Publish", f"arn:aws:sns:{R}:{A}:t")]),
        (call("logs", "PutLogEvents", {"logGroupName": "/aws/lambda/fn", "logStreamName": "s"}),
         [("logs:PutLogEvents", f"arn:aws:logs:{R}:{A}:log-group:/aws/lambda/fn:log-stream:s")]),
        (call("events", "PutEvents", {"Entries": [{"Source": "a"}, {"EventBusName": "orders"}]}),
         [("events:PutEvents", f"arn:aws:events:{R}:{A}:event-bus/default"),
          ("events:PutEvents", f"arn:aws:events:{R}:{A}:event-bus/orders")]),
        (call("events", "PutRule", {"Name": "nightly", "EventBusName": "orders"}),
         [("events:PutRule", f"arn:aws:events:{R}:{A}:rule/orders/nightly")]),
        (call("scheduler", "GetSchedule", path="/schedules/nightly", query={"groupName": "jobs"}),
         [("scheduler:GetSchedule", f"arn:aws:scheduler:{R}:{A}:schedule/jobs/nightly")]),
        (call("sts", "AssumeRole", {"RoleArn": f"arn:aws:iam::{A}:role/r"}),
         [("sts:AssumeRole", f"arn:aws:iam::{A}:role/r")]),
        (call("ssm", "GetParameter", {"Name": "/app/db"}),
         [("ssm:GetParameter", f"arn:aws:ssm:{R}:{A}:parameter/app/db")]),
        (call("secretsmanager", "GetSecretValue", {"SecretId": "db"}),
         [("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{R}:{A}:secret:db-??????")]),
        (call("xray", "PutTraceSegments"), [("xray:PutTraceSegments", "*")]),
        (call("glue", "GetTable", {"Name": "t"}), [("glue:GetTable", None)]),
    ],
)  # fmt: skip
def test_requests_are_named_as_iam_names_them(request_: Call, pairs: list) -> None:
    assert requested(request_) == pairs


def test_credentials_come_from_the_header_or_a_presigned_url() -> None:
    header = "AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/eu-west-1/monitoring/aws4_request, SignedHeaders=host"
    assert credentials({"Authorization": header}, "http://h/", R) == ("ASIAKEY", "eu-west-1", "cloudwatch")
    v4 = "http://h/b/k?X-Amz-Credential=ASIAKEY%2F20260101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Security-Token=tok"
    assert credentials({}, v4, R) == ("ASIAKEY", "us-west-2", "s3")
    assert session_token({}, v4) == "tok" and session_token({"X-Amz-Security-Token": "hdr"}, v4) == "hdr"
    assert credentials({}, "http://h/b/k?AWSAccessKeyId=ASIAKEY&Signature=x", R) == ("ASIAKEY", R, "s3")
    assert credentials({}, "http://h/", R) == (None, "", "")


def test_parameters_are_parsed_json_or_the_query() -> None:
    assert parameters({"A": 1}, b"{}", {}) == {"A": 1}
    assert parameters(None, b'{"TableName": "T"}', {}) == {"TableName": "T"}
    assert parameters(None, b"", {"QueueUrl": ["u"], "Action": ["SendMessage"]}) == {
        "QueueUrl": "u",
        "Action": "SendMessage",
    }


PRINCIPAL = f"arn:aws:sts::{A}:assumed-role/worker/practice-dev-worker"


def test_the_message_names_principal_action_and_resource() -> None:
    text = message("dynamodb", PRINCIPAL, "dynamodb:PutItem", f"{DDB}:table/T", explicit=False)
    assert text == (
        f"User: {PRINCIPAL} is not authorized to perform: dynamodb:PutItem on resource: {DDB}:table/T because no "
        "identity-based policy allows the dynamodb:PutItem action"
    )
    assert message("s3", PRINCIPAL, "s3:GetObject", "arn:aws:s3:::b/k", explicit=True).endswith(
        'on resource: "arn:aws:s3:::b/k" with an explicit deny in an identity-based policy'
    )
    assert "perform: sqs:sendmessage on" in message("sqs", PRINCIPAL, "sqs:SendMessage", "q", explicit=False)
    assert "perform: SNS:Publish on" in message("sns", PRINCIPAL, "sns:Publish", "t", explicit=False)


@pytest.mark.parametrize(
    ("service", "json_request", "status", "code"),
    [
        ("dynamodb", True, 400, "com.amazon.coral.service#AccessDeniedException"),
        ("sqs", True, 403, "com.amazon.coral.service#AccessDeniedException"),
        ("sqs", False, 403, "<Code>AccessDenied</Code>"),
        ("lambda", True, 403, '"Type": "User"'),
        ("scheduler", True, 403, '"message"'),
        ("sns", False, 403, "<Code>AuthorizationError</Code>"),
        ("logs", True, 400, '"__type": "AccessDeniedException"'),
        ("sts", False, 403, "<Code>AccessDenied</Code>"),
    ],
)
def test_each_protocol_answers_in_its_own_shape(service: str, json_request: bool, status: int, code: str) -> None:
    answer = denial(service, "User: x is not authorized", json_request=json_request)
    assert answer.status == status and code in answer.body and "User: x is not authorized" in answer.body
    if json_request:
        json.loads(answer.body)
    if service == "sqs" and json_request:
        assert answer.headers["x-amzn-query-error"] == "AccessDenied;Sender"


def test_a_wrong_session_token_is_refused_as_invalid() -> None:
    assert bad_token("sts", json_request=False).code == "InvalidClientTokenId"
    assert bad_token("dynamodb", json_request=True).code == "UnrecognizedClientException"
    assert bad_token("s3", json_request=False).code == "InvalidToken"
