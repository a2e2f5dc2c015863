"""Dependency layers: a lock's packages installed for a Lambda platform by pip, stripped and zipped reproducibly.

Plain Python, no construct tree: testable without jsii. :class:`~cdktf_lambda.code.dependency_layer.DependencyLayer`
is the construct on top of it. What happens, in order:

1. **Lock → requirements** (:mod:`.locks`): a ``Pipfile.lock``, ``uv.lock``, ``poetry.lock`` or hashed
   requirements file, with a selection (categories, groups, extras); the packages whose markers hold on the
   *target* (its Python version, Linux, the target machine), not on the machine running the build; minus
   ``exclude``.
2. **pip, for the Lambda platform, without Docker** (:mod:`.layer_install`, :mod:`.pip`): wheels only, hashes
   verified, ``--isolated``; a package with only an sdist is built into a pure-Python wheel (:mod:`.sdists`).
3. **Stripped** (:func:`strip_tree`): ``bin/`` (console scripts, whose shebang is the build machine's
   interpreter), ``__pycache__``, ``*.pyc``, the installer's own records in ``*.dist-info`` and ``tests``
   directories that hold a test suite. Then, unless turned off, **compiled** for the target by its own CPython
   (:mod:`.bytecode`: ``-d /opt/python``, unchecked-hash, reproducible).
4. **Zipped deterministically** under ``python/`` (:func:`~cdktf_lambda.packaging.zips.write_zip`): the same lock
   and target give a byte-identical zip on any machine and in any directory.
5. **Cached by content address**: the zip is named after a hash of the lock's selection, the target, what was
   excluded, the sdist recipe, the bytecode's interpreter and :data:`FORMAT_VERSION`; while that file exists no pip
   process is started and nothing is printed. A build prints one progress line (:mod:`.progress`) with the largest
   packages (:mod:`.package_sizes`); a lock's notes (e.g. workspace members left out) are warnings of the
   ``cdktf_lambda.packaging`` logger.

The zip depends only on the packages installed: the same resolved set from any lock format gives the same bytes.

Offline builds: set :data:`~cdktf_lambda.settings.WHEELHOUSE` to a directory of wheels (e.g. filled by
:func:`~cdktf_lambda.packaging.layer_install.download_wheels`) and pip installs from it alone
(``--no-index --find-links``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.errors import PackageTooLargeError, SourceError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.bytecode import LAYER_ROOT, Bytecode
from cdktf_lambda.packaging.files import list_files
from cdktf_lambda.packaging.hashing import base64_sha256
from cdktf_lambda.packaging.layer_install import install_packages
from cdktf_lambda.packaging.locks import LockFormat, ResolvedLock, exclude_packages, read_lock, requirements_for
from cdktf_lambda.packaging.package_sizes import (
    LARGEST,
    PackageSize,
    describe,
    package_sizes,
    read_sizes,
    record_owners,
    write_sizes,
)
from cdktf_lambda.packaging.pip import PipRunner
from cdktf_lambda.packaging.sdists import recipe_key
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.packaging.zips import unzipped_size, write_zip
from cdktf_lambda.progress import ProgressLine

__all__ = [
    "FORMAT_VERSION",
    "LAYER_PREFIX",
    "METADATA_KEY",
    "BuiltLayer",
    "build_layer",
    "cache_key",
    "strip_tree",
]

#: Bumped whenever the layer's content rules change (pip options, stripping, layout): old cache entries are unused.
#: 3: bytecode for the target; locks of every format (the selection, exclude and the sdist recipe in the key).
FORMAT_VERSION = "3"

log = room_logger(__name__)
#: Lambda puts ``/opt/python`` on ``sys.path``; a layer's packages live under ``python/`` in its zip.
LAYER_PREFIX = "python/"
#: A directory of wheels to build from, offline (``pip --no-index --find-links DIR``).
#: Key under a dependency layer resource's ``"//"`` (comment) object in the Terraform JSON, where
#: ``DependencyLayer`` records how it was built, so ``cdktf-lambda invoke`` can rebuild it for the local
#: interpreter (Terraform ignores ``"//"``).
METADATA_KEY = "cdktf_lambda_dependency_layer"

#: Installer bookkeeping in ``*.dist-info`` that differs between installs (or names the build machine).
INSTALLER_RECORDS: tuple[str, ...] = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
#: Never packaged, wherever they are (``--no-compile`` means there should be none).
BYTECODE_EXCLUDES: tuple[str, ...] = ("__pycache__", "*.pyc", "*.pyo")


def cache_key(
    lock: ResolvedLock, target: Target, excluded: Sequence[str] = (), bytecode: Bytecode | None = None
) -> str:
    """Hex SHA-256 naming the layer built from ``lock`` for ``target`` without ``excluded`` (with ``bytecode``):
    changes exactly when any of them, or the recipe that builds sdist-only packages, does."""
    identity = {
        "format": FORMAT_VERSION,
        "bytecode": bytecode.identity if bytecode else None,
        "lock_sha256": lock.sha256,
        "runtime": target.runtime,
        "architecture": target.architecture,
        "platforms": list(target.platforms),
        "excluded": sorted(excluded),
        "sdist_recipe": recipe_key(),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _looks_like_test_suite(directory: Path) -> bool:
    return any(
        path.name == "conftest.py" or path.name.startswith("test_") or path.name.endswith("_test.py")
        for path in directory.rglob("*.py")
    )


def strip_tree(root: Path) -> None:
    """Remove from an installed ``--target`` tree what does not belong in a layer.

    * ``bin/`` at the top (console scripts: their shebang is the build machine's interpreter path);
    * ``__pycache__``, ``*.pyc``, ``*.pyo``;
    * ``RECORD``, ``INSTALLER``, ``REQUESTED`` and ``direct_url.json`` in ``*.dist-info`` (installer bookkeeping;
      ``METADATA``, ``WHEEL``, entry points and licenses stay, so ``importlib.metadata`` keeps working);
    * directories named ``tests`` that hold a test suite (a ``test_*.py``, ``*_test.py`` or ``conftest.py``): no
      runtime code imports those. Directories named ``test`` or ``testing`` are kept (often real modules).
    """
    shutil.rmtree(root / "bin", ignore_errors=True)
    for path in sorted(root.rglob("*"), reverse=True):  # children before parents
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            if path.name == "__pycache__" or (path.name == "tests" and _looks_like_test_suite(path)):
                shutil.rmtree(path)
        elif path.suffix in (".pyc", ".pyo") or (
            path.parent.name.endswith(".dist-info") and path.name in INSTALLER_RECORDS
        ):
            path.unlink()


@dataclass(frozen=True)
class BuiltLayer:
    """A dependency layer zip written (or found in the cache) by :func:`build_layer`.

    Attributes
    ----------
    path
        The zip in the cache directory, named ``deps-<runtime>-<arch>-<key>.zip``.
    zip_hash
        base64-encoded SHA-256 of the zip (Lambda's ``CodeSha256``).
    size, unzipped_size
        Bytes of the zip, and of the files in it.
    packages
        ``name==version`` of every package in the layer.
    target
        The platform it was built for.
    lock_file, lock_sha256
        The lock, relative to the project directory, and the hash of its resolved selection.
    key
        The cache key (:func:`cache_key`).
    cached
        Whether the zip was already in the cache (no pip process was started).
    lock_format, selection
        ``"pipfile"``, ``"uv"``, ``"poetry"`` or ``"requirements"``, and the selection read from it (``categories``;
        ``groups`` and ``extras``), as ``(option, names)`` pairs.
    excluded
        The packages left out (``exclude=``) that the lock selects for the target.
    package_sizes
        Every package with the bytes its files take in the layer, largest first.
    """

    path: Path
    zip_hash: str
    size: int
    unzipped_size: int
    packages: tuple[str, ...]
    target: Target
    lock_file: str
    lock_sha256: str
    key: str
    cached: bool
    lock_format: LockFormat = "pipfile"
    selection: tuple[tuple[str, tuple[str, ...]], ...] = ()
    excluded: tuple[str, ...] = ()
    package_sizes: tuple[PackageSize, ...] = ()

    @property
    def largest_packages(self) -> tuple[PackageSize, ...]:
        """The five largest packages."""
        return self.package_sizes[:LARGEST]


def _built(
    dest: Path,
    unzipped: int,
    pins: tuple[str, ...],
    target: Target,
    lock: ResolvedLock,
    key: str,
    *,
    cached: bool,
    excluded: tuple[str, ...],
    sizes: tuple[PackageSize, ...],
) -> BuiltLayer:
    return BuiltLayer(
        dest,
        base64_sha256(dest),
        dest.stat().st_size,
        unzipped,
        pins,
        target,
        lock.path,
        lock.sha256,
        key,
        cached,
        lock_format=lock.format,
        selection=tuple((option, tuple(names)) for option, names in lock.selection.items()),
        excluded=excluded,
        package_sizes=sizes,
    )


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _check_limits(built: BuiltLayer, lock: ResolvedLock, max_zip_bytes: int, max_unzipped_bytes: int) -> None:
    where = f"The dependency layer from {lock.path} for {built.target.label}"
    if built.size > max_zip_bytes:
        raise PackageTooLargeError(
            f"{where} is {_mib(built.size)} zipped; Lambda allows at most {_mib(max_zip_bytes)} for a direct upload. "
            "Pass store_on_s3=True (with s3_bucket=) to deploy it from S3, or leave packages out with exclude= "
            "(those the runtime provides, such as boto3 and botocore)."
        )
    if built.unzipped_size > max_unzipped_bytes:
        raise PackageTooLargeError(
            f"{where} is {_mib(built.unzipped_size)} unzipped; Lambda allows at most {_mib(max_unzipped_bytes)} "
            "for a function and all its layers. Leave packages out with exclude= (those the runtime provides)."
        )


def build_layer(
    lock_file: str | os.PathLike[str],
    target: Target,
    cache_dir: str | os.PathLike[str],
    *,
    lock_format: LockFormat | None = None,
    categories: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    extras: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    check_python: bool = True,
    wheelhouse: str | os.PathLike[str] | None = None,
    max_zip_bytes: int = MAX_ZIP_BYTES,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    pip: PipRunner | None = None,
    bytecode: Bytecode | None = None,
) -> BuiltLayer:
    """Build (or reuse from ``cache_dir``) the dependency layer zip of ``lock_file`` for ``target``.

    Parameters
    ----------
    lock_file
        A ``Pipfile.lock``, ``uv.lock``, ``poetry.lock`` or hashed requirements file (``*.txt``).
    target
        Runtime and architecture to build for.
    cache_dir
        Where layer zips are kept, by content address. A hit starts no pip process and prints nothing.
    lock_format, categories, groups, extras
        The format (default: by file name) and the selection: see :func:`~cdktf_lambda.packaging.locks.read_lock`.
    exclude
        Package names left out of the layer (e.g. those the runtime provides: ``boto3``, ``botocore``).
    check_python
        Refuse a lock resolved for another Python than the target's (see
        :func:`~cdktf_lambda.packaging.locks.check_target`). Default: ``True``.
    wheelhouse
        Install from this directory of wheels only (``--no-index``). Default: :data:`~cdktf_lambda.settings.WHEELHOUSE`,
        else the lock's index. Not part of the cache key: hashes pin every file, whichever source provides it.
    max_zip_bytes, max_unzipped_bytes
        Lambda's quotas (50 MB direct upload, 250 MB unzipped).
    pip
        Starts the pip processes. Default: a :class:`~cdktf_lambda.packaging.pip.PipRunner`.
    bytecode
        Compile the installed packages for the target with these interpreters (``__pycache__`` beside each
        module, named under ``/opt/python``). Default: ``None`` (no bytecode; see
        :func:`~cdktf_lambda.packaging.bytecode.bytecode_for`).

    Raises
    ------
    InvalidParameterError
        A selection option the format does not have, a category/group/extra or an excluded name the lock does not
        have.
    SourceError
        The lock is missing, malformed, unhashed, not for the target's Python, or selects no package for it.
    DependencyBuildError
        pip failed (no wheel for the platform, hash mismatch, no network …), or sdist-only packages would compile.
    PackageTooLargeError
        The layer exceeds a Lambda quota.

    Examples
    --------
    >>> build_layer("lambda_src/Pipfile.lock", Target("python3.13", "arm64"), ".cdktf-lambda-cache")  # doctest: +SKIP
    BuiltLayer(path=PosixPath('.cdktf-lambda-cache/deps-python3.13-arm64-….zip'), …)
    """
    lock = read_lock(lock_file, lock_format=lock_format, categories=categories, groups=groups, extras=extras)
    packages, excluded = exclude_packages(lock, requirements_for(lock, target, check_python=check_python), exclude)
    if not packages:
        raise SourceError(f"Nothing to install: no package of {lock.path!r} applies to {target.label}")
    key = cache_key(lock, target, excluded, bytecode)
    cache = Path(cache_dir)
    dest = cache / f"deps-{target.runtime}-{target.architecture}-{key[:24]}.zip"
    pins = tuple(package.pin for package in packages)

    built: BuiltLayer | None = None
    sizes = read_sizes(dest) if dest.is_file() else None
    if sizes is not None:
        try:
            unzipped = unzipped_size(dest)
            built = _built(dest, unzipped, pins, target, lock, key, cached=True, sizes=sizes, excluded=excluded)
        except zipfile.BadZipFile:
            dest.unlink(missing_ok=True)
    if built is None:
        if wheelhouse is None:
            wheelhouse = settings.WHEELHOUSE.get()
        for note in lock.notes:
            log.warning("%s", note)
        left_out = f"; excluded {', '.join(excluded)}" if excluded else ""
        what = f"building dependency layer for {target.label} from {lock.path} ({len(packages)} packages{left_out})"
        step = ProgressLine(what)
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".deps-build-", dir=cache))
        try:
            site = work / "python"
            from_sdists = install_packages(
                packages,
                lock,
                target,
                site,
                work,
                cache_dir=cache,
                wheelhouse=Path(wheelhouse) if wheelhouse else None,
                pip=pip,
            )
            owners = record_owners(site)
            strip_tree(site)
            if bytecode is not None:
                bytecode.compile_tree(site, LAYER_ROOT)
            files = list_files(site, prefix=LAYER_PREFIX, excludes=BYTECODE_EXCLUDES if bytecode is None else ())
            sized = [(f.arcname.removeprefix(LAYER_PREFIX), f.path.stat().st_size) for f in files]
            sizes = package_sizes(sized, owners)
            write_sizes(dest, sizes)
            write_zip(files, dest)
            unzipped = sum(size for _, size in sized)
        except BaseException:
            step.failed()
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        built = _built(dest, unzipped, pins, target, lock, key, cached=False, sizes=sizes, excluded=excluded)
        built_from = f"; built from sdists: {', '.join(from_sdists)}" if from_sdists else ""
        step.done(
            f"{_mib(built.unzipped_size)} unzipped, {_mib(built.size)} zip{built_from}; "
            f"largest: {describe(built.package_sizes)}"
        )
    _check_limits(built, lock, max_zip_bytes, max_unzipped_bytes)
    return built
