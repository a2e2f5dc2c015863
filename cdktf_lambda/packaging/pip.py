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
from collections.abc import Mapping, Sequence
from pathlib import Path

from cdktf_lambda.errors import DependencyBuildError
from cdktf_lambda.packaging.target import Target

__all__ = ["PipRunner", "pip_command", "pip_download_command", "pip_install_command", "source_options"]

_PIP_COMMON = ["--isolated", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--quiet"]


def pip_command(subcommand: str, *arguments: str) -> list[str]:
    """``python -m pip <subcommand>`` on this interpreter, isolated from pip configuration, quiet."""
    return [sys.executable, "-m", "pip", subcommand, *_PIP_COMMON, *arguments]


class PipRunner:
    """Runs pip commands; raises :class:`DependencyBuildError` with pip's last lines when one fails.

    pip runs without the ``PIP_*`` variables of this machine and with ``PIP_CONFIG_FILE`` set to the null device:
    ``--isolated`` covers the main process, but the build-isolation subprocess that builds an sdist ignores it and
    would read a machine-wide ``pip.conf``. Files are created under umask 022.
    """

    def run(self, command: Sequence[str], what: str, *, environment: Mapping[str, str] | None = None) -> None:
        """Run ``command`` (``what`` names it in the error), with ``environment`` added to the variables."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
        env.update(environment or {})
        result = subprocess.run(list(command), capture_output=True, text=True, env=env, check=False, umask=0o022)
        if result.returncode != 0:
            output = f"{result.stdout}\n{result.stderr}".strip()
            shown = (result.stderr or result.stdout).strip().splitlines()
            raise DependencyBuildError(
                f"pip could not {what} (exit {result.returncode}). pip said:\n" + "\n".join(shown[-25:]), output=output
            )


def source_options(index_urls: Sequence[str], wheelhouse: Path | None) -> list[str]:
    """``--no-index --find-links WHEELHOUSE``, or the lock's indexes."""
    if wheelhouse is not None:
        return ["--no-index", "--find-links", str(wheelhouse)]
    urls = list(index_urls) or ["https://pypi.org/simple"]
    return ["--index-url", urls[0], *(option for url in urls[1:] for option in ("--extra-index-url", url))]


def _target_options(target: Target, *, wheels_only: bool = True) -> list[str]:
    platforms = [option for tag in target.platforms for option in ("--platform", tag)]
    return [
        *platforms,
        "--python-version",
        target.python_version,
        "--implementation",
        "cp",
        *(["--only-binary=:all:"] if wheels_only else []),
        "--no-deps",
        "--require-hashes",
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
    return pip_command(
        "install",
        *("--target", str(dest)),
        *_target_options(target),
        "--no-compile",
        *source_options(index_urls, wheelhouse),
        *("--requirement", str(requirements_file)),
    )


def pip_download_command(
    target: Target,
    dest: Path,
    requirements_file: Path,
    *,
    index_urls: Sequence[str] = (),
    wheelhouse: Path | None = None,
    build_constraints: Path | None = None,
) -> list[str]:
    """The pip command downloading the files of ``requirements_file`` for ``target`` into ``dest``.

    With ``build_constraints`` (the pinned build backends), a package without a wheel for ``target`` is downloaded
    as its sdist (``--no-deps`` lets pip choose among wheels for another platform and sdists; a wheel for the target
    always ranks first); without, wheels only.
    """
    sdists = build_constraints is not None
    return pip_command(
        "download",
        *("--dest", str(dest)),
        *_target_options(target, wheels_only=not sdists),
        *(("--build-constraint", str(build_constraints)) if sdists else ()),
        *source_options(index_urls, wheelhouse),
        *("--requirement", str(requirements_file)),
    )
