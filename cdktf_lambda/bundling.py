"""Packaging helpers: list a source tree, hash it, write a deterministic zip, find a handler.

Plain Python, no construct tree: testable without jsii. Modelled on terraform-aws-modules/lambda's ``package.py``
and the AWS CDK's ``bundling.ts``:

* files are walked in sorted order and stored under POSIX relative names;
* every entry gets the same timestamp (1980-01-01) and normalized permissions (``repro-zipfile``);
* bytecode, editor/OS junk, VCS folders, tests and secret-looking files are never packaged;
* a zip is written to a temporary file and moved into place with ``os.replace``, so a failure never leaves a
  half-written zip behind;
* symlinks are followed only when they stay inside the source tree.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED

from repro_zipfile import ReproducibleZipFile

from .errors import HandlerNotFoundError, PackageTooLargeError, SourceError
from .limits import MAX_ZIP_BYTES

__all__ = [
    "DEFAULT_EXCLUDES",
    "BuiltZip",
    "SourceFile",
    "base64_sha256",
    "build_zip",
    "find_handler",
    "handler_module_exists",
    "hash_files",
    "list_files",
    "top_level_modules",
    "write_zip",
]

#: Bumped whenever the zip layout changes, so cached zips of an older layout are not reused.
FORMAT_VERSION = "1"

#: Names (matched against each file or directory name) that are never packaged.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    # bytecode and tool caches
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".coverage",
    "*.egg-info",
    # editors and operating systems
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    "*.swp",
    "*.swo",
    "*~",
    ".#*",
    "#*#",
    ".idea",
    ".vscode",
    # version control, environments, dependencies installed for development
    ".git",
    ".gitignore",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    # tests are not runtime code
    "tests",
    "test",
    "conftest.py",
    # secrets and local configuration
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "id_rsa*",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "*.tfvars",
    "*.tfstate",
    "*.tfstate.*",
    ".terraform",
)


@dataclass(frozen=True)
class SourceFile:
    """One file to package: where it is on disk and its name in the archive."""

    path: Path
    arcname: str


@dataclass(frozen=True)
class BuiltZip:
    """A zip written by :func:`build_zip`."""

    path: Path
    #: base64-encoded SHA-256 of the zip: the value Lambda reports as ``CodeSha256``.
    zip_hash: str
    #: Size of the zip in bytes.
    size: int
    #: Sum of the packaged files' sizes in bytes.
    unzipped_size: int
    #: Archive names, sorted.
    arcnames: tuple[str, ...]
    #: Whether this call wrote the zip (``False``: it was in the cache already).
    created: bool = False


def _excluded(name: str, excludes: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in excludes)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def list_files(
    source_dir: Path | str,
    *,
    prefix: str = "",
    excludes: Sequence[str] = DEFAULT_EXCLUDES,
) -> list[SourceFile]:
    """List the files under ``source_dir`` to package, sorted by archive name.

    Parameters
    ----------
    source_dir
        The directory whose *contents* are packaged.
    prefix
        Prepended to every archive name, e.g. ``"python/practice_util/"`` for a layer.
    excludes
        ``fnmatch`` patterns matched against each file and directory name.

    Raises
    ------
    SourceError
        ``source_dir`` is not a directory, or a symlink in it points outside it.

    Examples
    --------
    >>> [f.arcname for f in list_files("lambda_src/worker")]  # doctest: +SKIP
    ['__init__.py', 'worker.py']
    """
    root = Path(source_dir)
    if not root.is_dir():
        raise SourceError(f"Source directory not found: {str(source_dir)!r} is not a directory")
    real_root = root.resolve()
    files: list[SourceFile] = []
    seen_dirs: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        current = Path(dirpath)
        real_current = current.resolve()
        if not _inside(real_current, real_root):
            raise SourceError(
                f"Symlink points outside the source tree: {current.relative_to(root).as_posix()!r} "
                f"resolves outside {str(source_dir)!r}; copy the files in instead"
            )
        if real_current in seen_dirs:  # a symlink loop back into the tree
            dirnames[:] = []
            continue
        seen_dirs.add(real_current)
        dirnames[:] = sorted(d for d in dirnames if not _excluded(d, excludes))
        for name in sorted(filenames):
            if _excluded(name, excludes):
                continue
            path = current / name
            if not _inside(path.resolve(), real_root):
                raise SourceError(
                    f"Symlink points outside the source tree: {path.relative_to(root).as_posix()!r} "
                    f"resolves outside {str(source_dir)!r}; copy the file in instead"
                )
            if not path.is_file():
                continue  # sockets, fifos, dangling links
            files.append(SourceFile(path, prefix + path.relative_to(root).as_posix()))
    files.sort(key=lambda f: f.arcname)
    return files


def hash_files(files: Iterable[SourceFile], *, salt: str = "") -> str:
    """Hex SHA-256 over each file's archive name and bytes: changes exactly when the zip's content would."""
    digest = hashlib.sha256(f"cdktf-lambda/{FORMAT_VERSION}/{salt}\0".encode())
    for source in files:
        data = source.path.read_bytes()
        digest.update(source.arcname.encode())
        digest.update(b"\0")
        digest.update(str(len(data)).encode())
        digest.update(b"\0")
        digest.update(data)
    return digest.hexdigest()


def base64_sha256(path: Path | str) -> str:
    """base64-encoded SHA-256 of a file (Terraform's ``filebase64sha256``, Lambda's ``CodeSha256``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode()


def write_zip(files: Sequence[SourceFile], dest: Path | str) -> None:
    """Write ``files`` to ``dest`` deterministically, through a temporary file and ``os.replace``."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        with ReproducibleZipFile(tmp_name, "w", compression=ZIP_DEFLATED) as archive:
            for source in sorted(files, key=lambda f: f.arcname):
                archive.write(source.path, arcname=source.arcname)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, dest)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def build_zip(
    files: Sequence[SourceFile],
    cache_dir: Path | str,
    name: str,
    *,
    max_bytes: int = MAX_ZIP_BYTES,
) -> BuiltZip:
    """Write ``files`` into a content-addressed zip under ``cache_dir`` (reused when the content is unchanged).

    Raises
    ------
    PackageTooLargeError
        The zip is larger than ``max_bytes``; nothing is left on disk.
    """
    if not files:
        raise SourceError(f"Nothing to package for {name!r}: no files left after exclusions")
    key = hash_files(files)
    dest = Path(cache_dir) / f"{name}-{key[:24]}.zip"
    created = not dest.is_file()
    if created:
        write_zip(files, dest)
    size = dest.stat().st_size
    if size > max_bytes:
        dest.unlink(missing_ok=True)
        raise PackageTooLargeError(
            f"Package {name!r} is {size / 2**20:.1f} MiB zipped; Lambda allows at most {max_bytes / 2**20:.0f} MiB "
            "for a direct upload. Move dependencies into a layer or exclude large files."
        )
    return BuiltZip(
        path=dest,
        zip_hash=base64_sha256(dest),
        size=size,
        unzipped_size=sum(f.path.stat().st_size for f in files),
        arcnames=tuple(f.arcname for f in files),
        created=created,
    )


def top_level_modules(arcnames: Iterable[str], *, prefix: str = "") -> tuple[str, ...]:
    """Importable top-level module and package names among ``arcnames`` (after ``prefix``)."""
    names: set[str] = set()
    for arcname in arcnames:
        if not arcname.startswith(prefix):
            continue
        rest = arcname[len(prefix) :]
        head, _, tail = rest.partition("/")
        if not tail and head.endswith(".py"):
            names.add(head[:-3])
        elif tail == "__init__.py":
            names.add(head)
    return tuple(sorted(names))


def handler_module_exists(handler: str, arcnames: Iterable[str]) -> bool:
    """Whether ``handler`` (``module.function`` or ``pkg.module.function``) names a module in ``arcnames``."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        return False
    path = module.replace(".", "/")
    names = set(arcnames)
    return f"{path}.py" in names or f"{path}/__init__.py" in names


def find_handler(source_dir: Path | str, name: str, *, function: str = "lambda_handler") -> str:
    """The handler string for a function directory, following the file found (the seed's convention).

    The directory must be a Python package (``__init__.py``) with exactly one of ``lambda_handler.py`` or
    ``<name>.py``; the handler is ``<that module>.lambda_handler``.

    Raises
    ------
    HandlerNotFoundError
        No ``__init__.py``, neither handler file, or both.
    """
    root = Path(source_dir)
    if not (root / "__init__.py").is_file():
        raise HandlerNotFoundError(f"Function directory {str(source_dir)!r} is not a Python package: no __init__.py")
    found = [stem for stem in ("lambda_handler", name) if (root / f"{stem}.py").is_file()]
    if not found:
        raise HandlerNotFoundError(f"No handler file in {str(source_dir)!r}: expected lambda_handler.py or {name}.py")
    if len(set(found)) > 1:
        raise HandlerNotFoundError(
            f"Ambiguous handler in {str(source_dir)!r}: both lambda_handler.py and {name}.py exist; "
            "keep one or pass handler= explicitly"
        )
    return f"{found[0]}.{function}"
