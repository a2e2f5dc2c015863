"""How much of a layer each package takes: its files in the layer, mapped to distributions by ``RECORD``.

:func:`record_owners` reads every ``*.dist-info/RECORD`` of an installed ``--target`` tree *before* it is stripped
(the records go, they name each file's distribution); :func:`package_sizes` then sums the files that end up in the
layer per distribution. A file no record names (bytecode compiled later, say) belongs to the distribution that owns
its directory. The sizes travel with the cached zip in a small JSON file beside it (:func:`write_sizes`), so a cache
hit reports them too.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.utils import canonicalize_name

from cdktf_lambda.paths import write_text_atomic

__all__ = ["PackageSize", "describe", "package_sizes", "read_sizes", "record_owners", "write_sizes"]

#: How many packages the progress line and ``largest_packages`` show.
LARGEST = 5
#: Files of the tree that no distribution owns are counted under this name.
OTHER = "(other files)"


@dataclass(frozen=True)
class PackageSize:
    """The bytes a package's files take in a layer (unzipped)."""

    name: str
    version: str
    size: int

    def __str__(self) -> str:
        return f"{self.name} {self.size / 2**20:.1f} MiB"


def record_owners(site: Path) -> dict[str, tuple[str, str]]:
    """``{relative POSIX path: (name, version)}`` for every file the ``RECORD`` files of ``site`` list."""
    owners: dict[str, tuple[str, str]] = {}
    for record in sorted(site.glob("*.dist-info/RECORD")):
        stem = record.parent.name.removesuffix(".dist-info")
        name, _, version = stem.partition("-")
        owner = (canonicalize_name(name), version)
        with record.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if row and not row[0].startswith(("..", "/")):
                    owners[PurePosixPath(row[0]).as_posix()] = owner
        owners[f"{record.parent.name}/RECORD"] = owner
    return owners


def _directory_owners(owners: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str] | None]:
    """Each directory of the recorded files → its one owner (``None`` when several share it: namespace packages)."""
    directories: dict[str, tuple[str, str] | None] = {}
    for path, owner in owners.items():
        for parent in PurePosixPath(path).parents:
            key = parent.as_posix()
            if key == ".":
                break
            if key in directories and directories[key] != owner:
                directories[key] = None
            else:
                directories.setdefault(key, owner)
    return directories


def package_sizes(files: Iterable[tuple[str, int]], owners: Mapping[str, tuple[str, str]]) -> tuple[PackageSize, ...]:
    """The size of each distribution, largest first, from ``(relative path, bytes)`` of the layer's files."""
    directories = _directory_owners(owners)
    totals: dict[tuple[str, str], int] = {}
    for path, size in files:
        owner = owners.get(path)
        if owner is None:
            owner = next(
                (directories[p.as_posix()] for p in PurePosixPath(path).parents if directories.get(p.as_posix())),
                None,
            )
        key = owner or (OTHER, "")
        totals[key] = totals.get(key, 0) + size
    return tuple(sorted((PackageSize(n, v, s) for (n, v), s in totals.items()), key=lambda p: (-p.size, p.name)))


def describe(sizes: Sequence[PackageSize], count: int = LARGEST) -> str:
    """``pydantic-core 4.4 MiB, …`` for the ``count`` largest."""
    return ", ".join(str(size) for size in sizes[:count])


def _sizes_file(zip_path: Path) -> Path:
    return zip_path.with_suffix(".sizes.json")


def write_sizes(zip_path: Path, sizes: Sequence[PackageSize]) -> None:
    """Keep ``sizes`` beside the cached ``zip_path`` (written before the zip, atomically)."""
    write_text_atomic(_sizes_file(zip_path), json.dumps([[s.name, s.version, s.size] for s in sizes]))


def read_sizes(zip_path: Path) -> tuple[PackageSize, ...] | None:
    """The sizes kept beside ``zip_path``; ``None`` when missing or unreadable (the layer is then rebuilt)."""
    try:
        rows = json.loads(_sizes_file(zip_path).read_text())
        return tuple(PackageSize(str(name), str(version), int(size)) for name, version, size in rows)
    except (OSError, ValueError, TypeError):
        return None
