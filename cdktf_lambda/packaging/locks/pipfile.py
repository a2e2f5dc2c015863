"""``Pipfile.lock`` (pipenv): the union of the chosen categories (default: ``default``), each entry a hashed pin.

pipenv resolves for the interpreter and platform it runs on, and its ``markers`` are mostly the packages' own
``requires-python``: a lock made with Python 3.11 lacks what only 3.13 needs (``legacy-cgi`` for ``webob``). So when
``_meta.requires`` names a Python (``[requires] python_version`` in the Pipfile), a target of another Python is
refused (:func:`~cdktf_lambda.packaging.locks.requirements_for`); without it, nothing can be checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks.model import (
    PYPI,
    LockedPackage,
    ResolvedLock,
    check_declared,
    merge_packages,
    normalize_hash,
    normalize_marker,
    normalize_version,
)

__all__ = ["CATEGORY_ALIASES", "read_pipfile_lock"]

#: Pipfile table names accepted for the lock's section names (as ``pipenv --categories`` accepts them).
CATEGORY_ALIASES = {"packages": "default", "dev-packages": "develop"}
#: Entry keys of packages that do not come from an index by hash.
_NOT_A_REGISTRY_PIN = ("git", "path", "file", "editable", "ref", "subdirectory")


def _entry(raw_name: str, entry: object, what: str) -> LockedPackage:
    if not isinstance(entry, dict):
        raise SourceError(f"{what}: not an object")
    version = entry.get("version")
    if sorted(set(_NOT_A_REGISTRY_PIN) & set(entry)) or not isinstance(version, str) or not version.startswith("=="):
        raise SourceError(
            f"{what} is not a hashed registry pin (got {json.dumps(entry, sort_keys=True)[:200]}); allowed: "
            "entries with 'version': '==X.Y' and 'hashes' (git, path, file and editable entries cannot be built "
            "for Lambda)"
        )
    hashes = entry.get("hashes")
    if not hashes or not isinstance(hashes, list):
        raise SourceError(f"{what} has no hashes; re-lock with `pipenv lock` (it always records them)")
    return LockedPackage(
        canonicalize_name(raw_name),
        normalize_version(version[2:], what),
        tuple(sorted({normalize_hash(h, what) for h in hashes})),
        normalize_marker(entry.get("markers"), what),
    )


def read_pipfile_lock(path: Path, shown: str, categories: Sequence[str] | None = None) -> ResolvedLock:
    """Read ``categories`` (default ``("default",)``) of a ``Pipfile.lock``.

    Raises
    ------
    InvalidParameterError
        A category the lock does not have (the message lists those it has).
    SourceError
        Not a Pipfile.lock, or an entry that is not a hashed registry pin.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"lock_file={shown!r} is not a Pipfile.lock (JSON): {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("_meta"), dict):
        raise SourceError(f"lock_file={shown!r} has no '_meta' object; is it a Pipfile.lock?")
    available = sorted(key for key, value in data.items() if key != "_meta" and isinstance(value, dict))
    chosen = [CATEGORY_ALIASES.get(c, c) for c in (categories or ("default",))]
    check_declared("categories", chosen, available, f"a category of {shown}")
    packages = [
        _entry(raw_name, entry, f"Package {raw_name!r} in lock_file={shown!r} [{category}]")
        for category in dict.fromkeys(chosen)
        for raw_name, entry in sorted(data[category].items())
    ]
    meta = data["_meta"]
    sources = meta.get("sources") or [{"url": PYPI}]
    index_urls = tuple(s["url"] for s in sources if isinstance(s, dict) and isinstance(s.get("url"), str))
    requires = meta.get("requires") if isinstance(meta.get("requires"), dict) else {}
    locked_for = requires.get("python_full_version") or requires.get("python_version")
    return ResolvedLock(
        shown,
        "pipfile",
        merge_packages(packages, shown),
        index_urls or (PYPI,),
        categories=tuple(dict.fromkeys(chosen)),
        locked_for_python=str(locked_for) if locked_for else None,
    )
