"""pip, for a Lambda platform and without Docker: the command lines, and the runner that starts them.

``pip install --target`` with ``--platform`` for every manylinux tag the runtime's glibc runs, ``--python-version``,
``--implementation cp``, ``--only-binary=:all:`` (wheels only: nothing is compiled), ``--no-deps`` (the lock is
complete), ``--require-hashes`` (every file is checked against the lock) and ``--no-compile``. pip runs with
``--isolated`` and without ``PIP_*`` variables: pip configuration files (a machine-wide ``find-links``, extra index or
constraints file) cannot change what is installed; the index is the lock's own source.

The process is started by a :class:`PipRunner`, which callers may replace (to watch or record the commands), in
the manner of Chalice's ``PipRunner``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import DependencyBuildError
from .locks import LockedPackage, read_lock, requirements_for, requirements_text
from .target import Target

__all__ = ["PipRunner", "download_wheels", "pip_download_command", "pip_install_command"]

_PIP_COMMON = ["--isolated", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--quiet"]


class PipRunner:
    """Runs pip commands; raises :class:`DependencyBuildError` with pip's last lines when one fails."""

    def run(self, command: Sequence[str], what: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
        result = subprocess.run(list(command), capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            raise DependencyBuildError(
                f"pip could not {what} (exit {result.returncode}). Every package needs a wheel for the target "
                "platform (--only-binary=:all:, nothing is compiled). pip said:\n" + "\n".join(output[-25:])
            )


def _source_options(index_urls: Sequence[str], wheelhouse: Path | None) -> list[str]:
    if wheelhouse is not None:
        return ["--no-index", "--find-links", str(wheelhouse)]
    urls = list(index_urls) or ["https://pypi.org/simple"]
    return ["--index-url", urls[0], *(option for url in urls[1:] for option in ("--extra-index-url", url))]


def _target_options(target: Target) -> list[str]:
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


def _pip_command(
    subcommand: str,
    destination: list[str],
    target: Target,
    requirements_file: Path,
    index_urls: Sequence[str],
    wheelhouse: Path | None,
    extra: Sequence[str] = (),
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        subcommand,
        *_PIP_COMMON,
        *destination,
        *_target_options(target),
        *extra,
        *_source_options(index_urls, wheelhouse),
        "--requirement",
        str(requirements_file),
    ]


def pip_install_command(
    target: Target,
    dest: Path,
    requirements_file: Path,
    *,
    index_urls: Sequence[str] = (),
    wheelhouse: Path | None = None,
) -> list[str]:
    """The pip command installing ``requirements_file`` for ``target`` into ``dest`` (see the module docstring)."""
    return _pip_command(
        "install", ["--target", str(dest)], target, requirements_file, index_urls, wheelhouse, ["--no-compile"]
    )


def pip_download_command(
    target: Target,
    dest: Path,
    requirements_file: Path,
    *,
    index_urls: Sequence[str] = (),
    wheelhouse: Path | None = None,
) -> list[str]:
    """The pip command downloading the wheels of ``requirements_file`` for ``target`` into ``dest``."""
    return _pip_command("download", ["--dest", str(dest)], target, requirements_file, index_urls, wheelhouse)


def download_wheels(
    lock_file: str | os.PathLike[str],
    target: Target,
    dest: str | os.PathLike[str],
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
    pip: PipRunner | None = None,
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
        command = pip_download_command(
            target, dest, requirements, index_urls=lock.index_urls, wheelhouse=Path(wheelhouse) if wheelhouse else None
        )
        (pip or PipRunner()).run(command, f"download the wheels of {lock.path} for {target.label}")
    return packages
