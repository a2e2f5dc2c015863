"""Artifacts on S3 (``store_on_s3=True``): each zip becomes an ``aws_s3_object`` and the function or layer deploys
from ``s3_bucket``/``s3_key`` instead of a direct upload, which lifts the 50 MB zip limit to Lambda's 250 MB
(unzipped) limit.

The object's key names the content (``<s3_prefix><name>-<content hash>.zip`` for zips built during synth), so a new
build is a new object and a rollback finds the old one; its ``source_hash`` is the zip's SHA-256, so Terraform
uploads again exactly when the content changes. With ``packaging_mode="archive_file"`` the zip exists only at plan
time: the key is ``<s3_prefix><name>.zip`` and ``source``/``source_hash`` come from ``data.archive_file``
(``output_path``/``output_base64sha256``).
"""

from __future__ import annotations

import re
from typing import Any

from . import cdk
from .errors import InvalidParameterError
from .limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES, validate_choice
from .tokens import is_token

__all__ = ["DEFAULT_S3_PREFIX", "S3Location", "add_artifact_object", "max_zip_bytes", "validate_s3_options"]

#: Where artifacts go in the bucket unless ``s3_prefix`` says otherwise (terraform-aws-modules' ``builds`` directory).
DEFAULT_S3_PREFIX = "builds/"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

S3Location = tuple[str, str]


def validate_s3_options(store_on_s3: Any, s3_bucket: Any, s3_prefix: Any) -> None:
    """``store_on_s3`` needs a bucket; a bucket or prefix only with ``store_on_s3=True``."""
    validate_choice("store_on_s3", store_on_s3, (False, True))
    if not store_on_s3:
        if s3_bucket is not None:
            raise InvalidParameterError("s3_bucket", s3_bucket, "a bucket only with store_on_s3=True")
        return
    if s3_bucket is None:
        raise InvalidParameterError("s3_bucket", None, "an S3 bucket name when store_on_s3=True")
    if not is_token(s3_bucket) and (not isinstance(s3_bucket, str) or not _BUCKET.match(s3_bucket)):
        raise InvalidParameterError(
            "s3_bucket", s3_bucket, "an S3 bucket name: 3-63 lowercase letters, digits, '.', '-'"
        )
    if not is_token(s3_prefix) and (not isinstance(s3_prefix, str) or s3_prefix.startswith("/")):
        raise InvalidParameterError("s3_prefix", s3_prefix, "a key prefix such as 'builds/' (no leading '/')")


def max_zip_bytes(store_on_s3: bool) -> int:
    """The zip size Lambda accepts: 50 MB for a direct upload, 250 MB (its unzipped limit) from S3."""
    return MAX_UNZIPPED_BYTES if store_on_s3 else MAX_ZIP_BYTES


def add_artifact_object(
    scope: cdk.Construct, *, bucket: str, key: str, source: str, source_hash: str, tags: Any = None
) -> tuple[Any, S3Location]:
    """The ``aws_s3_object`` of one zip, and the ``(bucket, key)`` a function or layer deploys from (references to
    the object, so Terraform uploads before it deploys)."""
    artifact = cdk.S3Object(
        scope, "s3_object", bucket=bucket, key=key, source=source, source_hash=source_hash, tags=tags
    )
    return artifact, (artifact.bucket, artifact.key)
