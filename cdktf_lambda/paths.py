"""Where things are: the project directory, the package cache, and portable Terraform paths.

Python-side paths (``source_base_path``) are relative to the project directory, the one holding ``cdktf.json``,
from which ``cdktf synth`` and ``pytest`` run. Terraform runs in the stack's directory,
``cdktf.out/stacks/<stack>``, three levels below the project, so every path written into Terraform JSON is made
relative to that directory (``../../../lambda_src/...``, as the seed's ``output_dir`` default ``../../../out``
does). No absolute path of the build machine is ever written.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from .errors import InvalidParameterError

__all__ = [
    "CACHE_DIR_ENV",
    "STACK_DIR_TO_PROJECT",
    "cache_dir",
    "project_root",
    "resolve",
    "stack_relative_dir",
    "terraform_path",
]

#: From ``cdktf.out/stacks/<stack>`` (where Terraform runs) back to the project directory.
STACK_DIR_TO_PROJECT = "../../.."
CACHE_DIR_ENV = "CDKTF_LAMBDA_CACHE_DIR"


def project_root() -> Path:
    """The project directory: the current working directory (``cdktf`` runs the app from there)."""
    return Path.cwd()


def resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute against the project directory."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else project_root() / candidate


def terraform_path(path: str | os.PathLike[str]) -> str:
    """A project path rewritten relative to the stack directory, with POSIX separators."""
    relative = os.path.relpath(resolve(path), project_root())
    return posixpath.normpath(posixpath.join(STACK_DIR_TO_PROJECT, Path(relative).as_posix()))


def stack_relative_dir(value: str, parameter: str) -> str:
    """Validate a directory given relative to the stack directory (like the seed's ``output_dir``)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(parameter, value, "a non-empty path relative to the stack directory")
    if os.path.isabs(value) or value.startswith("~"):
        raise InvalidParameterError(
            parameter, value, "a relative path (absolute paths make the Terraform JSON machine-specific)"
        )
    return posixpath.normpath(value.replace("\\", "/"))


def cache_dir() -> Path:
    """Where built zips are kept between synths: ``$CDKTF_LAMBDA_CACHE_DIR`` or ``.cdktf-lambda-cache/``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else project_root() / ".cdktf-lambda-cache"
