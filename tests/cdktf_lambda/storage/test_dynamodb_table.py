"""DynamoTable: safe defaults, keys and billing checked at synth, grants scoped to the table; add_environment."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda import DynamoTable, InvalidParameterError, cdk
from tests.cdktf_lambda._builders import function, role, stack
from tests.conftest import only, resources, synth_json


def test_defaults_are_on_demand_point_in_time_recovery_and_encryption():
    scope = stack()
    DynamoTable(scope, "t", table_name="orders", partition_key="id")
    table = only(resources(synth_json(scope), "aws_dynamodb_table"))
    assert table == {
        "attribute": [{"name": "id", "type": "S"}],
        "billing_mode": "PAY_PER_REQUEST",
        "deletion_protection_enabled": False,
        "hash_key": "id",
        "name": "orders",
        "point_in_time_recovery": {"enabled": True},
        "server_side_encryption": {"enabled": True},
    }


def test_sort_key_provisioned_capacity_customer_key_and_ttl():
    scope = stack()
    DynamoTable(
        scope,
        "t",
        table_name="events",
        partition_key="pk",
        sort_key="at",
        sort_key_type="N",
        billing_mode="PROVISIONED",
        read_capacity=5,
        write_capacity=2,
        kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/abc",
        ttl_attribute="expires",
        deletion_protection=True,
        tags={"team": "x"},
    )
    table = only(resources(synth_json(scope), "aws_dynamodb_table"))
    assert table["attribute"] == [{"name": "pk", "type": "S"}, {"name": "at", "type": "N"}]
    assert (table["range_key"], table["read_capacity"], table["write_capacity"]) == ("at", 5, 2)
    assert table["server_side_encryption"] == {
        "enabled": True,
        "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/abc",
    }
    assert table["ttl"] == {"attribute_name": "expires", "enabled": True}
    assert (table["deletion_protection_enabled"], table["tags"]) == (True, {"team": "x"})


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"table_name": "ab"}, "table_name"),
        ({"table_name": "has space"}, "table_name"),
        ({"partition_key": ""}, "partition_key"),
        ({"partition_key_type": "X"}, "partition_key_type"),
        ({"sort_key": "id"}, "sort_key"),
        ({"sort_key": "s", "sort_key_type": "BOOL"}, "sort_key_type"),
        ({"billing_mode": "ON_DEMAND"}, "billing_mode"),
        ({"read_capacity": 5}, "read_capacity"),
        ({"billing_mode": "PROVISIONED", "write_capacity": 1}, "read_capacity"),
        ({"billing_mode": "PROVISIONED", "read_capacity": 1, "write_capacity": 0}, "write_capacity"),
        ({"ttl_attribute": ""}, "ttl_attribute"),
    ],
)
def test_bad_settings_name_the_parameter_before_any_resource(kwargs, parameter):
    scope = stack()
    with pytest.raises(InvalidParameterError, match=f"^Invalid {parameter}: "):
        DynamoTable(scope, "t", **{"table_name": "orders", "partition_key": "id", **kwargs})
    assert resources(synth_json(scope), "aws_dynamodb_table") == {}


def test_tokens_are_not_validated():
    scope = stack()
    name = cdk.TerraformVariable(scope, "name", type="string").string_value
    DynamoTable(scope, "t", table_name=name, partition_key="id")
    assert only(resources(synth_json(scope), "aws_dynamodb_table"))["name"] == "${var.name}"


def test_grant_allows_the_actions_on_this_table_only():
    scope = stack()
    table = DynamoTable(scope, "t", table_name="orders", partition_key="id")
    table.grant(role(scope), "orders_read", ["dynamodb:Query", "dynamodb:GetItem"])
    policy = only(resources(synth_json(scope), "aws_iam_role_policy"))
    (table_id,) = resources(synth_json(scope), "aws_dynamodb_table")
    assert policy["name"] == "orders_read"
    assert json.loads(policy["policy"])["Statement"] == [
        {
            "Action": ["dynamodb:GetItem", "dynamodb:Query"],
            "Effect": "Allow",
            "Resource": [f"${{aws_dynamodb_table.{table_id}.arn}}"],
        }
    ]


@pytest.mark.parametrize("action", ["dynamodb:*", "s3:GetObject", "GetItem"])
def test_grant_refuses_wildcards_and_other_services(action):
    scope = stack()
    table = DynamoTable(scope, "t", table_name="orders", partition_key="id")
    with pytest.raises(InvalidParameterError, match="actions item"):
        table.grant(role(scope), "p", [action])


def test_add_environment_merges_and_validates():
    scope = stack()
    fn = function(scope)
    fn.add_environment({"TABLE": "orders"})
    fn.add_environment({"QUEUE": "q"})
    variables = only(resources(synth_json(scope), "aws_lambda_function"))["environment"]["variables"]
    assert variables == {"TABLE": "orders", "QUEUE": "q"}
    with pytest.raises(InvalidParameterError, match="environment_variables key"):
        fn.add_environment({"AWS_REGION": "x"})
    with pytest.raises(InvalidParameterError, match="environment_variables"):
        fn.add_environment({"BIG": "x" * 5000})
