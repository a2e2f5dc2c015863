"""``uv.lock``: the packages ``uv sync --no-dev`` installs for the project, found by walking the lock's graph.

uv.lock is universal: every package of every environment, markers on the *edges* only. The walk starts at the
project at the lock's directory (``source = { editable = "." }`` or ``{ virtual = "." }``), or at every workspace
member when that root is not a project; it follows ``dependencies``, the chosen extras
(``[package.optional-dependencies]``), the chosen groups (``[package.dev-dependencies]``, or
``[manifest.dependency-groups]`` of a root that is not a project) and the extras requested on edges
(``{ name = "pydantic", extra = ["email"] }``). A package's marker is the disjunction, over the paths reaching it,
of the conjunction of the edge markers on each path — what ``uv export`` writes (checked against it on a grid of
environments). Workspace members are walked through but not installed: their code belongs in the function's zip.
Forked resolutions (one name at several versions, under disjoint markers) stay apart until the target picks one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks.markers import Conditions
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

__all__ = ["read_uv_lock"]

#: Sources of local code: walked through, never installed into the layer.
_LOCAL = ("editable", "virtual")
#: ``extra == 'extra-3-pkg-cli'`` / ``group == …``: uv's encoding of conflicting extras and groups.
_CONFLICT_VARIABLES = ("extra", "group", "extras", "dependency_groups")

Key = tuple[str, str, str]  # (name, version, source as JSON)
Node = tuple[Key, str]  # (package, extra or "")


def _source_kind(entry: dict[str, Any]) -> str:
    return next(iter(entry.get("source") or {}), "")


class _Walk:
    """The graph of one uv.lock and the conditions under which each (package, extra) node is reached."""

    def __init__(self, data: dict[str, Any], shown: str) -> None:
        self.shown = shown
        self.entries: dict[Key, dict[str, Any]] = {}
        self.by_name: dict[str, list[Key]] = {}
        for entry in data["package"]:
            key = (canonicalize_name(entry["name"]), entry.get("version", ""), json.dumps(entry.get("source")))
            self.entries[key] = entry
            self.by_name.setdefault(key[0], []).append(key)
        self.conditions: dict[Node, Conditions] = {}
        self.pending: list[Node] = []

    def resolve(self, dependency: dict[str, Any], parent: str) -> Key:
        candidates = self.by_name.get(canonicalize_name(dependency["name"]), [])
        if "version" in dependency:
            candidates = [k for k in candidates if k[1] == dependency["version"]]
        if "source" in dependency:
            candidates = [k for k in candidates if k[2] == json.dumps(dependency["source"])]
        if len(candidates) != 1:
            raise SourceError(f"{self.shown}: dependency {dependency['name']!r} of {parent} matches no single package")
        return candidates[0]

    def reach(self, node: Node, conjunctions: Sequence[frozenset[str]] | frozenset[frozenset[str]]) -> None:
        if self.conditions.setdefault(node, Conditions()).add(conjunctions):
            self.pending.append(node)

    def follow(self, dependency: dict[str, Any], parent: Conditions | None, where: str) -> None:
        key = self.resolve(dependency, where)
        marker = normalize_marker(dependency.get("marker"), f"{self.shown}: dependency {dependency['name']} of {where}")
        if marker and any(f"{variable} " in marker for variable in _CONFLICT_VARIABLES):
            raise SourceError(
                f"{self.shown}: the marker {marker!r} encodes tool.uv.conflicts (conflicting extras or groups), "
                "which a layer build does not support"
            )
        new = parent.extended(marker) if parent is not None else [frozenset({marker} if marker else ())]
        self.reach((key, ""), new)
        for extra in dependency.get("extra", []):
            self.reach((key, canonicalize_name(extra)), new)

    def run(self) -> None:
        while self.pending:
            key, extra = node = self.pending.pop()
            entry = self.entries[key]
            optional: dict[str, Any] = {
                canonicalize_name(e): deps for e, deps in entry.get("optional-dependencies", {}).items()
            }
            for dependency in optional.get(extra, []) if extra else entry.get("dependencies", []):
                self.follow(dependency, self.conditions[node], key[0])


def _roots(walk: _Walk, data: dict[str, Any]) -> tuple[list[Key], frozenset[str]]:
    members = frozenset(canonicalize_name(m) for m in data.get("manifest", {}).get("members", []))
    at_root = [
        key
        for key, entry in walk.entries.items()
        if _source_kind(entry) in _LOCAL and entry["source"][_source_kind(entry)] == "."
    ]
    if at_root:
        return at_root, members
    roots = [key for name in sorted(members) for key in walk.by_name.get(name, [])]
    if not roots:
        raise SourceError(f"{walk.shown}: no project at the lock's directory and no workspace member to start from")
    return roots, members


def _select(walk: _Walk, data: dict[str, Any], roots: list[Key], groups: Sequence[str], extras: Sequence[str]) -> None:
    declared_extras = {canonicalize_name(e) for r in roots for e in walk.entries[r].get("optional-dependencies", {})}
    check_declared("extras", extras, declared_extras, f"an extra of {walk.shown}")
    manifest = data.get("manifest", {})
    manifest_groups: dict[str, Any] = {
        canonicalize_name(g): deps for g, deps in manifest.get("dependency-groups", {}).items()
    }
    root_groups = {
        canonicalize_name(group): (root, dependencies)
        for root in roots
        for group, dependencies in walk.entries[root].get("dev-dependencies", {}).items()
    }
    check_declared("groups", groups, {*manifest_groups, *root_groups}, f"a dependency group of {walk.shown}")
    for root in roots:
        walk.reach((root, ""), Conditions.ALWAYS)
        for extra in extras:
            walk.reach((root, extra), Conditions.ALWAYS)
    for group in groups:
        for root in roots:
            for dependency in walk.entries[root].get("dev-dependencies", {}).get(group, []):
                walk.follow(dependency, None, f"group {group} of {root[0]}")
        for requirement in manifest_groups.get(group, []):  # requirements (name, specifier), not resolved edges
            dependency = {"name": requirement["name"], "extra": requirement.get("extras", [])}
            if requirement.get("marker"):
                dependency["marker"] = requirement["marker"]
            walk.follow(dependency, None, f"group {group} of the workspace root")


def read_uv_lock(
    path: Path, shown: str, groups: Sequence[str] | None = None, extras: Sequence[str] | None = None
) -> ResolvedLock:
    """Read a ``uv.lock`` for the project's dependencies plus ``groups`` and ``extras`` (default: none).

    Raises
    ------
    InvalidParameterError
        A group or extra the project does not declare (the message lists those it has).
    SourceError
        Not a uv.lock of version 1, conflicts, or a package from a git, URL, path or directory source.
    """
    data = read_toml_lock(path, shown, "uv.lock")
    if data.get("version") != 1 or not isinstance(data.get("package"), list):
        raise SourceError(f"lock_file={shown!r} is not a uv.lock of version 1 (version={data.get('version')!r})")
    if data.get("conflicts"):
        raise SourceError(f"{shown} declares tool.uv.conflicts (conflicting extras or groups): not supported")
    groups = [canonicalize_name(g) for g in groups or ()]
    extras = [canonicalize_name(e) for e in extras or ()]
    walk = _Walk(data, shown)
    roots, members = _roots(walk, data)
    _select(walk, data, roots, groups, extras)
    walk.run()

    packages: list[LockedPackage] = []
    local: set[str] = set()
    index_urls: list[str] = []
    for (key, extra), conditions in sorted(walk.conditions.items()):
        entry, kind = walk.entries[key], _source_kind(walk.entries[key])
        if extra:
            continue
        if kind in _LOCAL and (key[0] in members or entry["source"][kind] == "."):
            local.add(key[0])
            continue
        if kind != "registry":
            raise SourceError(
                f"{shown}: {key[0]} comes from {json.dumps(entry.get('source'))}; only registry packages can be "
                "installed into a layer (git, URL, path and directory sources are not locked by hash for Lambda)"
            )
        if entry["source"]["registry"] not in index_urls:
            index_urls.append(entry["source"]["registry"])
        what = f"{key[0]} {key[1]} in {shown}"
        files = ([entry["sdist"]] if "sdist" in entry else []) + list(entry.get("wheels", []))
        hashes = {normalize_hash(f["hash"], what) for f in files if f.get("hash")}
        if not hashes:
            raise SourceError(f"{what} has no file hashes; re-lock with `uv lock`")
        marker = conditions.marker()
        version = normalize_version(entry.get("version"), what)
        packages.append(LockedPackage(key[0], version, tuple(sorted(hashes)), marker, not entry.get("wheels")))
    notes: tuple[str, ...] = ()
    if local - {key[0] for key in roots} or len(roots) > 1:
        notes = (f"{shown}: workspace members {', '.join(sorted(local))} are not installed into the layer "
                 "(their code belongs in the function's package)",)  # fmt: skip
    return ResolvedLock(
        shown,
        "uv",
        tuple(sorted(packages, key=lambda p: (p.name, p.version))),
        tuple(index_urls) or (PYPI,),
        groups=tuple(groups),
        extras=tuple(extras),
        requires_python=data.get("requires-python"),
        supported_markers=tuple(data.get("supported-markers", ())),
        notes=notes,
    )
