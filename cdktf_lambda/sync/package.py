"""Repackaging for sync with the functions a synth uses, so an uploaded zip has the bytes a synth would write:
:func:`~cdktf_lambda.packaging.package_source.build_package` for function and runtime-module zips (sorted entries,
fixed timestamps, bytecode for the runtime), :func:`~cdktf_lambda.packaging.layer_build.build_layer` for a dependency
layer from its lock file. Both are content-addressed in the project's package cache: an unchanged package costs a
hash of its files, an unchanged lock file no pip process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda import settings
from cdktf_lambda.errors import SourceError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES
from cdktf_lambda.packaging.bytecode import bytecode_for
from cdktf_lambda.packaging.files import SourceFile
from cdktf_lambda.packaging.layer_build import build_layer
from cdktf_lambda.packaging.package_source import PackageSource, build_package
from cdktf_lambda.packaging.target import Target

__all__ = ["Artifact", "package_cache", "package_code", "package_dependencies"]


@dataclass(frozen=True)
class Artifact:
    """A zip to upload: where it is, its base64 SHA-256 (Lambda's ``CodeSha256``) and its size in bytes."""

    path: Path
    zip_hash: str
    size: int


def package_cache(project: Path) -> Path:
    """The project's package cache, where its synth keeps zips (:data:`~cdktf_lambda.settings.CACHE_DIR` moves it)."""
    configured = settings.CACHE_DIR.get()
    return configured if configured is not None else project / ".cdktf-lambda-cache"


def package_code(files: Sequence[SourceFile], source: PackageSource, project: Path, *, on_s3: bool) -> Artifact:
    """The zip of a function or runtime-module package, as its synth builds it."""
    built = build_package(
        files, source, package_cache(project), max_bytes=MAX_UNZIPPED_BYTES if on_s3 else MAX_ZIP_BYTES
    )
    return Artifact(built.path, built.zip_hash, built.size)


def package_dependencies(dependencies: Mapping[str, Any], project: Path, *, on_s3: bool) -> Artifact:
    """A dependency layer's zip from its lock file, as its synth builds it (recorded by ``DependencyLayer``)."""
    try:
        lock_file = project / str(dependencies["lock_file"])
        target = Target(str(dependencies["runtime"]), str(dependencies["architecture"]))
    except KeyError as exc:
        raise SourceError(f"Unreadable dependency layer record in the stack JSON: no {exc}") from None
    if not lock_file.is_file():
        raise SourceError(f"The dependency layer's lock file {dependencies['lock_file']} is gone")
    wheelhouse = settings.WHEELHOUSE.get()
    built = build_layer(
        lock_file,
        target,
        package_cache(project),
        lock_format=dependencies.get("lock_format"),
        categories=dependencies.get("categories"),
        groups=dependencies.get("groups"),
        extras=dependencies.get("extras"),
        exclude=dependencies.get("exclude"),
        wheelhouse=wheelhouse,
        bytecode=bytecode_for((target.runtime,), bool(dependencies.get("bytecode", True))),
        max_zip_bytes=MAX_UNZIPPED_BYTES if on_s3 else MAX_ZIP_BYTES,
    )
    return Artifact(built.path, built.zip_hash, built.size)
