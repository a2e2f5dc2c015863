"""What every lock reader produces: the resolved packages of a selection, in one model whatever the format.

A :class:`LockedPackage` is a registry pin: normalized name (PEP 503), version, the strong hashes of its files, a
*universal* PEP 508 marker (on which environments it is needed; no ``extra``: extras are decided by the reader) or
``None`` for always, and whether the lock knows it has no wheel at all (only uv.lock and poetry.lock record file
names). A :class:`ResolvedLock` is one lock file read with one selection (categories, groups, extras): nothing is
evaluated for a target yet (:func:`~cdktf_lambda.packaging.locks.requirements_for` does that), so its
:attr:`~ResolvedLock.sha256` depends only on the file and the selection.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.types import LOCK_FORMATS, LockFormat

__all__ = [
    "LOCK_FORMATS",
    "PYPI",
    "STRONG_HASHES",
    "LockFormat",
    "LockedPackage",
    "ResolvedLock",
    "check_declared",
    "merge_packages",
    "normalize_hash",
    "normalize_marker",
    "normalize_version",
]

PYPI = "https://pypi.org/simple"
#: Hash algorithms ``pip --require-hashes`` accepts (it refuses md5 and sha1: "not a strong hash").
STRONG_HASHES = ("sha256", "sha384", "sha512")


@dataclass(frozen=True)
class LockedPackage:
    """One resolved package of a lock.

    Attributes
    ----------
    name
        Normalized (PEP 503): ``jaraco-context`` for ``jaraco.context``.
    version
        Normalized (PEP 440).
    hashes
        Sorted ``"<algorithm>:<hex>"`` of the files the lock allows (sdist and wheels).
    marker
        Universal PEP 508 marker telling where the package is needed, or ``None`` (always).
    sdist_only
        The lock lists no wheel for this version (known for uv.lock and poetry.lock only).
    """

    name: str
    version: str
    hashes: tuple[str, ...]
    marker: str | None = None
    sdist_only: bool = False

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"

    def requirement_line(self) -> str:
        return " ".join([self.pin, *(f"--hash={h}" for h in self.hashes)])


@dataclass(frozen=True)
class ResolvedLock:
    """A lock file read with one selection.

    Attributes
    ----------
    path
        The lock, relative to the project directory (POSIX separators).
    format
        One of :data:`LOCK_FORMATS`.
    packages
        The selected packages, sorted by name (markers not evaluated yet).
    index_urls
        The package indexes the lock names, in order (PyPI when it names none).
    categories, groups, extras
        The selection (normalized): Pipfile.lock categories; uv/poetry groups and extras.
    requires_python
        ``requires-python`` of a universal lock (uv, poetry): the target's Python must satisfy it.
    locked_for_python
        The Python an environment-specific lock was resolved with (``Pipfile.lock``'s ``_meta.requires``,
        pip-compile's header), when it says.
    supported_markers
        uv's ``supported-markers`` (``tool.uv.environments``): the target must satisfy one.
    notes
        What the reader left out or could not check, for the build's log.
    sha256
        Hex SHA-256 of the resolved selection (format, selection, packages): changes exactly when they do.
    """

    path: str
    format: LockFormat
    packages: tuple[LockedPackage, ...]
    index_urls: tuple[str, ...] = (PYPI,)
    categories: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    requires_python: str | None = None
    locked_for_python: str | None = None
    supported_markers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        identity = {
            "format": self.format,
            "selection": self.selection,
            "requires_python": self.requires_python,
            "locked_for_python": self.locked_for_python,
            "supported_markers": list(self.supported_markers),
            "packages": [[p.name, p.version, list(p.hashes), p.marker, p.sdist_only] for p in self.packages],
        }
        canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"))
        object.__setattr__(self, "sha256", hashlib.sha256(canonical.encode()).hexdigest())

    @property
    def selection(self) -> dict[str, list[str]]:
        """The selection options that apply to the format (recorded in the stack JSON, passed back to read it)."""
        if self.format == "pipfile":
            return {"categories": list(self.categories)}
        if self.format in ("uv", "poetry"):
            return {"groups": list(self.groups), "extras": list(self.extras)}
        return {}

    @property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.packages)


def read_toml_lock(path: Path, shown: str, kind: str) -> dict[str, Any]:
    """The TOML of a lock file (``kind``: ``uv.lock``, ``poetry.lock``); an unreadable file or bad TOML is a
    :class:`SourceError` naming ``lock_file`` and the kind."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"lock_file={shown!r} is not a {kind} (TOML): {exc}") from None


def check_declared(option: str, chosen: Iterable[str], declared: Iterable[str], what: str) -> None:
    """Refuse a chosen category, group or extra that is not ``declared`` (the message lists those that are)."""
    known = sorted(set(declared))
    for name in chosen:
        if name not in known:
            raise InvalidParameterError(option, name, f"{what}: {', '.join(known) or 'none'}")


def normalize_version(raw: object, what: str) -> str:
    if not isinstance(raw, str):
        raise SourceError(f"{what}: no version")
    try:
        return str(Version(raw))
    except InvalidVersion:
        raise SourceError(f"{what}: invalid version {raw!r}") from None


def normalize_hash(raw: object, what: str) -> str:
    """``"sha256:<hex>"`` from a lock's hash; md5/sha1 (pip refuses them) and malformed ones are errors."""
    algorithm, sep, digest = str(raw).partition(":")
    if not sep or not digest:
        raise SourceError(f"{what}: malformed hash {raw!r} (expected 'sha256:<hex>')")
    algorithm = algorithm.lower()
    if algorithm not in STRONG_HASHES:
        raise SourceError(
            f"{what}: its hash uses {algorithm}; pip --require-hashes only accepts {', '.join(STRONG_HASHES)}. "
            "Re-lock against an index that publishes sha256 digests (PyPI does)"
        )
    return f"{algorithm}:{digest.lower()}"


def normalize_marker(raw: object, what: str) -> str | None:
    """A PEP 508 marker in packaging's canonical spelling, or ``None`` for none/``*``."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "*")):
        return None
    try:
        return str(Marker(str(raw)))
    except InvalidMarker as exc:
        raise SourceError(f"{what}: invalid marker {raw!r}: {exc}") from None


def _either(first: str | None, second: str | None) -> str | None:
    if first is None or second is None:
        return None
    if first == second:
        return first
    return str(Marker(f"({first}) or ({second})"))


def merge_packages(packages: Iterable[LockedPackage], where: str) -> tuple[LockedPackage, ...]:
    """One entry per name, sorted: duplicates (a package in two Pipfile categories) must agree on the version;
    their hashes are united and their markers or-ed."""
    merged: dict[str, LockedPackage] = {}
    for package in packages:
        name = canonicalize_name(package.name)
        previous = merged.get(name)
        if previous is None:
            merged[name] = package
            continue
        if previous.version != package.version:
            raise SourceError(f"{where}: {name} is locked at both {previous.version} and {package.version}")
        merged[name] = LockedPackage(
            name,
            package.version,
            tuple(sorted(set(previous.hashes) | set(package.hashes))),
            _either(previous.marker, package.marker),
            previous.sdist_only and package.sdist_only,
        )
    return tuple(merged[name] for name in sorted(merged))
