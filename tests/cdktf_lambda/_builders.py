"""Small builders shared by the construct tests."""

from __future__ import annotations

from cdktf_lambda import ExecutionRole, LambdaPythonFunction, cdk

ROLE_ARN = "arn:aws:iam::123456789012:role/test-role"


def stack() -> cdk.TerraformStack:
    return cdk.TerraformStack(cdk.Testing.app(), "test")


def function(scope: cdk.TerraformStack, *, timeout: int = 30, name: str = "fn", **options) -> LambdaPythonFunction:
    return LambdaPythonFunction(
        scope,
        name,
        function_name=f"test-{name}",
        package_zip_path="a.zip",
        package_zip_hash="aA==",
        handler="worker.lambda_handler",
        execution_role_arn=ROLE_ARN,
        timeout=timeout,
        **options,
    )


def role(scope: cdk.TerraformStack) -> ExecutionRole:
    return ExecutionRole(scope, "role", role_name="test-role")
