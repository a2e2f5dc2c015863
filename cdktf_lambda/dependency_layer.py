"""``DependencyLayer``: the third-party packages of a ``Pipfile.lock``, built for Lambda without Docker, as a layer."""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import cdk
from .errors import InvalidParameterError
from .limits import Architecture, Runtime, validate_architecture, validate_description, validate_runtime
from .package_info import LayerInfo
from .packaging.layer_build import METADATA_KEY, WHEELHOUSE_ENV, BuiltLayer, build_layer
from .packaging.target import Target
from .paths import cache_dir, resolve
from .s3_artifacts import DEFAULT_S3_PREFIX, add_artifact_object, max_zip_bytes, validate_s3_options
from .tokens import is_token

__all__ = ["DependencyLayer"]

_LAYER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,140}$")


class DependencyLayer(cdk.Construct):
    """An ``aws_lambda_layer_version`` holding the ``default`` packages of a ``Pipfile.lock`` under ``python/``.

    The zip is built during synth by pip for the Lambda platform (``--platform manylinux…``, ``--python-version``,
    ``--only-binary=:all:``, hashes verified; no Docker, nothing compiled), stripped of bytecode, console scripts and
    installer records, and written deterministically: the same lock section and target give the same bytes on any
    machine. It is cached by content address under :func:`cdktf_lambda.paths.cache_dir`, so a second synth starts
    no pip process. See :mod:`cdktf_lambda.packaging.layer_build`.

    Pass :attr:`info` to a function's ``layers=``: the function then follows the layer's architecture and is checked
    against its runtime, architecture and unzipped size at synth.

    Parameters
    ----------
    scope, id_
        Construct scope and id.
    lock_file
        The ``Pipfile.lock`` to install, relative to the project directory (or absolute). Only its ``default``
        section is used; every entry must be a hashed registry pin. Required.
    layer_name
        Name of the layer: 1–140 letters, digits, ``-`` or ``_``. Required.
    runtime
        The Python runtime the packages are built for; the layer declares only it. Default: ``"python3.13"``.
    architecture
        ``"x86_64"`` or ``"arm64"``; the layer declares only it. Default: ``"x86_64"``.
    description
        Description of the layer version. Default: ``"Python packages from <lock_file> for <runtime>/<arch>"``.
    wheelhouse
        Build offline from this directory of wheels (``pip --no-index --find-links``). Default:
        ``$CDKTF_LAMBDA_WHEELHOUSE``, else the lock's package index.
    store_on_s3, s3_bucket, s3_prefix
        Upload the zip as an ``aws_s3_object`` ``<s3_prefix><zip name>`` and publish the layer from S3 (zips up to
        250 MB; 50 MB without). Defaults: ``False``, none, ``"builds/"``.

    Attributes
    ----------
    layer
        The underlying ``aws_lambda_layer_version``.
    asset
        The ``TerraformAsset`` that copies the zip into the synth output.
    arn
        The layer version ARN (a token).
    info
        A :class:`LayerInfo` for a function's ``layers=``.
    zip_path, zip_hash
        The zip's path (relative to the stack directory) and its base64 SHA-256.
    unzipped_size, zip_size
        Bytes of the layer's files, and of its zip.
    packages
        ``name==version`` of every package in the layer.
    build
        The :class:`~cdktf_lambda.packaging.layer_build.BuiltLayer` (``build.cached`` tells whether pip ran).

    Examples
    --------
    >>> deps = DependencyLayer(self, "deps", lock_file="lambda_src/Pipfile.lock",  # doctest: +SKIP
    ...                        layer_name="practice-dev-dependencies", architecture="arm64")
    >>> LambdaPythonFunction(self, "api", ..., layers=[deps.info])  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        lock_file: str | os.PathLike[str],
        layer_name: str,
        runtime: Runtime = "python3.13",
        architecture: Architecture = "x86_64",
        description: str | None = None,
        wheelhouse: str | os.PathLike[str] | None = None,
        store_on_s3: bool = False,
        s3_bucket: str | None = None,
        s3_prefix: str = DEFAULT_S3_PREFIX,
    ) -> None:
        super().__init__(scope, id_)
        # 1. defaults
        wheelhouse = wheelhouse if wheelhouse is not None else (os.environ.get(WHEELHOUSE_ENV) or None)

        # 2. validation
        if lock_file is None or (isinstance(lock_file, str) and not lock_file.strip()):
            raise InvalidParameterError("lock_file", lock_file, "the path of a Pipfile.lock")
        if not is_token(layer_name) and (not isinstance(layer_name, str) or not _LAYER_NAME.match(layer_name)):
            raise InvalidParameterError("layer_name", layer_name, "1 to 140 letters, digits, hyphens or underscores")
        validate_runtime(runtime)
        validate_architecture(architecture)
        validate_description(description)
        if is_token(runtime):
            raise InvalidParameterError("runtime", runtime, "a literal runtime (the layer is built at synth)")
        if wheelhouse is not None and not resolve(wheelhouse).is_dir():
            raise InvalidParameterError("wheelhouse", str(wheelhouse), "an existing directory of wheels")
        validate_s3_options(store_on_s3, s3_bucket, s3_prefix)

        # 3. derived values: the zip (built, or found in the cache)
        target = Target(runtime, architecture)
        built: BuiltLayer = build_layer(
            resolve(lock_file),
            target,
            cache_dir(),
            wheelhouse=resolve(wheelhouse) if wheelhouse is not None else None,
            max_zip_bytes=max_zip_bytes(store_on_s3),
        )
        self.build = built
        self.lock_file = built.lock_file
        self.runtime: Runtime = runtime
        self.architecture: Architecture = architecture
        self.packages: tuple[str, ...] = built.packages
        self.unzipped_size: int = built.unzipped_size
        self.zip_size: int = built.size
        self.zip_hash: str = built.zip_hash

        # 4. child resources
        self.asset = cdk.TerraformAsset(self, "asset", path=str(built.path), type=cdk.AssetType.FILE)
        self.zip_path: str = self.asset.path
        self.s3_object, (s3_location_bucket, s3_key) = (
            add_artifact_object(
                self,
                bucket=s3_bucket,  # type: ignore[arg-type]
                key=f"{s3_prefix}{built.path.name}",
                source=self.zip_path,
                source_hash=self.zip_hash,
            )
            if store_on_s3
            else (None, (None, None))
        )
        self.layer = cdk.LambdaLayerVersion(
            self,
            "layer",
            layer_name=layer_name,
            filename=None if store_on_s3 else self.zip_path,
            s3_bucket=s3_location_bucket,
            s3_key=s3_key,
            source_code_hash=self.zip_hash,
            compatible_runtimes=[runtime],
            compatible_architectures=[architecture],
            description=description or f"Python packages from {built.lock_file} for {target.label}",
        )
        # For `python -m cdktf_lambda invoke`: how to rebuild this layer for the local interpreter.
        self.layer.add_override(
            f"//.{METADATA_KEY}",
            {
                "lock_file": built.lock_file,
                "lock_default_sha256": built.lock_sha256,
                "runtime": runtime,
                "architecture": architecture,
            },
        )
        self._arn: str = self.layer.arn  # one token, so ``info.arn == arn``
        self.info = LayerInfo(
            arn=self._arn,
            compatible_runtimes=(runtime,),
            compatible_architectures=(architecture,),
            unzipped_size=built.unzipped_size,
            name=layer_name if not is_token(layer_name) else id_,
        )

    @property
    def arn(self) -> str:
        return self._arn

    @property
    def zip_file(self) -> Path:
        """The zip in the cache directory (absolute; not for Terraform JSON)."""
        return self.build.path
