"""Lock files: the pinned, hashed packages a dependency layer installs, from any of four formats.

* ``pipfile`` — ``Pipfile.lock``: the chosen ``categories`` (default ``default``), :mod:`.pipfile`;
* ``uv`` — ``uv.lock``: the project's dependencies plus ``groups`` and ``extras``, workspaces, :mod:`.uv`;
* ``poetry`` — ``poetry.lock``: the ``main`` group plus ``groups`` and ``extras``, :mod:`.poetry`;
* ``requirements`` — a hashed ``*.txt``: what it lists, :mod:`.requirements`.

:func:`read_lock` gives a :class:`ResolvedLock` (universal markers, not evaluated yet); :func:`requirements_for`
evaluates them for a :class:`~cdktf_lambda.packaging.target.Target`; :func:`requirements_text` writes the pip
requirements file. Every reader refuses what cannot be built for Lambda from an index by hash.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.packaging.locks.model import LOCK_FORMATS, LockedPackage, LockFormat, ResolvedLock
from cdktf_lambda.packaging.locks.pipfile import read_pipfile_lock
from cdktf_lambda.packaging.locks.poetry import read_poetry_lock
from cdktf_lambda.packaging.locks.requirements import HASHED_REQUIREMENTS_HELP, read_requirements
from cdktf_lambda.packaging.locks.select import check_target, exclude_packages, normalize_exclude, requirements_for
from cdktf_lambda.packaging.locks.uv import read_uv_lock
from cdktf_lambda.paths import project_relative

__all__ = [
    "HASHED_REQUIREMENTS_HELP",
    "LOCK_FORMATS",
    "LockFormat",
    "LockedPackage",
    "ResolvedLock",
    "check_target",
    "exclude_packages",
    "format_of",
    "normalize_exclude",
    "read_lock",
    "requirements_for",
    "requirements_text",
    "selection_options",
]

#: The selection options each format has.
_OPTIONS: dict[str, tuple[str, ...]] = {
    "pipfile": ("categories",),
    "uv": ("groups", "extras"),
    "poetry": ("groups", "extras"),
    "requirements": (),
}
#: How to write each format.
_CREATE = {
    "pipfile": "pipenv lock",
    "uv": "uv lock",
    "poetry": "poetry lock",
    "requirements": "pip-compile --generate-hashes (or uv export / poetry export)",
}


def format_of(path: str | os.PathLike[str], lock_format: str | None = None) -> LockFormat:
    """The format of ``path``: ``lock_format`` when given, else by file name (``Pipfile.lock``, ``uv.lock``,
    ``poetry.lock``, ``*.txt``).

    Raises
    ------
    InvalidParameterError
        An unknown ``lock_format``, or a file name that tells none.
    """
    if lock_format is not None:
        if lock_format not in LOCK_FORMATS:
            raise InvalidParameterError("lock_format", lock_format, "one of " + ", ".join(map(repr, LOCK_FORMATS)))
        return lock_format
    name = Path(path).name
    by_name: dict[str, LockFormat] = {"Pipfile.lock": "pipfile", "uv.lock": "uv", "poetry.lock": "poetry"}
    if name in by_name:
        return by_name[name]
    if name.endswith(".txt"):
        return "requirements"
    raise InvalidParameterError(
        "lock_format",
        None,
        f"one of {', '.join(map(repr, LOCK_FORMATS))} for {name!r} (only Pipfile.lock, uv.lock, poetry.lock and "
        "*.txt are recognized by name)",
    )


def selection_options(
    lock_format: LockFormat,
    *,
    categories: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    extras: Sequence[str] | None = None,
) -> None:
    """Refuse a selection option the format does not have, or one that is not a list of names."""
    given = {"categories": categories, "groups": groups, "extras": extras}
    for option, value in given.items():
        if value is None:
            continue
        if isinstance(value, str) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidParameterError(option, value, 'a list of names, e.g. ["dev"]')
        if option not in _OPTIONS[lock_format] and value:
            formats = [f for f, options in _OPTIONS.items() if option in options]
            allowed = f"only with lock_format {' or '.join(map(repr, formats))} (this lock is {lock_format!r})"
            raise InvalidParameterError(option, list(value), allowed)


def read_lock(
    lock_file: str | os.PathLike[str],
    *,
    lock_format: LockFormat | None = None,
    categories: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    extras: Sequence[str] | None = None,
) -> ResolvedLock:
    """Read ``lock_file`` with a selection (see the module docstring for what each format takes).

    Raises
    ------
    InvalidParameterError
        An unknown format, an option the format does not have, or a category/group/extra the lock does not have.
    SourceError
        The file is missing or malformed, has no hashes, or holds a package that cannot be installed from an index
        by hash (git, URL, path and editable sources; unpinned lines; md5 hashes).
    """
    path = Path(lock_file)
    shown = project_relative(path)
    kind = format_of(path, lock_format)
    selection_options(kind, categories=categories, groups=groups, extras=extras)
    if not path.is_file():
        raise SourceError(f"Lock file not found: lock_file={shown!r}; create it with `{_CREATE[kind]}`")
    if kind == "pipfile":
        return read_pipfile_lock(path, shown, categories)
    if kind == "uv":
        return read_uv_lock(path, shown, groups, extras)
    if kind == "poetry":
        return read_poetry_lock(path, shown, groups, extras)
    return read_requirements(path, shown)


def requirements_text(packages: Sequence[LockedPackage]) -> str:
    """A pip requirements file: one ``name==version --hash=...`` line per package (markers already applied)."""
    return "".join(f"{package.requirement_line()}\n" for package in packages)
