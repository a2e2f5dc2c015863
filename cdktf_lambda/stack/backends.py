"""Terraform state backends that keep the synthesized JSON portable.

cdktf's default local backend writes an *absolute* state path (``/home/me/project/terraform.<stack>.tfstate``)
into every stack's JSON. :func:`add_local_backend` keeps the state in the same place by a path relative to the stack
directory; :func:`add_s3_backend` is the team setting, with S3's native lock file unless a DynamoDB table is given.
"""

from __future__ import annotations

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.paths import stack_dir_to_project

__all__ = ["add_local_backend", "add_s3_backend"]


def add_local_backend(stack: cdk.TerraformStack, *, path: str | None = None) -> cdk.LocalBackend:
    """State in ``<project>/terraform.<stack>.tfstate`` (cdktf's default place), by a relative path.

    Parameters
    ----------
    stack
        The stack.
    path
        The state file, relative to the stack directory. Default: ``../../../terraform.<stack id>.tfstate``.
    """
    stack_id = cdk.TerraformStack.of(stack).node.id
    return cdk.LocalBackend(stack, path=path or f"{stack_dir_to_project()}/terraform.{stack_id}.tfstate")


def add_s3_backend(
    stack: cdk.TerraformStack,
    *,
    bucket: str,
    key: str,
    region: str,
    lock_table: str | None = None,
    encrypt: bool = True,
) -> cdk.S3Backend:
    """State in ``s3://<bucket>/<key>``, encrypted; locked by S3's native lock file (``use_lockfile``, Terraform ≥
    1.10) or, with ``lock_table``, by that DynamoDB table."""
    for parameter, value in (("bucket", bucket), ("key", key), ("region", region)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(parameter, value, "a non-empty string for the S3 backend")
    backend = cdk.S3Backend(stack, bucket=bucket, key=key, region=region, encrypt=encrypt, dynamodb_table=lock_table)
    if not lock_table:
        # cdktf 0.21's S3Backend predates the option.
        cdk.TerraformStack.of(stack).add_override("terraform.backend.s3.use_lockfile", True)
    return backend
