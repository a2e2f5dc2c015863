"""cdktf_lambda.emulator.contents: what exists in a moto server, by kind."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda.emulator import contents as inventory
from cdktf_lambda.emulator import server as moto

pytestmark = pytest.mark.slow


def test_inventory_counts_and_reset(clean_moto: moto.MotoServer) -> None:
    url = clean_moto.endpoint_url
    counts = inventory.resource_counts(url)
    assert list(counts) == list(inventory.INVENTORY_KINDS)
    assert all(n == 0 for n in counts.values()), counts

    iam = moto.aws_client("iam", url)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(doc))
    moto.aws_client("sqs", url).create_queue(QueueName="q")
    moto.aws_client("logs", url).create_log_group(logGroupName="/aws/lambda/x")
    events = moto.aws_client("events", url)
    events.put_rule(Name="tick", ScheduleExpression="rate(5 minutes)")
    events.create_event_bus(Name="orders")
    events.put_rule(Name="paid", EventBusName="orders", EventPattern=json.dumps({"source": ["shop"]}))
    moto.aws_client("apigatewayv2", url).create_api(Name="api", ProtocolType="HTTP")
    lam = moto.aws_client("lambda", url)
    lam.publish_layer_version(LayerName="deps", Content={"ZipFile": b"PK\x05\x06" + b"\0" * 18})
    role_arn = iam.get_role(RoleName="r")["Role"]["Arn"]
    moto.aws_client("scheduler", url).create_schedule(
        Name="nightly",
        ScheduleExpression="cron(15 0 * * ? *)",
        ScheduleExpressionTimezone="Europe/Madrid",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "RoleArn": role_arn},
    )
    s3 = moto.aws_client("s3", url)
    s3.create_bucket(Bucket="artifacts")
    s3.put_object(Bucket="artifacts", Key="builds/a.zip", Body=b"zip")
    moto.aws_client("dynamodb", url).create_table(
        TableName="greetings",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    inv = inventory.resource_inventory(url)
    assert inv["iam_roles"] == ["r"]
    assert len(inv["iam_policies"]) == 1, "AWS-managed policies are not counted"
    assert len(inv["sqs_queues"]) == 1 and inv["log_groups"] == ["/aws/lambda/x"]
    assert sorted(inv["eventbridge_rules"]) == ["orders/paid", "tick"], "rules of every bus"
    assert len(inv["apigatewayv2_apis"]) == 1
    assert inv["lambda_layer_versions"] == ["deps:1"]
    assert inv["scheduler_schedules"] == ["default/nightly"]
    assert (inv["s3_buckets"], inv["s3_objects"]) == (["artifacts"], ["artifacts/builds/a.zip"])
    assert inv["dynamodb_tables"] == ["greetings"]
    assert set(inventory.leftovers(url)) == {
        "scheduler_schedules",
        "s3_buckets",
        "s3_objects",
        "iam_roles",
        "iam_policies",
        "sqs_queues",
        "log_groups",
        "eventbridge_rules",
        "apigatewayv2_apis",
        "lambda_layer_versions",
        "dynamodb_tables",
    }

    moto.reset(url)
    assert inventory.leftovers(url) == {}
