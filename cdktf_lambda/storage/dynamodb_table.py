"""``DynamoTable``: a DynamoDB table with safe defaults (on demand, point-in-time recovery, encryption at rest)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.execution_role import ExecutionRole
from cdktf_lambda.limits import tags_argument, validate_choice
from cdktf_lambda.tokens import is_token
from cdktf_lambda.types import BILLING_MODES, KEY_TYPES, BillingMode, KeyType

__all__ = ["BillingMode", "DynamoTable", "KeyType"]

_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_ACTION = re.compile(r"^dynamodb:[A-Za-z*]+$")


def _check_attribute_name(parameter: str, value: object) -> None:
    if is_token(value):
        return
    if not isinstance(value, str) or not 1 <= len(value.encode()) <= 255:
        raise InvalidParameterError(parameter, value, "an attribute name of 1 to 255 bytes")


def _check_capacity(parameter: str, value: object, billing_mode: str) -> None:
    if is_token(value):
        return
    if billing_mode == "PAY_PER_REQUEST":
        if value is not None:
            raise InvalidParameterError(parameter, value, "None when billing_mode='PAY_PER_REQUEST' (on demand)")
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidParameterError(parameter, value, "a positive integer (capacity units) when billing is PROVISIONED")


class DynamoTable(cdk.Construct):
    """An ``aws_dynamodb_table`` keyed by ``partition_key`` (and ``sort_key``), private to the roles granted.

    Parameters
    ----------
    table_name
        3–255 letters, digits, ``_``, ``-`` or ``.``. Required.
    partition_key
        Name of the partition (hash) key attribute. Required.
    partition_key_type
        ``"S"`` (string), ``"N"`` (number) or ``"B"`` (binary). Default: ``"S"``.
    sort_key, sort_key_type
        Name and type of the sort (range) key. Default: none; ``"S"``.
    billing_mode
        ``"PAY_PER_REQUEST"`` (on demand) or ``"PROVISIONED"``. Default: ``"PAY_PER_REQUEST"``.
    read_capacity, write_capacity
        Capacity units, required with ``"PROVISIONED"`` and not allowed on demand. Default: none.
    point_in_time_recovery
        Continuous backups (restore to any second of the last 35 days). Default: ``True``.
    kms_key_arn
        Customer managed KMS key for encryption at rest. Default: the AWS managed key ``aws/dynamodb``
        (encryption is always on).
    ttl_attribute
        Attribute holding an expiry time (epoch seconds) after which DynamoDB deletes the item. Default: none.
    deletion_protection
        Refuse ``DeleteTable`` (and so ``terraform destroy``). Default: ``False``.
    tags
        Tags of the table. Default: ``{}``.

    Attributes
    ----------
    table
        The ``aws_dynamodb_table``.
    arn, name
        Its ARN and name.

    Raises
    ------
    InvalidParameterError
        A table name, key, billing mode or capacity outside what DynamoDB allows.
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        table_name: str,
        partition_key: str,
        partition_key_type: KeyType = "S",
        sort_key: str | None = None,
        sort_key_type: KeyType = "S",
        billing_mode: BillingMode = "PAY_PER_REQUEST",
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        point_in_time_recovery: bool = True,
        kms_key_arn: str | None = None,
        ttl_attribute: str | None = None,
        deletion_protection: bool = False,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        # validation (tokens are not validated), then the resource
        if not is_token(table_name) and (not isinstance(table_name, str) or not _TABLE_NAME.match(table_name)):
            raise InvalidParameterError("table_name", table_name, "3 to 255 letters, digits, '_', '-' or '.'")
        _check_attribute_name("partition_key", partition_key)
        validate_choice("partition_key_type", partition_key_type, KEY_TYPES)
        if sort_key is not None:
            _check_attribute_name("sort_key", sort_key)
            validate_choice("sort_key_type", sort_key_type, KEY_TYPES)
            if sort_key == partition_key:
                raise InvalidParameterError("sort_key", sort_key, "an attribute other than the partition key")
        validate_choice("billing_mode", billing_mode, BILLING_MODES)
        _check_capacity("read_capacity", read_capacity, billing_mode)
        _check_capacity("write_capacity", write_capacity, billing_mode)
        if ttl_attribute is not None:
            _check_attribute_name("ttl_attribute", ttl_attribute)
        tags = tags_argument(tags)

        attributes = [cdk.DynamodbTableAttribute(name=partition_key, type=partition_key_type)]
        if sort_key is not None:
            attributes.append(cdk.DynamodbTableAttribute(name=sort_key, type=sort_key_type))
        self.table = cdk.DynamodbTable(
            self,
            "table",
            name=table_name,
            billing_mode=billing_mode,
            hash_key=partition_key,
            range_key=sort_key,
            attribute=attributes,
            read_capacity=read_capacity,
            write_capacity=write_capacity,
            point_in_time_recovery=cdk.DynamodbTablePointInTimeRecovery(enabled=point_in_time_recovery),
            server_side_encryption=cdk.DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=kms_key_arn),
            ttl=cdk.DynamodbTableTtl(attribute_name=ttl_attribute, enabled=True) if ttl_attribute else None,
            deletion_protection_enabled=deletion_protection,
            tags=tags,
        )
        self.arn: str = self.table.arn
        self.name: str = self.table.name
        self.partition_key = partition_key

    def grant(self, role: ExecutionRole, name: str, actions: Sequence[str]) -> cdk.IamRolePolicy:
        """Let ``role`` do ``actions`` (``dynamodb:GetItem`` …) on this table only (its ARN, no index, no ``*``)."""
        for action in actions:
            if not isinstance(action, str) or not _ACTION.match(action) or "*" in action:
                raise InvalidParameterError("actions item", action, "a DynamoDB action such as 'dynamodb:GetItem'")
        statement = {"Effect": "Allow", "Action": sorted(actions), "Resource": [self.arn]}
        return role.add_policy(name, [statement])
