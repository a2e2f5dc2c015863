"""Where things are: the project directory, the package cache, and portable Terraform paths; and writing a file so
that a reader never sees it half-written.

Python-side paths (``source_base_path``, ``lock_file``, …) given relative resolve against the **project
directory** of the app being synthesized: the one holding its ``cdktf.json``
(:data:`~cdktf_lambda.settings.PROJECT_DIR`, else the nearest directory at or above the working directory that has a
``cdktf.json``, else the working directory). ``cdktf synth`` runs the app from there. Absolute paths are accepted
everywhere.

Terraform runs in the stack's directory, ``<project>/<output>/stacks/<stack>`` (``output`` from ``cdktf.json``,
default ``cdktf.out``), so every path written into Terraform JSON is made relative to that directory
(``../../../lambda_src/...``, as the seed's ``output_dir`` default ``../../../out`` does), absolute inputs included.
No absolute path of the build machine is ever written.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.errors import InvalidParameterError

__all__ = [
    "cache_dir",
    "project_relative",
    "project_root",
    "resolve",
    "stack_dir_to_project",
    "stack_relative_dir",
    "terraform_path",
    "write_text_atomic",
]

CONFIG_FILE = "cdktf.json"
DEFAULT_OUTPUT = "cdktf.out"


@functools.lru_cache(maxsize=64)
def _find_project(cwd: str) -> Path:
    start = Path(cwd)
    for directory in (start, *start.parents):
        if (directory / CONFIG_FILE).is_file():
            return directory
    return start


def project_root() -> Path:
    """The project directory (see the module docstring)."""
    configured = settings.PROJECT_DIR.get()
    if configured is not None:
        return configured.absolute()
    return _find_project(os.getcwd())


@functools.lru_cache(maxsize=64)
def _output_dir(project: Path) -> str:
    try:
        config = json.loads((project / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_OUTPUT
    output = config.get("output") if isinstance(config, dict) else None
    return output if isinstance(output, str) and output.strip() else DEFAULT_OUTPUT


def stack_dir_to_project() -> str:
    """The relative path from a stack directory back to the project directory: ``../../..`` for ``cdktf.out``."""
    output = _output_dir(project_root())
    depth = len([part for part in Path(output).as_posix().split("/") if part not in ("", ".")]) + 2
    return "/".join([".."] * depth)


def resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute against the project directory."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else project_root() / candidate


def project_relative(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the project directory, POSIX separators (never an absolute path of the machine)."""
    try:
        return Path(os.path.relpath(resolve(path), project_root())).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(path).as_posix()


def terraform_path(path: str | os.PathLike[str]) -> str:
    """A path (relative to the project directory, or absolute) rewritten relative to the stack directory."""
    return posixpath.normpath(posixpath.join(stack_dir_to_project(), project_relative(path)))


def stack_relative_dir(value: str | os.PathLike[str], parameter: str) -> str:
    """A directory for Terraform (like the seed's ``output_dir``): relative to the stack directory as given, or
    absolute (rewritten relative to the stack directory, so the JSON stays portable)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(parameter, value, "a non-empty path, relative to the stack directory or absolute")
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return terraform_path(expanded)
    return posixpath.normpath(value.replace("\\", "/"))


def cache_dir() -> Path:
    """Where built zips are kept between synths: :data:`~cdktf_lambda.settings.CACHE_DIR`, else
    ``<project>/.cdktf-lambda-cache/``."""
    configured = settings.CACHE_DIR.get()
    return configured if configured is not None else project_root() / ".cdktf-lambda-cache"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it and ``os.replace``: a reader sees the old
    content or the new, never part of it. The temporary file is removed when the write fails (the error is raised)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
