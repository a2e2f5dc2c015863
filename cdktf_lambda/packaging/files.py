"""Which files of a source tree are packaged, and under which archive names.

Plain Python, no construct tree. Modelled on terraform-aws-modules/lambda's ``package.py`` (``list_files``):
files are walked in sorted order and named by POSIX paths relative to the source directory; bytecode, editor/OS
junk, VCS folders, tests and secret-looking files are never packaged; symlinks are followed only while they stay
inside the tree.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda.errors import SourceError

__all__ = ["DEFAULT_EXCLUDES", "SourceFile", "list_files"]

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
