"""``poetry.lock`` (Poetry 2, lock-version >= 2.1): the main group, plus chosen groups and extras.

Poetry 2 records on each package the ``groups`` it belongs to and its ``markers`` (one string, or a table per
group), already transitive: no graph walk is needed. A package is selected when one of its groups is chosen; its
marker is the disjunction of those groups' markers (a group missing from the table: always), with ``extra == "x"``
decided for the chosen extras — as ``poetry install --only main,<groups> -E <extras>`` and poetry-plugin-export
select (checked against ``poetry export`` on a grid of environments). Locks of Poetry 1 (lock-version 2.0 and
older) record neither groups nor markers and are refused with the command that rewrites them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks.markers import decide_extras, or_markers
from cdktf_lambda.packaging.locks.model import (
    PYPI,
    LockedPackage,
    ResolvedLock,
    check_declared,
    normalize_hash,
    normalize_marker,
    normalize_version,
    read_toml_lock,
)

__all__ = ["read_poetry_lock"]

#: Source types whose packages do not come from an index by hash.
_REFUSED_SOURCES = ("git", "directory", "file", "url")


def _group_markers(entry: dict[str, Any], chosen: list[str], what: str) -> list[str | None]:
    raw = entry.get("markers")
    if isinstance(raw, dict):
        table: dict[str, Any] = {canonicalize_name(group): marker for group, marker in raw.items()}
        return [normalize_marker(table.get(group), what) for group in chosen]
    return [normalize_marker(raw, what)] * len(chosen)


def _lock_version(data: dict[str, Any], shown: str) -> None:
    raw = (data.get("metadata") or {}).get("lock-version")
    if raw is None or not isinstance(data.get("package", []), list):
        raise SourceError(f"lock_file={shown!r} is not a poetry.lock (no [metadata] lock-version)")
    try:
        too_old = Version(str(raw)) < Version("2.1")
    except InvalidVersion:
        raise SourceError(f"{shown}: unknown lock-version {raw!r}") from None
    if too_old:
        raise SourceError(
            f"{shown} has lock-version {raw} (Poetry 1): it records neither the groups nor the markers of its "
            "packages. Rewrite it with Poetry >= 2: `poetry lock` (it keeps the locked versions)"
        )


def read_poetry_lock(
    path: Path, shown: str, groups: Sequence[str] | None = None, extras: Sequence[str] | None = None
) -> ResolvedLock:
    """Read a ``poetry.lock``: the ``main`` group plus ``groups``, with ``extras`` (default: none).

    Raises
    ------
    InvalidParameterError
        A group or extra the lock does not have (the message lists those it has).
    SourceError
        Not a Poetry 2 lock, or a package from a git, directory, file or URL source.
    """
    data = read_toml_lock(path, shown, "poetry.lock")
    _lock_version(data, shown)
    entries: list[dict[str, Any]] = data.get("package", [])
    declared_groups = sorted({canonicalize_name(g) for entry in entries for g in entry.get("groups", [])} | {"main"})
    declared_extras = sorted(canonicalize_name(e) for e in data.get("extras", {}))
    chosen_groups = ["main", *(canonicalize_name(g) for g in groups or () if canonicalize_name(g) != "main")]
    chosen_extras = [canonicalize_name(e) for e in extras or ()]
    check_declared("groups", chosen_groups, declared_groups, f"a dependency group of {shown}")
    check_declared("extras", chosen_extras, declared_extras, f"an extra of {shown}")

    packages: list[LockedPackage] = []
    index_urls: list[str] = []
    uses_pypi = False
    for entry in entries:
        name = canonicalize_name(entry["name"])
        what = f"{name} {entry.get('version')} in {shown}"
        member_of = [g for g in chosen_groups if g in {canonicalize_name(x) for x in entry.get("groups", [])}]
        decided = [decide_extras(m, chosen_extras) for m in _group_markers(entry, member_of, what)]
        needed = [marker for marker in decided if marker is not False]
        if not needed:
            continue  # in no chosen group, or only for extras that were not chosen
        source = entry.get("source") or {}
        kind = source.get("type")
        if kind in _REFUSED_SOURCES:
            raise SourceError(
                f"{what} comes from a {kind} source ({source.get('url')}); only index packages can be installed "
                "into a layer"
            )
        if kind not in (None, "legacy"):
            raise SourceError(f"{what}: unknown source type {kind!r}")
        uses_pypi = uses_pypi or kind is None
        if kind == "legacy" and source.get("url") not in index_urls:
            index_urls.append(source["url"])
        files = entry.get("files") or []
        hashes = {normalize_hash(f.get("hash"), what) for f in files}
        if not hashes:
            raise SourceError(f"{what} lists no files (no hashes); re-lock with `poetry lock`")
        sdist_only = not any(str(f.get("file", "")).endswith(".whl") for f in files)
        version = normalize_version(entry.get("version"), what)
        packages.append(LockedPackage(name, version, tuple(sorted(hashes)), or_markers(needed), sdist_only))  # type: ignore[arg-type]
    if uses_pypi or not index_urls:
        index_urls.insert(0, PYPI)
    return ResolvedLock(
        shown,
        "poetry",
        tuple(sorted(packages, key=lambda p: (p.name, p.version))),
        tuple(index_urls),
        groups=tuple(g for g in chosen_groups if g != "main"),
        extras=tuple(chosen_extras),
        requires_python=(data.get("metadata") or {}).get("python-versions"),
    )
