"""Lock files: the pinned, hashed packages a dependency layer installs, with their markers evaluated for a target.

Reads the ``default`` section of a ``Pipfile.lock``; every entry must be a hashed registry pin.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..paths import project_relative
from .target import Target

try:  # ``packaging`` is a dependency of this library; pip vendors it too.
    from packaging.markers import InvalidMarker, Marker
except ImportError:  # pragma: no cover - only without the standalone distribution
    from pip._vendor.packaging.markers import InvalidMarker, Marker  # type: ignore[no-redef]

__all__ = ["LockSection", "LockedPackage", "read_lock", "requirements_for", "requirements_text"]


@dataclass(frozen=True)
class LockedPackage:
    """One entry of a lock's ``default`` section."""

    name: str
    version: str
    hashes: tuple[str, ...]
    markers: str | None = None

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"

    def requirement_line(self) -> str:
        return " ".join([self.pin, *(f"--hash={h}" for h in self.hashes)])


@dataclass(frozen=True)
class LockSection:
    """The ``default`` section of a ``Pipfile.lock``.

    Attributes
    ----------
    path
        The lock file, relative to the project directory (POSIX separators).
    packages
        Every entry, sorted by name.
    index_urls
        The lock's sources (``_meta.sources[*].url``), in order.
    sha256
        Hex SHA-256 of the section's canonical JSON: changes exactly when the section does.
    """

    path: str
    packages: tuple[LockedPackage, ...]
    index_urls: tuple[str, ...]
    sha256: str


def read_lock(lock_file: str | os.PathLike[str]) -> LockSection:
    """Read the ``default`` section of a ``Pipfile.lock``.

    Raises
    ------
    SourceError
        The file is missing or not a ``Pipfile.lock``, or an entry is not a hashed registry pin (``git``, ``path``,
        ``file`` and editable entries cannot be installed for another platform).
    """
    path = Path(lock_file)
    shown = project_relative(path)
    if not path.is_file():
        raise SourceError(f"Lock file not found: lock_file={shown!r}; create it with `pipenv lock`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"lock_file={shown!r} is not a Pipfile.lock (JSON): {exc}") from None
    section = data.get("default") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise SourceError(f"lock_file={shown!r} has no 'default' section; is it a Pipfile.lock?")
    packages = []
    for name, entry in sorted(section.items()):
        version = entry.get("version") if isinstance(entry, dict) else None
        hashes = entry.get("hashes") if isinstance(entry, dict) else None
        unsupported = sorted({"git", "path", "file", "editable", "ref"} & set(entry)) if isinstance(entry, dict) else []
        if unsupported or not isinstance(version, str) or not version.startswith("==") or not hashes:
            raise SourceError(
                f"Package {name!r} in lock_file={shown!r} is not a hashed registry pin "
                f"(got {json.dumps(entry, sort_keys=True)[:200]}); allowed: entries with "
                "'version': '==X.Y' and 'hashes' (git, path, file and editable entries cannot be built for Lambda)"
            )
        markers = entry.get("markers") or None
        packages.append(LockedPackage(name, version[2:], tuple(sorted(hashes)), markers))
    sources = data.get("_meta", {}).get("sources") or [{"url": "https://pypi.org/simple"}]
    index_urls = tuple(source["url"] for source in sources if isinstance(source, dict) and source.get("url"))
    canonical = json.dumps(section, sort_keys=True, separators=(",", ":"))
    return LockSection(shown, tuple(packages), index_urls, hashlib.sha256(canonical.encode()).hexdigest())


def requirements_for(lock: LockSection, target: Target) -> tuple[LockedPackage, ...]:
    """The lock's packages whose markers hold on ``target``.

    Raises
    ------
    SourceError
        A marker cannot be parsed.
    """
    environment = target.marker_environment()
    selected = []
    for package in lock.packages:
        if package.markers:
            try:
                if not Marker(package.markers).evaluate(environment):
                    continue
            except InvalidMarker as exc:
                raise SourceError(f"Package {package.name!r} in {lock.path!r} has an invalid marker: {exc}") from None
        selected.append(package)
    return tuple(selected)


def requirements_text(packages: Sequence[LockedPackage]) -> str:
    """A pip requirements file: one ``name==version --hash=...`` line per package (markers already applied)."""
    return "".join(f"{package.requirement_line()}\n" for package in packages)
