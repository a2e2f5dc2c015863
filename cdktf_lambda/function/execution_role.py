"""``ExecutionRole``: an IAM role a Lambda function runs as, with least-privilege inline policies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_lambda import cdk
from cdktf_lambda.limits import tags_argument

__all__ = ["ExecutionRole", "policy_document"]

LAMBDA_TRUST_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def policy_document(statements: Sequence[Mapping[str, Any]]) -> str:
    """An IAM policy document as deterministic JSON (tokens inside are resolved by cdktf)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


class ExecutionRole(cdk.Construct):
    """An IAM role trusted by ``lambda.amazonaws.com``; permissions are added per resource, never on ``*``.

    Parameters
    ----------
    role_name
        Name of the role. Required.
    tags
        Tags of the role. Default: ``{}``.

    Attributes
    ----------
    role
        The ``aws_iam_role``.
    arn
        Its ARN, to pass as a function's ``execution_role_arn``.
    """

    def __init__(
        self, scope: cdk.Construct, id_: str, *, role_name: str, tags: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(scope, id_)
        self.role = cdk.IamRole(
            self,
            "role",
            name=role_name,
            assume_role_policy=json.dumps(LAMBDA_TRUST_POLICY, sort_keys=True),
            tags=tags_argument(tags),
        )
        self.arn: str = self.role.arn
        self.policies: dict[str, cdk.IamRolePolicy] = {}

    def add_policy(self, name: str, statements: Sequence[Mapping[str, Any]]) -> cdk.IamRolePolicy:
        """Attach an inline policy ``name`` with ``statements`` (each ``{"Effect", "Action", "Resource"}``)."""
        policy = cdk.IamRolePolicy(
            self, f"policy_{name}", name=name, role=self.role.name, policy=policy_document(statements)
        )
        self.policies[name] = policy
        return policy

    def allow_logging(self, log_group_arn: str) -> cdk.IamRolePolicy:
        """Let the function write to its own log group, and nothing else in CloudWatch Logs."""
        return self.add_policy(
            "logs",
            [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [f"{log_group_arn}:*"],
                }
            ],
        )

    def allow_tracing(self) -> cdk.IamRolePolicy:
        """Let the function send X-Ray traces. X-Ray has no resource-level permissions, so this is the one
        statement with ``"Resource": "*"`` (as in AWS's ``AWSXRayDaemonWriteAccess``)."""
        return self.add_policy(
            "xray",
            [{"Effect": "Allow", "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "Resource": "*"}],
        )
