"""From a resolved lock to what is installed for one target: the lock checked against the target's Python, the
markers evaluated for the target (not for the machine running the build), exactly one version per package."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.packaging.locks.model import LockedPackage, ResolvedLock
from cdktf_lambda.packaging.target import Target

__all__ = ["check_target", "exclude_packages", "normalize_exclude", "requirements_for"]

#: A distribution name (PEP 508).
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)

#: How to lock again for another Python, per format of an environment-specific lock.
_RELOCK_FOR_PYTHON = {
    "pipfile": 'set [requires] python_version = "{version}" in the Pipfile and run `pipenv lock` with Python {version}',
    "requirements": "run pip-compile with Python {version} (`python{version} -m piptools compile "
    "--generate-hashes …`), or export a universal file (`uv export`, `poetry export`)",
}


def check_target(lock: ResolvedLock, target: Target) -> None:
    """Refuse a lock that was not resolved for ``target``'s Python (or environment).

    * universal locks (uv, poetry): the target's Python must satisfy ``requires-python`` (uv simplifies its markers
      under it) and, for uv, one of ``supported-markers``;
    * environment-specific locks (Pipfile.lock, pip-compile): they were resolved with one interpreter; on another
      Python other packages may be needed (``legacy-cgi`` on 3.13 for ``webob``), so a different minor version is
      refused when the file says which one it was.

    Raises
    ------
    SourceError
        With the command that locks for the target.
    """
    version = target.python_version
    environment = target.marker_environment()
    if lock.requires_python:
        try:
            allowed = SpecifierSet(lock.requires_python)
        except InvalidSpecifier:
            allowed = None  # Poetry's own syntax (``^3.11``): checked by Poetry when it locked
        if allowed is not None and not allowed.contains(environment["python_full_version"], prereleases=True):
            raise SourceError(
                f"{lock.path} was locked for requires-python {lock.requires_python!r}; the target "
                f"{target.label} is outside it. Widen requires-python and lock again"
            )
    if lock.locked_for_python:
        locked = ".".join(lock.locked_for_python.split(".")[:2])
        if locked != version:
            how = _RELOCK_FOR_PYTHON.get(lock.format, "lock it again with Python {version}").format(version=version)
            raise SourceError(
                f"{lock.path} was resolved with Python {lock.locked_for_python}, not the target's {version}: "
                f"packages needed only on {version} may be missing from it. Fix: {how}"
            )
    if lock.supported_markers and not any(Marker(m).evaluate(environment) for m in lock.supported_markers):
        raise SourceError(
            f"{lock.path} is restricted to the environments {list(lock.supported_markers)} (tool.uv.environments); "
            f"{target.label} is not one of them"
        )


def requirements_for(lock: ResolvedLock, target: Target, *, check_python: bool = True) -> tuple[LockedPackage, ...]:
    """The lock's packages whose markers hold on ``target``, one per name, sorted.

    Parameters
    ----------
    check_python
        Refuse a lock resolved for another Python (:func:`check_target`). ``cdktf-lambda invoke`` turns it off to
        rebuild a layer for the local interpreter, which it reports as an approximation.

    Raises
    ------
    SourceError
        The lock does not fit the target, a marker cannot be parsed, or two versions of one package apply.
    """
    if check_python:
        check_target(lock, target)
    environment = {**target.marker_environment(), "extra": ""}
    chosen: dict[str, LockedPackage] = {}
    for package in lock.packages:
        if package.marker:
            try:
                if not Marker(package.marker).evaluate(environment):
                    continue
            except InvalidMarker as exc:
                raise SourceError(f"Package {package.name!r} in {lock.path!r} has an invalid marker: {exc}") from None
        other = chosen.get(package.name)
        if other is not None and other.version != package.version:
            raise SourceError(
                f"{lock.path}: both {package.name} {other.version} and {package.version} apply to {target.label} "
                f"(markers {other.marker!r} and {package.marker!r})"
            )
        chosen[package.name] = package
    return tuple(chosen[name] for name in sorted(chosen))


def normalize_exclude(exclude: Iterable[str] | None) -> tuple[str, ...]:
    """``exclude=`` as sorted, normalized (PEP 503) names.

    Raises
    ------
    InvalidParameterError
        Not a list of package names.
    """
    if exclude is None:
        return ()
    allowed = "a list of package names, e.g. ['boto3', 'botocore']"
    if isinstance(exclude, str | bytes) or not isinstance(exclude, Iterable):
        raise InvalidParameterError("exclude", exclude, allowed)
    names = list(exclude)
    for name in names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise InvalidParameterError("exclude", name, allowed)
    return tuple(sorted({canonicalize_name(name) for name in names}))


def exclude_packages(
    lock: ResolvedLock, packages: Sequence[LockedPackage], exclude: Iterable[str] | None
) -> tuple[tuple[LockedPackage, ...], tuple[str, ...]]:
    """``packages`` without the ``exclude``d ones, and the names that were dropped.

    A name the lock does not have at all is an error (a typo would otherwise leave the package in the layer); one the
    lock has only for other targets drops nothing.

    Raises
    ------
    InvalidParameterError
        A name that is not a package of the lock (the message suggests the closest ones).
    """
    names = normalize_exclude(exclude)
    for name in names:
        if name not in lock.names:
            close = difflib.get_close_matches(name, sorted(lock.names), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise InvalidParameterError("exclude", name, f"names of packages in {lock.path}{hint}")
    kept = tuple(package for package in packages if package.name not in names)
    return kept, tuple(sorted({package.name for package in packages} & set(names)))
