"""Dependency layers: a ``Pipfile.lock``'s default section installed for a Lambda platform and zipped.

Plain Python, no construct tree: testable without jsii. :class:`~cdktf_lambda.dependency_layer.DependencyLayer`
is the construct on top of it. What happens, in order:

1. **Lock → requirements.** Only the lock's ``default`` section is read (``develop`` never goes into a layer). Each
   entry must be a hashed registry pin (``"version": "==1.2.3"`` plus ``"hashes"``); its ``markers`` are evaluated
   for the *target* (its Python version, Linux, the target machine), not for the machine running the build.
2. **pip, for the Lambda platform, without Docker.** ``python -m pip install --target <tmp>/python`` with
   ``--platform`` for every manylinux tag the runtime's glibc runs (``manylinux_2_34_<arch>`` … ``manylinux_2_28``
   … ``manylinux2014_<arch>``; see :attr:`Target.platforms`), ``--python-version``, ``--implementation cp``,
   ``--only-binary=:all:`` (wheels only: nothing is compiled), ``--no-deps`` (the lock is complete),
   ``--require-hashes`` (every file is checked against the lock) and ``--no-compile`` (no bytecode).
   pip runs with ``--isolated``: pip configuration files and ``PIP_*`` environment variables (a machine-wide
   ``find-links``, extra index or constraints file) cannot change what is installed; the index is the lock's own
   source. Hashes pin every file anyway, so an index or wheel directory can only supply the locked bytes.
3. **Stripped.** ``bin/`` (console scripts, whose shebang is the build machine's interpreter), ``__pycache__``,
   ``*.pyc``, the installer's own records in ``*.dist-info`` (``RECORD``, ``INSTALLER``, ``REQUESTED``,
   ``direct_url.json``) and ``tests`` directories that hold a test suite (see :func:`strip_tree`).
4. **Zipped deterministically** under ``python/`` with :func:`cdktf_lambda.bundling.write_zip` (sorted entries,
   1980 timestamps, normalized modes): the same lock section and target give a byte-identical zip on any machine
   and in any directory.
5. **Cached by content address.** The zip is named after a hash of the lock's ``default`` section, the target and
   :data:`FORMAT_VERSION`, under the cache directory; while that file exists no pip process is started and
   nothing is printed. A build prints one progress line to stderr.

Offline builds: set ``CDKTF_LAMBDA_WHEELHOUSE`` to a directory of wheels (e.g. filled by
:func:`download_wheels`) and pip installs from it alone (``--no-index --find-links``).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .bundling import base64_sha256, list_files, write_zip
from .errors import DependencyBuildError, InvalidParameterError, PackageTooLargeError, SourceError
from .limits import ARCHITECTURES, MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES, RUNTIMES, validate_architecture, validate_runtime
from .paths import project_root

try:  # ``packaging`` is installed beside pip in every virtualenv this runs in; pip vendors it too.
    from packaging.markers import InvalidMarker, Marker
except ImportError:  # pragma: no cover - only without the standalone distribution
    from pip._vendor.packaging.markers import InvalidMarker, Marker  # type: ignore[no-redef]

__all__ = [
    "FORMAT_VERSION",
    "LAYER_PREFIX",
    "METADATA_KEY",
    "WHEELHOUSE_ENV",
    "BuiltLayer",
    "DependencyBuildError",
    "LockSection",
    "LockedPackage",
    "Target",
    "build_layer",
    "cache_key",
    "download_wheels",
    "local_target",
    "pip_install_command",
    "read_lock",
    "requirements_for",
    "requirements_text",
    "strip_tree",
]

#: Bumped whenever the layer's content rules change (pip options, stripping, layout): old cache entries are unused.
FORMAT_VERSION = "1"
#: Lambda puts ``/opt/python`` on ``sys.path``; a layer's packages live under ``python/`` in its zip.
LAYER_PREFIX = "python/"
#: A directory of wheels to build from, offline (``pip --no-index --find-links DIR``).
WHEELHOUSE_ENV = "CDKTF_LAMBDA_WHEELHOUSE"
#: Key under a dependency layer resource's ``"//"`` (comment) object in the Terraform JSON, where
#: ``DependencyLayer`` records how it was built, so ``python -m cdktf_lambda invoke`` can rebuild it for the local
#: interpreter (Terraform ignores ``"//"``).
METADATA_KEY = "cdktf_lambda_dependency_layer"

#: Installer bookkeeping in ``*.dist-info`` that differs between installs (or names the build machine).
INSTALLER_RECORDS: tuple[str, ...] = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
#: Never packaged, wherever they are (``--no-compile`` means there should be none).
BYTECODE_EXCLUDES: tuple[str, ...] = ("__pycache__", "*.pyc", "*.pyo")

#: glibc of the Amazon Linux each runtime runs on: python3.10/3.11 on Amazon Linux 2 (2.26), python3.12+ on Amazon
#: Linux 2023 (2.34). A ``manylinux_2_X`` wheel runs where glibc >= 2.X.
_GLIBC_MINOR: dict[str, int] = {"python3.10": 26, "python3.11": 26}
_GLIBC_MINOR_DEFAULT = 34
#: The oldest manylinux (PEP 600) tag enumerated, ``manylinux2014``'s glibc.
_OLDEST_GLIBC_MINOR = 17
#: Lambda's architecture names → the machine names of wheel tags and ``platform_machine``.
_MACHINE: dict[str, str] = {"x86_64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class Target:
    """The Lambda platform a layer is built for.

    Parameters
    ----------
    runtime
        A Lambda Python runtime, e.g. ``"python3.13"``.
    architecture
        ``"x86_64"`` or ``"arm64"``.
    """

    runtime: str = "python3.13"
    architecture: str = "x86_64"

    def __post_init__(self) -> None:
        validate_runtime(self.runtime)
        validate_architecture(self.architecture)

    @property
    def python_version(self) -> str:
        """``"3.13"`` for ``python3.13``."""
        return self.runtime.removeprefix("python")

    @property
    def machine(self) -> str:
        """The machine name in wheel tags: ``x86_64`` or ``aarch64``."""
        return _MACHINE[self.architecture]

    @property
    def platforms(self) -> tuple[str, ...]:
        """pip ``--platform`` values, most preferred first, as pip on the Lambda runtime itself would rank them.

        pip does not widen a ``manylinux_2_X`` platform to older glibc versions, so every one the runtime's glibc
        runs is listed: ``manylinux_2_34`` (or ``_2_26``) down to ``manylinux_2_17``, then the legacy names
        ``manylinux2014`` (= 2.17; pip adds ``manylinux2010`` and ``manylinux1`` for x86_64).
        """
        newest = _GLIBC_MINOR.get(self.runtime, _GLIBC_MINOR_DEFAULT)
        pep600 = [f"manylinux_2_{minor}_{self.machine}" for minor in range(newest, _OLDEST_GLIBC_MINOR - 1, -1)]
        return (*pep600, f"manylinux2014_{self.machine}")

    @property
    def label(self) -> str:
        return f"{self.runtime}/{self.architecture}"

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker variables of the Lambda runtime (CPython on Linux)."""
        full_version = f"{self.python_version}.0"
        return {
            "implementation_name": "cpython",
            "implementation_version": full_version,
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full_version,
            "python_version": self.python_version,
            "sys_platform": "linux",
        }


def local_target() -> Target:
    """The target matching this interpreter and machine (for running layers locally).

    Raises
    ------
    InvalidParameterError
        This interpreter's version or machine is not one Lambda offers.
    """
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    machine = platform.machine().lower()
    architecture = {"amd64": "x86_64", "x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    if runtime not in RUNTIMES:
        raise InvalidParameterError("local Python", runtime, "a Lambda runtime: " + ", ".join(RUNTIMES))
    if architecture not in ARCHITECTURES:
        raise InvalidParameterError("local machine", machine, "x86_64 or arm64")
    return Target(runtime, architecture)


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


def _project_relative(path: Path) -> str:
    """``path`` relative to the project directory, POSIX separators: never an absolute path of the build machine."""
    try:
        return Path(os.path.relpath(path.resolve(), project_root().resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def read_lock(lock_file: str | os.PathLike[str]) -> LockSection:
    """Read the ``default`` section of a ``Pipfile.lock``.

    Raises
    ------
    SourceError
        The file is missing or not a ``Pipfile.lock``, or an entry is not a hashed registry pin (``git``, ``path``,
        ``file`` and editable entries cannot be installed for another platform).
    """
    path = Path(lock_file)
    shown = _project_relative(path)
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


def cache_key(lock: LockSection, target: Target) -> str:
    """Hex SHA-256 naming the layer built from ``lock`` for ``target``: changes exactly when either does."""
    identity = {
        "format": FORMAT_VERSION,
        "lock_default_sha256": lock.sha256,
        "runtime": target.runtime,
        "architecture": target.architecture,
        "platforms": list(target.platforms),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _pip_source_options(index_urls: Sequence[str], wheelhouse: Path | None) -> list[str]:
    if wheelhouse is not None:
        return ["--no-index", "--find-links", str(wheelhouse)]
    urls = list(index_urls) or ["https://pypi.org/simple"]
    return ["--index-url", urls[0], *(option for url in urls[1:] for option in ("--extra-index-url", url))]


def _pip_target_options(target: Target) -> list[str]:
    platforms = [option for tag in target.platforms for option in ("--platform", tag)]
    return [
        *platforms,
        "--python-version",
        target.python_version,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--no-deps",
        "--require-hashes",
    ]


_PIP_COMMON = ["--isolated", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--quiet"]


def pip_install_command(
    target: Target,
    dest: Path,
    requirements_file: Path,
    *,
    index_urls: Sequence[str] = (),
    wheelhouse: Path | None = None,
) -> list[str]:
    """The pip command installing ``requirements_file`` for ``target`` into ``dest`` (see the module docstring)."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        *_PIP_COMMON,
        "--target",
        str(dest),
        *_pip_target_options(target),
        "--no-compile",
        *_pip_source_options(index_urls, wheelhouse),
        "--requirement",
        str(requirements_file),
    ]


def _run_pip(command: list[str], what: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        raise DependencyBuildError(
            f"pip could not {what} (exit {result.returncode}). Every package needs a wheel for the target platform "
            "(--only-binary=:all:, nothing is compiled). pip said:\n" + "\n".join(output[-25:])
        )


def download_wheels(
    lock_file: str | os.PathLike[str],
    target: Target,
    dest: str | os.PathLike[str],
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
) -> tuple[LockedPackage, ...]:
    """Download the locked wheels for ``target`` into ``dest`` (hashes verified), e.g. to build offline later.

    Returns the packages selected for ``target``.
    """
    lock = read_lock(lock_file)
    packages = requirements_for(lock, target)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cdktf-lambda-req-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(requirements_text(packages))
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            *_PIP_COMMON,
            "--dest",
            str(dest),
            *_pip_target_options(target),
            *_pip_source_options(lock.index_urls, Path(wheelhouse) if wheelhouse else None),
            "--requirement",
            str(requirements),
        ]
        _run_pip(command, f"download the wheels of {lock.path} for {target.label}")
    return packages


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
        The lock, relative to the project directory, and the hash of its ``default`` section.
    key
        The cache key (:func:`cache_key`).
    cached
        Whether the zip was already in the cache (no pip process was started).
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


def _unzipped_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist() if not info.is_dir())


def _built(
    dest: Path, unzipped: int, pins: tuple[str, ...], target: Target, lock: LockSection, key: str, *, cached: bool
) -> BuiltLayer:
    size = dest.stat().st_size
    return BuiltLayer(dest, base64_sha256(dest), size, unzipped, pins, target, lock.path, lock.sha256, key, cached)


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _check_limits(built: BuiltLayer, lock: LockSection, max_zip_bytes: int, max_unzipped_bytes: int) -> None:
    where = f"The dependency layer from {lock.path} for {built.target.label}"
    if built.size > max_zip_bytes:
        raise PackageTooLargeError(
            f"{where} is {_mib(built.size)} zipped; Lambda allows at most {_mib(max_zip_bytes)} for a direct upload. "
            "Remove packages from the lock's default section."
        )
    if built.unzipped_size > max_unzipped_bytes:
        raise PackageTooLargeError(
            f"{where} is {_mib(built.unzipped_size)} unzipped; Lambda allows at most {_mib(max_unzipped_bytes)} "
            "for a function and all its layers. Remove packages from the lock's default section."
        )


def build_layer(
    lock_file: str | os.PathLike[str],
    target: Target,
    cache_dir: str | os.PathLike[str],
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
    max_zip_bytes: int = MAX_ZIP_BYTES,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    log: IO[str] | None = None,
) -> BuiltLayer:
    """Build (or reuse from ``cache_dir``) the dependency layer zip of ``lock_file`` for ``target``.

    Parameters
    ----------
    lock_file
        A ``Pipfile.lock``; only its ``default`` section is installed.
    target
        Runtime and architecture to build for.
    cache_dir
        Where layer zips are kept, by content address. A hit starts no pip process and prints nothing.
    wheelhouse
        Install from this directory of wheels only (``--no-index``). Default: ``$CDKTF_LAMBDA_WHEELHOUSE``, else the
        lock's index. Not part of the cache key: hashes pin every file, whichever source provides it.
    max_zip_bytes, max_unzipped_bytes
        Lambda's quotas (50 MB direct upload, 250 MB unzipped).
    log
        Where the progress line goes. Default: ``sys.stderr``.

    Raises
    ------
    SourceError
        The lock is missing, malformed, or selects no package for the target.
    DependencyBuildError
        pip failed (no wheel for the platform, hash mismatch, no network …).
    PackageTooLargeError
        The layer exceeds a Lambda quota.

    Examples
    --------
    >>> build_layer("lambda_src/Pipfile.lock", Target("python3.13", "arm64"), ".cdktf-lambda-cache")  # doctest: +SKIP
    BuiltLayer(path=PosixPath('.cdktf-lambda-cache/deps-python3.13-arm64-….zip'), …)
    """
    lock = read_lock(lock_file)
    packages = requirements_for(lock, target)
    if not packages:
        raise SourceError(f"Nothing to install: no package of {lock.path!r} applies to {target.label}")
    key = cache_key(lock, target)
    cache = Path(cache_dir)
    dest = cache / f"deps-{target.runtime}-{target.architecture}-{key[:24]}.zip"
    pins = tuple(package.pin for package in packages)

    built: BuiltLayer | None = None
    if dest.is_file():
        try:
            built = _built(dest, _unzipped_size(dest), pins, target, lock, key, cached=True)
        except zipfile.BadZipFile:
            dest.unlink(missing_ok=True)
    if built is None:
        if wheelhouse is None and os.environ.get(WHEELHOUSE_ENV):
            wheelhouse = os.environ[WHEELHOUSE_ENV]
        log = log or sys.stderr
        progress = (
            f"cdktf-lambda: building dependency layer for {target.label} from {lock.path} "
            f"({len(packages)} packages)... "
        )
        # On a terminal the line is written in two parts (a build takes seconds); to a pipe (``cdktf synth`` logs
        # each chunk of the app's stderr as a line of its own, CI logs) it is written once, complete.
        interactive = log.isatty()
        if interactive:
            log.write(progress)
            log.flush()
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".deps-build-", dir=cache))
        try:
            site = work / "python"
            requirements = work / "requirements.txt"
            requirements.write_text(requirements_text(packages))
            command = pip_install_command(
                target,
                site,
                requirements,
                index_urls=lock.index_urls,
                wheelhouse=Path(wheelhouse) if wheelhouse else None,
            )
            _run_pip(command, f"install {lock.path} for {target.label}")
            strip_tree(site)
            files = list_files(site, prefix=LAYER_PREFIX, excludes=BYTECODE_EXCLUDES)
            write_zip(files, dest)
            unzipped = sum(f.path.stat().st_size for f in files)
        except BaseException:
            log.write(("" if interactive else progress) + "failed\n")
            log.flush()
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        built = _built(dest, unzipped, pins, target, lock, key, cached=False)
        done = f"done: {_mib(built.unzipped_size)} unzipped, {_mib(built.size)} zip\n"
        log.write(done if interactive else progress + done)
        log.flush()
    _check_limits(built, lock, max_zip_bytes, max_unzipped_bytes)
    return built
