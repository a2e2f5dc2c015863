"""``LambdaPythonPackage``: one Python source directory packaged into a deployment zip."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda import cdk
from cdktf_lambda.code.package_info import PackageInfo
from cdktf_lambda.code.s3_artifacts import DEFAULT_S3_PREFIX, S3Artifacts
from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.limits import PackagingMode, Runtime, validate_choice, validate_runtime
from cdktf_lambda.packaging.files import DEFAULT_EXCLUDES, SourceFile, list_files
from cdktf_lambda.packaging.handlers import find_handler, top_level_modules
from cdktf_lambda.packaging.package_source import PackageSource, build_package
from cdktf_lambda.packaging.zips import BuiltZip
from cdktf_lambda.paths import cache_dir, project_relative, resolve, stack_relative_dir, terraform_path
from cdktf_lambda.stack.providers import ensure_archive_provider
from cdktf_lambda.types import PACKAGE_KINDS, PACKAGING_MODES, PackageKind

__all__ = ["LambdaPythonPackage", "PackageKind"]

#: ``function``: the directory's contents at the zip root, handler found in it.


def _archive_excludes(patterns: tuple[str, ...]) -> list[str]:
    """Our name patterns as the archive provider's doublestar globs (matched against relative paths)."""
    return [glob for pattern in patterns for glob in (f"**/{pattern}", f"**/{pattern}/**")]


class LambdaPythonPackage(cdk.Construct):
    """Package one Python source directory into a zip (the seeds' *lambda_python_module* component).

    Parameters
    ----------
    scope, id_
        Construct scope and id.
    source_dir
        The directory to package, relative to the project directory (or absolute). Required.
    name
        Package name, used for the zip file name and, for layers, the package directory. Default: the directory name.
    kind
        ``"function"``: the directory's contents go to the zip root, and its handler is found by the seed's
        convention (``__init__.py`` plus ``lambda_handler.py`` or ``<name>.py``). ``"layer"``: the directory goes
        under ``python/<name>/`` so the code is importable from a Lambda layer. Default: ``"function"``.
    packaging_mode
        ``"archive_file"`` (as the seeds do it): Terraform's ``data.archive_file`` builds the zip at plan time; needs
        the hashicorp/archive provider. ``"synth"``: Python builds the zip deterministically during synth and ships
        it with the synth output; ``zip_hash`` is then a literal. No archive provider needed.
        Default: ``"archive_file"``.
    output_dir
        ``archive_file`` mode only: where Terraform writes the zip, relative to the stack directory
        ``cdktf.out/stacks/<stack>``, or absolute (written into the JSON relative to the stack directory).
        Default: ``"../../../out"`` (the project's ``out/``), as in the seed.
    excludes
        File and directory name patterns never packaged. Default:
        :data:`cdktf_lambda.packaging.files.DEFAULT_EXCLUDES`
        (bytecode, editor/OS junk, VCS folders, tests, ``.env``, keys).
    runtimes
        The runtimes whose bytecode the zip carries (``__pycache__/*.cpython-3XX.pyc``, compiled by that CPython).
        Default: ``("python3.13",)``.
    bytecode
        ``synth`` mode: ship bytecode for ``runtimes`` (unchecked-hash, reproducible; see
        :mod:`cdktf_lambda.packaging.bytecode`), so a cold start compiles nothing. Default: ``True``
        (:data:`BYTECODE=0 <cdktf_lambda.settings.BYTECODE>` turns it off everywhere). ``archive_file`` mode cannot
        carry bytecode: Terraform builds that zip.
    store_on_s3, s3_bucket, s3_prefix
        Store the zip on S3 and deploy from there: see :class:`~cdktf_lambda.S3Artifacts`. Defaults: ``False``,
        none, ``"builds/"``.

    Attributes
    ----------
    zip_path, zip_hash
        The seed's outputs: the zip's path (relative to the stack directory) and its base64 SHA-256.
    handler
        The handler string found (``None`` for layers).
    info
        All of it as a :class:`PackageInfo`, to pass to a function as ``package=``.
    archive
        The ``data.archive_file`` (``archive_file`` mode) or ``None``.
    asset, built
        The ``TerraformAsset`` holding the zip and the :class:`~cdktf_lambda.packaging.zips.BuiltZip` (``synth`` mode),
        or ``None``.
    s3_object
        The ``aws_s3_object`` (``store_on_s3=True``) or ``None``; ``info.s3_bucket``/``info.s3_key`` point at it.
    source
        ``synth`` mode: how the zip is built (a :class:`~cdktf_lambda.packaging.package_source.PackageSource`), which
        the function or layer deploying it records in the stack JSON for ``cdktf-lambda sync``; else ``None``.

    Raises
    ------
    InvalidParameterError
        A keyword outside what is allowed (``kind``, ``packaging_mode``, a runtime, the S3 options).
    SourceError
        ``source_dir`` missing, not a directory, or holding a file that cannot be packaged.
    HandlerNotFoundError
        A function directory without ``lambda_handler.py`` or ``<name>.py``.
    PackageTooLargeError
        A zip over Lambda's limits (50 MB uploaded directly, 250 MB unzipped).
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        source_dir: str | Path,
        name: str | None = None,
        kind: PackageKind = "function",
        packaging_mode: PackagingMode = "archive_file",
        output_dir: str | Path = "../../../out",
        excludes: tuple[str, ...] = DEFAULT_EXCLUDES,
        runtimes: Sequence[Runtime] = ("python3.13",),
        bytecode: bool = True,
        store_on_s3: bool = False,
        s3_bucket: str | None = None,
        s3_prefix: str = DEFAULT_S3_PREFIX,
    ) -> None:
        super().__init__(scope, id_)
        # defaults -> validation -> derived values -> child resources
        validate_choice("packaging_mode", packaging_mode, PACKAGING_MODES)
        s3 = S3Artifacts(store_on_s3, s3_bucket, s3_prefix)
        validate_choice("kind", kind, PACKAGE_KINDS)
        output_dir = stack_relative_dir(output_dir, "output_dir")
        for runtime in runtimes:
            validate_runtime(runtime, "runtimes")
        if source_dir is None or (isinstance(source_dir, str) and not source_dir.strip()):
            raise InvalidParameterError("source_dir", source_dir, "a path to an existing directory")
        root = resolve(source_dir)
        if not root.is_dir():
            raise SourceError(f"Source directory not found: source_dir={str(source_dir)!r} is not a directory")
        name = name or root.name
        if kind == "layer" and not (root / "__init__.py").is_file():
            raise SourceError(f"Runtime module {str(source_dir)!r} is not a Python package: no __init__.py")
        prefix = f"python/{name}/" if kind == "layer" else ""
        files = list_files(root, prefix=prefix, excludes=excludes)
        if not files:
            raise SourceError(f"Nothing to package in {str(source_dir)!r}: no files left after exclusions")

        self.name = name
        self.kind: PackageKind = kind
        self.packaging_mode: PackagingMode = packaging_mode
        self.handler = find_handler(root, name) if kind == "function" else None
        self.archive = None
        self.asset = None
        self.built: BuiltZip | None = None
        self.source: PackageSource | None = None
        unzipped_size: int | None = None

        if packaging_mode == "synth":
            source = self.source = PackageSource(
                project_relative(root), name, kind, tuple(runtimes), bytecode=bytecode, excludes=tuple(excludes)
            )
            built = self.built = build_package(files, source, cache_dir(), max_bytes=s3.max_zip_bytes)
            self.asset = cdk.TerraformAsset(self, "asset", path=str(built.path), type=cdk.AssetType.FILE)
            self.zip_path: str = self.asset.path
            self.zip_hash: str = built.zip_hash
            unzipped_size = built.unzipped_size
        else:
            ensure_archive_provider(self)
            output_path = f"{output_dir}/{name}.zip"
            if kind == "function":
                self.archive = cdk.DataArchiveFile(
                    self,
                    "archive",
                    type="zip",
                    source_dir=terraform_path(root),
                    output_path=output_path,
                    output_file_mode="0644",
                    excludes=_archive_excludes(excludes),
                )
            else:
                self.archive = cdk.DataArchiveFile(
                    self,
                    "archive",
                    type="zip",
                    output_path=output_path,
                    output_file_mode="0644",
                    source=[self._text_source(f) for f in files],
                )
            self.zip_path = self.archive.output_path
            self.zip_hash = self.archive.output_base64_sha256

        key_name = self.built.path.name if self.built is not None else f"{name}.zip"
        self.s3_object, location = s3.add_object(self, name=key_name, source=self.zip_path, source_hash=self.zip_hash)

        self.info = PackageInfo(
            zip_path=self.zip_path,
            zip_hash=self.zip_hash,
            handler=self.handler,
            modules=top_level_modules((f.arcname for f in files), prefix=prefix),
            unzipped_size=unzipped_size,
            s3_bucket=location[0],
            s3_key=location[1],
            source=self.source,
        )

    @staticmethod
    def _text_source(source: SourceFile) -> cdk.DataArchiveFileSource:
        """One ``source`` block of ``data.archive_file``: the archive provider can only place files under a prefix
        this way, and only text files (``file()`` reads UTF-8)."""
        try:
            source.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{source.arcname!r} is not a UTF-8 text file; packaging_mode='archive_file' can only put text files "
                "into a layer. Use packaging_mode='synth'."
            ) from exc
        return cdk.DataArchiveFileSource(content=cdk.Fn.file(terraform_path(source.path)), filename=source.arcname)
