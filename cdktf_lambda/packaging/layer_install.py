"""Installing a lock's packages for a Lambda target into a layer's tree, sdist-only packages included.

The common case is one pip run (wheels only, hashes verified). Packages that have no wheel for the target are built
from their sdists into pure-Python wheels (:mod:`.sdists`) and installed in that same run, each by its own path and
hash. uv.lock and poetry.lock say which packages have no wheel at all; for the others (and for Pipfile.lock and
requirements files, which only list hashes) pip's "no matching distribution" is the sign: then every remaining
package is downloaded once (wheels for the target, else the sdist), every sdist found is built, and the install runs
offline from those downloads. Every package that cannot be built is named in one error.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import InvalidSdistFilename, parse_sdist_filename

from cdktf_lambda.errors import DependencyBuildError
from cdktf_lambda.packaging.locks import (
    LockedPackage,
    LockFormat,
    ResolvedLock,
    read_lock,
    requirements_for,
    requirements_text,
)
from cdktf_lambda.packaging.pip import PipRunner, pip_command, pip_download_command, pip_install_command, source_options
from cdktf_lambda.packaging.sdists import (
    BUILD_CONSTRAINTS,
    BUILD_ENVIRONMENT,
    SdistWheel,
    build_sdist_wheels,
    refusal_message,
)
from cdktf_lambda.packaging.target import Target

__all__ = ["download_wheels", "install_packages"]

#: What pip says when a requirement has no file it may install.
_NO_DISTRIBUTION = ("No matching distribution found", "(from versions: none)")
_MISSING = re.compile(r"No matching distribution found for (\S+)")


def _no_wheel(error: DependencyBuildError) -> bool:
    return any(sign in (error.output or str(error)) for sign in _NO_DISTRIBUTION)


def _install(
    packages: Sequence[LockedPackage],
    wheels: Sequence[SdistWheel],
    lock: ResolvedLock,
    target: Target,
    site: Path,
    work: Path,
    *,
    wheelhouse: Path | None,
    pip: PipRunner,
) -> None:
    requirements = work / "requirements.txt"
    requirements.write_text(requirements_text(packages) + "".join(f"{w.requirement_line()}\n" for w in wheels))
    command = pip_install_command(target, site, requirements, index_urls=lock.index_urls, wheelhouse=wheelhouse)
    pip.run(command, f"install {lock.path} for {target.label}")


def _sdists_in(directory: Path) -> dict[str, str]:
    """``{normalized name: "sha256:<hex>"}`` of the sdists pip downloaded into ``directory``."""
    found: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix == ".whl":
            continue
        try:
            name, _version = parse_sdist_filename(path.name)
        except InvalidSdistFilename:
            continue
        found[name] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _download(
    packages: Sequence[LockedPackage],
    lock: ResolvedLock,
    target: Target,
    dest: Path,
    *,
    wheelhouse: Path | None,
    pip: PipRunner,
) -> dict[str, str]:
    """Download each package's wheel for ``target``, else its sdist, into ``dest``; the sdists' hashes by name."""
    dest.mkdir(parents=True, exist_ok=True)
    requirements = dest.parent / "download-requirements.txt"
    requirements.write_text(requirements_text(packages))
    command = pip_download_command(
        target,
        dest,
        requirements,
        build_constraints=BUILD_CONSTRAINTS,
        index_urls=lock.index_urls,
        wheelhouse=wheelhouse,
    )
    try:
        pip.run(command, f"download {lock.path} for {target.label}", environment=BUILD_ENVIRONMENT)
    except DependencyBuildError as error:
        if not _no_wheel(error):
            raise
        missing = _MISSING.findall(error.output) or ["A package"]
        raise DependencyBuildError(
            f"{missing[0]} of {lock.path} has neither a wheel for {target.label} nor an sdist: every package needs "
            f"one of them (a wheel is installed as it is; an sdist is built into a pure-Python wheel).\n{error}",
            output=error.output,
        ) from None
    return _sdists_in(dest)


def install_packages(
    packages: Sequence[LockedPackage],
    lock: ResolvedLock,
    target: Target,
    site: Path,
    work: Path,
    *,
    cache_dir: Path,
    wheelhouse: Path | None = None,
    pip: PipRunner | None = None,
) -> tuple[str, ...]:
    """Install ``packages`` (selected from ``lock`` for ``target``) into ``site``; the names built from sdists.

    ``work`` is a scratch directory; built wheels are cached under ``cache_dir``.

    Raises
    ------
    DependencyBuildError
        pip failed, or some packages have no wheel for the target and an sdist that does not build into a pure
        wheel (all of them named in one error).
    """
    runner = pip or PipRunner()
    known = [package for package in packages if package.sdist_only]
    wheels, refused = build_sdist_wheels(
        [(p, p.hashes) for p in known], target, cache_dir, index_urls=lock.index_urls, wheelhouse=wheelhouse, pip=runner
    )
    rest = [package for package in packages if not package.sdist_only]
    if not refused:
        try:
            _install(rest, wheels, lock, target, site, work, wheelhouse=wheelhouse, pip=runner)
            return tuple(sorted(w.name for w in wheels))
        except DependencyBuildError as error:
            if not _no_wheel(error):
                raise
    downloads = work / "downloads"
    sdists = _download(rest, lock, target, downloads, wheelhouse=wheelhouse, pip=runner) if rest else {}
    to_build = [(package, [sdists[package.name]]) for package in rest if package.name in sdists]
    more, more_refused = build_sdist_wheels(
        to_build, target, cache_dir, index_urls=lock.index_urls, wheelhouse=wheelhouse, pip=runner
    )
    refused = (*refused, *more_refused)
    if refused:
        raise DependencyBuildError(refusal_message(sorted(refused, key=lambda r: r[0].name), lock.path, target))
    wheels = (*wheels, *more)
    remaining = [package for package in rest if package.name not in sdists]
    _install(remaining, wheels, lock, target, site, work, wheelhouse=downloads, pip=runner)
    return tuple(sorted(w.name for w in wheels))


def download_wheels(
    lock_file: str | os.PathLike[str],
    target: Target,
    dest: str | os.PathLike[str],
    *,
    lock_format: LockFormat | None = None,
    categories: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    extras: Sequence[str] | None = None,
    wheelhouse: str | os.PathLike[str] | None = None,
    pip: PipRunner | None = None,
) -> tuple[LockedPackage, ...]:
    """Download what building the layer of ``lock_file`` for ``target`` needs into ``dest`` (hashes verified), to
    build offline later (:data:`~cdktf_lambda.settings.WHEELHOUSE`): the wheels, the sdists of packages without one, and
    then the pinned build backends. Returns the packages selected for ``target``.
    """
    lock = read_lock(lock_file, lock_format=lock_format, categories=categories, groups=groups, extras=extras)
    packages = requirements_for(lock, target)
    runner = pip or PipRunner()
    source = Path(wheelhouse) if wheelhouse else None
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="cdktf-lambda-download-") as tmp:
        _download(packages, lock, target, Path(tmp) / "files", wheelhouse=source, pip=runner)
        dest.mkdir(parents=True, exist_ok=True)
        for path in sorted((Path(tmp) / "files").iterdir()):
            shutil.move(path, dest / path.name)
    if _sdists_in(dest):
        command = pip_command(
            "download",
            *("--no-deps", "--require-hashes", "--only-binary=:all:", "--dest", str(dest)),
            *source_options(lock.index_urls, source),
            *("--requirement", str(BUILD_CONSTRAINTS)),
        )
        runner.run(command, "download the pinned build backends")
    return packages
