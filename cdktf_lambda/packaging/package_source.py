"""Where a package built during synth comes from, recorded in the stack JSON so the zip can be built again later.

:class:`~cdktf_lambda.LambdaPythonPackage` (``packaging_mode="synth"``) builds each function zip and runtime-module
layer zip with :func:`build_package`, and records its :class:`PackageSource` under the ``"//"`` (comment) object of
the ``aws_lambda_function`` or ``aws_lambda_layer_version`` that deploys it (key :data:`METADATA_KEY`; Terraform
ignores ``"//"``). ``cdktf-lambda sync`` reads it back and calls the same :func:`build_package`, so a zip it uploads
has the bytes a synth of the same sources would write. Portable: the source directory is relative to the project.

Examples
--------
>>> source = PackageSource("lambda_src/worker", "worker", "function", ("python3.13",))  # doctest: +SKIP
>>> built = build_package(source.list_files(project), source, cache)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import SourceError
from cdktf_lambda.limits import MAX_ZIP_BYTES
from cdktf_lambda.packaging.bytecode import bytecode_for
from cdktf_lambda.packaging.files import DEFAULT_EXCLUDES, SourceFile, list_files
from cdktf_lambda.packaging.zips import BuiltZip, build_zip
from cdktf_lambda.types import PACKAGE_KINDS, PackageKind

__all__ = ["METADATA_KEY", "PackageSource", "build_package"]

#: Key under a function's or layer's ``"//"`` object in the Terraform JSON where its package's source is recorded.
METADATA_KEY = "cdktf_lambda_package"


@dataclass(frozen=True)
class PackageSource:
    """How one package zip is built from its sources.

    Attributes
    ----------
    source_dir
        The directory packaged, relative to the project directory (POSIX separators).
    name
        The package name: the zip's file name stem and, for a layer, its directory ``python/<name>/``.
    kind
        ``"function"`` (the directory's contents at the zip root) or ``"layer"`` (under ``python/<name>/``).
    runtimes
        The runtimes whose bytecode the zip carries.
    bytecode
        Whether bytecode is shipped (the construct's ``bytecode=``; :data:`BYTECODE=0 <cdktf_lambda.settings.BYTECODE>`
        still turns it off).
    excludes
        Name patterns never packaged.
    """

    source_dir: str
    name: str
    kind: PackageKind
    runtimes: tuple[str, ...]
    bytecode: bool = True
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES

    @property
    def prefix(self) -> str:
        """What every archive name starts with: ``python/<name>/`` for a layer, nothing for a function."""
        return f"python/{self.name}/" if self.kind == "layer" else ""

    def directory(self, project: Path) -> Path:
        """The source directory in ``project``."""
        return project / self.source_dir

    def list_files(self, project: Path) -> list[SourceFile]:
        """The files packaged, as a synth lists them."""
        return list_files(self.directory(project), prefix=self.prefix, excludes=self.excludes)

    def metadata(self) -> dict[str, Any]:
        """The JSON recorded in the stack (``excludes`` only when they are not the default)."""
        data: dict[str, Any] = {
            "source_dir": self.source_dir,
            "name": self.name,
            "kind": self.kind,
            "runtimes": list(self.runtimes),
            "bytecode": self.bytecode,
        }
        if self.excludes != DEFAULT_EXCLUDES:
            data["excludes"] = list(self.excludes)
        return data

    @classmethod
    def from_metadata(cls, data: Mapping[str, Any]) -> PackageSource:
        """The source recorded by :meth:`metadata`.

        Raises
        ------
        SourceError
            The record is not one (written by another version, or edited).
        """
        try:
            kind = data["kind"]
            if kind not in PACKAGE_KINDS:
                raise ValueError(f"kind {kind!r}")
            excludes = data.get("excludes")
            return cls(
                source_dir=str(data["source_dir"]),
                name=str(data["name"]),
                kind=kind,
                runtimes=tuple(str(runtime) for runtime in data["runtimes"]),
                bytecode=bool(data.get("bytecode", True)),
                excludes=DEFAULT_EXCLUDES if excludes is None else tuple(str(pattern) for pattern in excludes),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"Unreadable package record {dict(data)!r} in the stack JSON: {exc}") from None


def build_package(
    files: Sequence[SourceFile], source: PackageSource, cache_dir: Path, *, max_bytes: int = MAX_ZIP_BYTES
) -> BuiltZip:
    """The zip of ``files`` (listed by :meth:`PackageSource.list_files`), with bytecode for ``source.runtimes``,
    content-addressed in ``cache_dir``: what a synth builds (see :func:`~cdktf_lambda.packaging.zips.build_zip`)."""
    compiled = bytecode_for(source.runtimes, source.bytecode)
    return build_zip(
        files, cache_dir, source.name, bytecode=compiled, layer=source.kind == "layer", max_bytes=max_bytes
    )
