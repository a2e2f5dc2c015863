"""``DependencyLayer``: the third-party packages of a lock file (``Pipfile.lock``, ``uv.lock``, ``poetry.lock`` or a
hashed ``requirements.txt``), built for Lambda without Docker, as a layer."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda import cdk, settings
from cdktf_lambda.code.package_info import LayerInfo
from cdktf_lambda.code.s3_artifacts import DEFAULT_S3_PREFIX, S3Artifacts
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.limits import Architecture, Runtime, validate_architecture, validate_description, validate_runtime
from cdktf_lambda.packaging.bytecode import bytecode_for
from cdktf_lambda.packaging.layer_build import METADATA_KEY, BuiltLayer, build_layer
from cdktf_lambda.packaging.locks import LockFormat, format_of, normalize_exclude, selection_options
from cdktf_lambda.packaging.package_sizes import PackageSize
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.paths import cache_dir, resolve
from cdktf_lambda.tokens import is_token

__all__ = ["DependencyLayer"]

_LAYER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,140}$")


class DependencyLayer(cdk.Construct):
    """An ``aws_lambda_layer_version`` holding the locked packages of a project under ``python/``.

    The zip is built during synth by pip for the Lambda platform (``--platform manylinux…``, ``--python-version``,
    ``--only-binary=:all:``, hashes verified; no Docker, nothing compiled); a package published only as an sdist is
    built here into a pure-Python wheel (reproducibly), and one that would compile is refused. The tree is stripped
    of console scripts and installer records, given bytecode for the runtime (compiled by its own CPython), and
    zipped deterministically: the same resolved packages and target give the same bytes on any machine, whichever
    lock format they come from. It is cached by content address under :func:`cdktf_lambda.paths.cache_dir`, so a
    second synth starts no pip process. See
    :mod:`cdktf_lambda.packaging.layer_build`.

    Pass :attr:`info` to a function's ``layers=``: the function then follows the layer's architecture and is checked
    against its runtime, architecture and unzipped size at synth.

    Parameters
    ----------
    scope, id_
        Construct scope and id.
    lock_file
        The lock to install, relative to the project directory (or absolute): a ``Pipfile.lock``, ``uv.lock``,
        ``poetry.lock`` or a requirements file (``*.txt``) pinned with ``--hash``. Every package must be a hashed
        registry pin. Required.
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
        :data:`~cdktf_lambda.settings.WHEELHOUSE`, else the lock's package index.
    bytecode
        Ship ``__pycache__/*.cpython-3XX.pyc`` for ``runtime`` (unchecked-hash, reproducible), compiled by that
        CPython (on ``PATH`` or provisioned, see :mod:`cdktf_lambda.packaging.bytecode`). Default: ``True``
        (:data:`BYTECODE=0 <cdktf_lambda.settings.BYTECODE>` turns it off everywhere).
    lock_format
        ``"pipfile"``, ``"uv"``, ``"poetry"`` or ``"requirements"``. Default: from the file name (``Pipfile.lock``,
        ``uv.lock``, ``poetry.lock``, ``*.txt``).
    categories
        Pipfile.lock only: the categories to install (``"default"``, ``"develop"`` or a custom one; ``"packages"``
        and ``"dev-packages"`` are accepted too). Default: ``["default"]``.
    groups
        uv.lock and poetry.lock only: dependency groups added to the project's dependencies (poetry's ``main``
        group is always in). Default: none.
    extras
        uv.lock and poetry.lock only: the project's extras to add. Default: none.
    exclude
        Package names (any spelling; normalized) left out of the layer, e.g. ``["boto3", "botocore"]``, which the
        Lambda runtime provides. A name the lock does not have is an error (a typo would keep the package in).
        Default: none.
    store_on_s3, s3_bucket, s3_prefix
        Store the zip on S3 and publish the layer from there: see :class:`~cdktf_lambda.S3Artifacts`. Defaults:
        ``False``, none, ``"builds/"``.

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
    largest_packages
        The five largest packages, largest first (:class:`~cdktf_lambda.packaging.PackageSize`: ``name``,
        ``version``, ``size`` in bytes unzipped).
    excluded
        The names ``exclude`` dropped from the layer (those the lock selects for the target).
    build
        The :class:`~cdktf_lambda.packaging.layer_build.BuiltLayer` (``build.cached`` tells whether pip ran).

    Examples
    --------
    >>> deps = DependencyLayer(self, "deps", lock_file="lambda_src/Pipfile.lock",  # doctest: +SKIP
    ...                        layer_name="practice-dev-dependencies", architecture="arm64")
    >>> LambdaPythonFunction(self, "api", ..., layers=[deps.info])  # doctest: +SKIP

    Raises
    ------
    InvalidParameterError
        A keyword outside what is allowed, an option the lock format does not have, or a category, group, extra or
        excluded name the lock does not have (with what it has).
    DependencyBuildError
        The lock cannot be built into a layer: a package without hashes or from a git/URL/path source, an sdist that
        would need a compiler, or pip failing (with its output).
    PackageTooLargeError
        The layer over Lambda's 250 MB unzipped.
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
        bytecode: bool = True,
        lock_format: LockFormat | None = None,
        categories: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
        extras: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        store_on_s3: bool = False,
        s3_bucket: str | None = None,
        s3_prefix: str = DEFAULT_S3_PREFIX,
    ) -> None:
        super().__init__(scope, id_)
        # 1. defaults
        wheelhouse = wheelhouse if wheelhouse is not None else settings.WHEELHOUSE.get()

        # 2. validation
        if lock_file is None or (isinstance(lock_file, str) and not lock_file.strip()):
            raise InvalidParameterError(
                "lock_file", lock_file, "the path of a Pipfile.lock, uv.lock, poetry.lock or hashed requirements file"
            )
        if not is_token(layer_name) and (not isinstance(layer_name, str) or not _LAYER_NAME.match(layer_name)):
            raise InvalidParameterError("layer_name", layer_name, "1 to 140 letters, digits, hyphens or underscores")
        validate_runtime(runtime)
        validate_architecture(architecture)
        validate_description(description)
        if is_token(runtime):
            raise InvalidParameterError("runtime", runtime, "a literal runtime (the layer is built at synth)")
        if wheelhouse is not None and not resolve(wheelhouse).is_dir():
            raise InvalidParameterError("wheelhouse", str(wheelhouse), "an existing directory of wheels")
        kind = format_of(lock_file, lock_format)
        selection = {"categories": categories, "groups": groups, "extras": extras}
        selection_options(kind, **selection)
        excluded_names = normalize_exclude(exclude)
        s3 = S3Artifacts(store_on_s3, s3_bucket, s3_prefix)

        # 3. derived values: the zip (built, or found in the cache)
        target = Target(runtime, architecture)
        built: BuiltLayer = build_layer(
            resolve(lock_file),
            target,
            cache_dir(),
            lock_format=kind,
            categories=categories,
            groups=groups,
            extras=extras,
            exclude=excluded_names,
            wheelhouse=resolve(wheelhouse) if wheelhouse is not None else None,
            bytecode=bytecode_for((runtime,), bytecode),
            max_zip_bytes=s3.max_zip_bytes,
        )
        self.build = built
        self.lock_file = built.lock_file
        self.runtime: Runtime = runtime
        self.architecture: Architecture = architecture
        self.packages: tuple[str, ...] = built.packages
        self.unzipped_size: int = built.unzipped_size
        self.zip_size: int = built.size
        self.zip_hash: str = built.zip_hash
        self.lock_format: LockFormat = built.lock_format
        self.largest_packages: tuple[PackageSize, ...] = built.largest_packages
        self.excluded: tuple[str, ...] = built.excluded

        # 4. child resources
        self.asset = cdk.TerraformAsset(self, "asset", path=str(built.path), type=cdk.AssetType.FILE)
        self.zip_path: str = self.asset.path
        self.s3_object, (s3_location_bucket, s3_key) = s3.add_object(
            self, name=built.path.name, source=self.zip_path, source_hash=self.zip_hash
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
        self.layer.add_override(f"//.{METADATA_KEY}", layer_metadata(built, excluded_names, bytecode=bytecode))
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


def layer_metadata(built: BuiltLayer, exclude: Sequence[str], *, bytecode: bool = True) -> dict[str, object]:
    """What ``cdktf-lambda invoke`` needs to rebuild the layer for another interpreter (the lock and its selection),
    what ``cdktf-lambda sync`` needs to rebuild it as the synth did (``"bytecode": false`` only when turned off),
    and what ``doctor`` shows (the largest packages). Portable: paths relative to the project, no timestamps."""
    return {
        "lock_file": built.lock_file,
        "lock_format": built.lock_format,
        "lock_sha256": built.lock_sha256,
        **{option: list(values) for option, values in built.selection},
        "exclude": list(exclude),
        "runtime": built.target.runtime,
        "architecture": built.target.architecture,
        "largest_packages": [{"name": p.name, "version": p.version, "bytes": p.size} for p in built.largest_packages],
        **({} if bytecode else {"bytecode": False}),
    }
