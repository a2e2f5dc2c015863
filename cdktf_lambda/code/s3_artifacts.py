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
from dataclasses import dataclass
from typing import Any

from cdktf_lambda import cdk
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES, validate_choice
from cdktf_lambda.tokens import is_token

__all__ = ["DEFAULT_S3_PREFIX", "S3Artifacts", "S3Location"]

#: Where artifacts go in the bucket unless ``s3_prefix`` says otherwise (terraform-aws-modules' ``builds`` directory).
DEFAULT_S3_PREFIX = "builds/"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

#: ``(bucket, key)`` a function or layer deploys from: references to the ``aws_s3_object``, or ``(None, None)``.
S3Location = tuple[Any, Any]


@dataclass(frozen=True)
class S3Artifacts:
    """Where a construct's zips are stored: uploaded with the function or layer, or as objects on S3.

    The option group terraform-aws-modules/lambda calls ``store_on_s3``, ``s3_bucket`` and ``s3_prefix``, shared by
    :class:`~cdktf_lambda.LambdaPythonPackage`, :class:`~cdktf_lambda.RuntimeCodeModules` and
    :class:`~cdktf_lambda.DependencyLayer` (which take the three as keywords of the same names and defaults). Checked
    when made: a bucket is needed exactly when ``store_on_s3`` is true.

    Parameters
    ----------
    store_on_s3
        Upload each zip as an ``aws_s3_object`` and let the function or layer deploy from S3; zips up to 250 MB
        (Lambda's unzipped limit) are then accepted, 50 MB without. Default: ``False``.
    s3_bucket
        The bucket (existing; not created here). Required with ``store_on_s3=True``, refused without. Default: none.
    s3_prefix
        Key prefix of the objects: ``<s3_prefix><name>-<content hash>.zip`` (``<s3_prefix><name>.zip`` in
        ``archive_file`` mode). Default: ``"builds/"``.

    Raises
    ------
    InvalidParameterError
        A value is not allowed; the message names the keyword.
    """

    store_on_s3: bool = False
    s3_bucket: str | None = None
    s3_prefix: str = DEFAULT_S3_PREFIX

    def __post_init__(self) -> None:
        validate_choice("store_on_s3", self.store_on_s3, (False, True))
        if not self.store_on_s3:
            if self.s3_bucket is not None:
                raise InvalidParameterError("s3_bucket", self.s3_bucket, "a bucket only with store_on_s3=True")
            return
        bucket, prefix = self.s3_bucket, self.s3_prefix
        if bucket is None:
            raise InvalidParameterError("s3_bucket", None, "an S3 bucket name when store_on_s3=True")
        if not is_token(bucket) and (not isinstance(bucket, str) or not _BUCKET.match(bucket)):
            raise InvalidParameterError(
                "s3_bucket", bucket, "an S3 bucket name: 3-63 lowercase letters, digits, '.', '-'"
            )
        if not is_token(prefix) and (not isinstance(prefix, str) or prefix.startswith("/")):
            raise InvalidParameterError("s3_prefix", prefix, "a key prefix such as 'builds/' (no leading '/')")

    @property
    def max_zip_bytes(self) -> int:
        """The zip size Lambda accepts, 50 MB for a direct upload and 250 MB (its unzipped limit) from S3."""
        return MAX_UNZIPPED_BYTES if self.store_on_s3 else MAX_ZIP_BYTES

    def add_object(self, scope: cdk.Construct, *, name: str, source: str, source_hash: str) -> tuple[Any, S3Location]:
        """The ``aws_s3_object`` of one zip (key ``<s3_prefix><name>``), and the ``(bucket, key)`` a function or
        layer deploys from: references to the object, so Terraform uploads before it deploys. ``(None, (None,
        None))`` when the zips are not stored on S3."""
        if not self.store_on_s3 or self.s3_bucket is None:  # a bucket is there exactly when storing on S3
            return None, (None, None)
        artifact = cdk.S3Object(
            scope,
            "s3_object",
            bucket=self.s3_bucket,
            key=f"{self.s3_prefix}{name}",
            source=source,
            source_hash=source_hash,
        )
        return artifact, (artifact.bucket, artifact.key)
