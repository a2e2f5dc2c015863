"""The Lambda API calls of a sync, the same against AWS and the local cloud (only the boto3 clients differ).

* a function's code: ``UpdateFunctionCode`` with the zip's bytes, or with ``S3Bucket``/``S3Key`` after a
  ``PutObject`` for a package deployed from S3; then, when the function has an alias, ``PublishVersion`` (pinned to
  the new ``CodeSha256``) and ``UpdateAlias``;
* a layer: ``PublishLayerVersion`` (with the runtimes, architectures and description of the synthesized layer),
  then ``UpdateFunctionConfiguration(Layers=...)`` of each function using it, the old version's ARN replaced.

Every update is waited for (``LastUpdateStatus``, a version's ``State``) before the next call, as Lambda requires.
A refused call raises :class:`~cdktf_lambda.errors.SyncError` naming the call, the function and AWS's error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cdktf_lambda.errors import SyncError
from cdktf_lambda.sync.package import Artifact
from cdktf_lambda.sync.stack import LayerTarget, S3Location

__all__ = ["LambdaApi", "layer_name_of"]

log = logging.getLogger(__name__)

#: Seconds a function update or a version may take to become usable (SnapStart versions take the longest).
WAIT_SECONDS = 600.0


def layer_name_of(arn: str) -> str:
    """``practice-dev-dependencies`` for ``arn:aws:lambda:us-east-1:123:layer:practice-dev-dependencies:3``."""
    parts = arn.split(":")
    return parts[6] if len(parts) >= 8 and parts[5] == "layer" else arn


class LambdaApi:
    """The calls a sync makes, on a boto3 Lambda client (and an S3 client for packages deployed from S3).

    Parameters
    ----------
    client
        A boto3 ``lambda`` client (AWS, or the local cloud's endpoint).
    s3_client
        Makes a boto3 ``s3`` client, called on first use. Default: none (packages on S3 cannot be synced).
    """

    def __init__(self, client: Any, s3_client: Callable[[], Any] | None = None) -> None:
        self.client = client
        self._s3_factory = s3_client
        self._s3: Any = None

    def _call(self, operation: str, subject: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        log.debug("> lambda %s %s", operation, subject)
        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise SyncError(
                f"{operation} of {subject} failed: {error.get('Code', 'error')}: {error.get('Message', exc)}"
            ) from exc
        except BotoCoreError as exc:
            raise SyncError(f"{operation} of {subject} failed: {exc}") from exc

    # --- reading -------------------------------------------------------------------------------------------------
    def configuration(self, function_name: str) -> dict[str, Any]:
        """The deployed configuration of ``$LATEST`` (``CodeSha256``, ``Layers``, ``Handler`` …)."""
        answer: dict[str, Any] = self._call("get_function_configuration", function_name, FunctionName=function_name)
        return answer

    def layer_code_sha256(self, arn: str) -> str | None:
        """The ``CodeSha256`` of the layer version ``arn``."""
        parts = arn.split(":")
        answer = self._call("get_layer_version", arn, LayerName=":".join(parts[:7]), VersionNumber=int(parts[7]))
        sha: str | None = (answer.get("Content") or {}).get("CodeSha256")
        return sha

    # --- updating ------------------------------------------------------------------------------------------------
    def _s3_upload(self, artifact: Artifact, location: S3Location, subject: str) -> dict[str, str]:
        if self._s3_factory is None:
            raise SyncError(f"{subject} deploys from S3, and this sync has no S3 client")
        if self._s3 is None:
            self._s3 = self._s3_factory()
        key = location.key(artifact.path.name)
        log.debug("> s3 put_object s3://%s/%s", location.bucket, key)
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            with artifact.path.open("rb") as body:
                self._s3.put_object(Bucket=location.bucket, Key=key, Body=body)
        except (BotoCoreError, ClientError) as exc:
            raise SyncError(f"PutObject of s3://{location.bucket}/{key} for {subject} failed: {exc}") from exc
        return {"S3Bucket": location.bucket, "S3Key": key}

    def _code(self, artifact: Artifact, s3: S3Location | None, subject: str) -> dict[str, Any]:
        if s3 is not None:
            return self._s3_upload(artifact, s3, subject)
        return {"ZipFile": artifact.path.read_bytes()}

    def update_code(self, function_name: str, artifact: Artifact, s3: S3Location | None = None) -> None:
        """Upload ``artifact`` as the function's code and wait until the update is done."""
        answer = self._call(
            "update_function_code", function_name, FunctionName=function_name, **self._code(artifact, s3, function_name)
        )
        self.wait_updated(function_name, answer)

    def update_layers(self, function_name: str, layers: Sequence[str]) -> None:
        """Set the function's layers (version ARNs, in order) and wait until the update is done."""
        answer = self._call(
            "update_function_configuration", function_name, FunctionName=function_name, Layers=list(layers)
        )
        self.wait_updated(function_name, answer)

    def publish_version(self, function_name: str, code_sha256: str) -> str:
        """Publish a version of the current code (``code_sha256`` guards against another upload in between) and wait
        until it is active; the version."""
        answer = self._call("publish_version", function_name, FunctionName=function_name, CodeSha256=code_sha256)
        version = str(answer["Version"])
        self._wait(function_name, answer, version, lambda config: config.get("State") in (None, "Active"))
        return version

    def move_alias(self, function_name: str, alias: str, version: str) -> None:
        """Point ``alias`` at ``version``."""
        subject = f"{function_name}:{alias}"
        self._call("update_alias", subject, FunctionName=function_name, Name=alias, FunctionVersion=version)

    def publish_layer(self, layer: LayerTarget, artifact: Artifact) -> str:
        """Publish ``artifact`` as a new version of ``layer``; its version ARN."""
        spec: dict[str, Any] = {
            "LayerName": layer.layer_name,
            "Content": self._code(artifact, layer.s3, layer.layer_name),
        }
        if layer.compatible_runtimes:
            spec["CompatibleRuntimes"] = list(layer.compatible_runtimes)
        if layer.compatible_architectures:
            spec["CompatibleArchitectures"] = list(layer.compatible_architectures)
        if layer.description:
            spec["Description"] = layer.description
        answer = self._call("publish_layer_version", layer.layer_name, **spec)
        return str(answer["LayerVersionArn"])

    # --- waiting -------------------------------------------------------------------------------------------------
    def wait_updated(self, function_name: str, answer: Mapping[str, Any]) -> None:
        """Until ``$LATEST``'s last update is no longer in progress (raises :class:`SyncError` if it failed)."""
        self._wait(function_name, answer, None, lambda config: config.get("LastUpdateStatus") != "InProgress")

    def _wait(
        self,
        function_name: str,
        answer: Mapping[str, Any],
        qualifier: str | None,
        done: Callable[[Mapping[str, Any]], bool],
    ) -> None:
        config, delay = answer, 0.05
        deadline = time.monotonic() + WAIT_SECONDS
        while not done(config):
            if time.monotonic() > deadline:
                raise SyncError(f"{function_name} was still updating after {WAIT_SECONDS:.0f} s")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
            kwargs = {"Qualifier": qualifier} if qualifier else {}
            config = self._call("get_function_configuration", function_name, FunctionName=function_name, **kwargs)
        if config.get("LastUpdateStatus") == "Failed" or config.get("State") == "Failed":
            reason = config.get("LastUpdateStatusReason") or config.get("StateReason") or "no reason given"
            raise SyncError(f"the update of {function_name} failed: {reason}")
