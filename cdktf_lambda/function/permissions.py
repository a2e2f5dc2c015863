"""What a function's own configuration needs from its execution role: asynchronous-invocation destinations and the
network interfaces of a VPC connection. Plain Python: IAM statements, least privilege.

* A destination gets exactly the one action its service needs (``sqs:SendMessage``, ``sns:Publish``,
  ``lambda:InvokeFunction`` or ``events:PutEvents``) on exactly that ARN: Lambda sends with the function's role.
* A VPC connection gets what AWS's ``AWSLambdaVPCAccessExecutionRole`` grants (network interfaces: create, describe,
  delete, assign and unassign private IP addresses; describe subnets), scoped where EC2 allows it:
  ``ec2:CreateNetworkInterface`` on the configured subnets and security groups and on network interfaces;
  ``ec2:DeleteNetworkInterface``/``AssignPrivateIpAddresses``/``UnassignPrivateIpAddresses`` on network interfaces
  (AWS warns that a narrower ``DeleteNetworkInterface`` can cut the function off its VPC: Lambda's shared
  interfaces get IDs nobody knows in advance). ``ec2:DescribeNetworkInterfaces`` and
  ``ec2:DescribeSubnets`` support no resource-level permission: AWS documents that they work only with
  ``"Resource": "*"`` (like X-Ray's actions), so that one statement holds only those two read-only actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.function.options import (
    DESTINATION_ACTIONS,
    DESTINATION_RESOURCE_TYPES,
    FunctionOptions,
    destination_service,
)
from cdktf_lambda.tokens import is_token

__all__ = ["configuration_statements", "destination_statements", "resolved_in", "vpc_statements"]

#: Subnet and security group IDs are unique across regions and accounts; region and account stay open.
_EC2 = "arn:aws:ec2:*:*"


def destination_statements(destinations: Mapping[str, tuple[Any, Any]]) -> list[dict[str, Any]]:
    """One statement per destination: ``{parameter: (arn, arn resolved in its stack)}`` → the action its service
    needs on that ARN.

    Raises
    ------
    InvalidParameterError
        A destination known only at apply time whose resource type is not one of
        :data:`~cdktf_lambda.function.options.DESTINATION_RESOURCE_TYPES` (its permission cannot be chosen).
    """
    statements: list[dict[str, Any]] = []
    for parameter, (arn, resolved) in destinations.items():
        service = destination_service(parameter, arn, resolved)
        if service is None:
            raise InvalidParameterError(
                parameter,
                resolved,
                "an ARN, or the arn of a " + ", ".join(DESTINATION_RESOURCE_TYPES) + " resource, so that the role "
                "gets exactly the permission it needs",
            )
        statements.append({"Effect": "Allow", "Action": [DESTINATION_ACTIONS[service]], "Resource": [arn]})
    return statements


def vpc_statements(subnet_ids: Sequence[str], security_group_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The network-interface permissions Lambda needs to connect the function to ``subnet_ids``."""
    subnets = [f"{_EC2}:subnet/{subnet}" for subnet in subnet_ids]
    groups = [f"{_EC2}:security-group/{group}" for group in security_group_ids]
    interfaces = f"{_EC2}:network-interface/*"
    return [
        {"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface"], "Resource": [*subnets, *groups, interfaces]},
        {
            "Effect": "Allow",
            "Action": ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
            "Resource": [interfaces],
        },
        {"Effect": "Allow", "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], "Resource": "*"},
    ]


def resolved_in(scope: Any, value: Any) -> Any:
    """A token as Terraform will see it, e.g. ``${aws_sqs_queue.jobs.arn}`` (names the resource type)."""
    from cdktf_lambda import cdk

    resolver = cdk.DefaultTokenResolver(cdk.StringConcat())
    return cdk.Tokenization.resolve(value, scope=cdk.TerraformStack.of(scope), resolver=resolver)


def configuration_statements(scope: Any, options: FunctionOptions) -> dict[str, list[dict[str, Any]]]:
    """IAM statements the function's configuration needs from its role, by inline policy name (``destinations``,
    ``vpc_access``). A destination token is resolved in ``scope``'s stack to tell its resource type."""
    destinations = {
        parameter: (arn, resolved_in(scope, arn) if is_token(arn) else arn)
        for parameter, arn in (
            ("destination_on_success", options.destination_on_success),
            ("destination_on_failure", options.destination_on_failure),
        )
        if arn is not None
    }
    statements: dict[str, list[dict[str, Any]]] = {}
    if destinations:
        statements["destinations"] = destination_statements(destinations)
    if options.has_vpc:
        statements["vpc_access"] = vpc_statements(options.vpc_subnet_ids or (), options.vpc_security_group_ids or ())
    return statements
