"""Provider set-up shared by stacks: the aws provider (with a version range the local mirror admits) and the
archive provider (created once per stack, only when a package uses ``archive_file`` mode)."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_lambda import cdk

__all__ = ["AWS_PROVIDER_VERSION", "add_aws_provider", "ensure_archive_provider"]

#: The bindings were generated for aws 6.x; 5.100 is what the offline mirror here holds. Both work for every
#: resource this library creates.
AWS_PROVIDER_VERSION = ">= 5.100, < 7"
ARCHIVE_PROVIDER_ID = "archive"


def add_aws_provider(
    scope: cdk.Construct,
    id_: str = "aws",
    *,
    region: str,
    default_tags: Mapping[str, str] | None = None,
) -> cdk.AwsProvider:
    """Add the aws provider to the stack of ``scope`` with ``default_tags`` on every taggable resource."""
    provider = cdk.AwsProvider(
        scope,
        id_,
        region=region,
        default_tags=[cdk.AwsProviderDefaultTags(tags=dict(default_tags))] if default_tags else None,
    )
    cdk.TerraformStack.of(scope).add_override("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION)
    return provider


def ensure_archive_provider(scope: cdk.Construct) -> None:
    """Make sure the stack of ``scope`` configures the hashicorp/archive provider (once)."""
    stack = cdk.TerraformStack.of(scope)
    if stack.node.try_find_child(ARCHIVE_PROVIDER_ID) is None:
        cdk.ArchiveProvider(stack, ARCHIVE_PROVIDER_ID)
