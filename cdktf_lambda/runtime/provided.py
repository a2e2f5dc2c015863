"""What Lambda's Python runtimes provide besides the standard library: boto3 (in ``/var/runtime`` on Lambda).

Handlers ``import boto3`` without shipping it, because the runtime has it; the dependency layer built from
``lambda_src/Pipfile.lock`` rightly leaves it out. A local runtime must provide it the same way: on ``sys.path``
after the function zip and its layers, so a boto3 the function ships itself still wins.

:func:`runtime_packages_dir` copies boto3 and the distributions it requires (botocore, s3transfer, jmespath,
python-dateutil, six, urllib3), as installed for this interpreter, into a cache directory named by their versions,
once. They are pure Python, so the copy serves any Python 3 runtime (the host fallback and a sandboxed target
runtime alike). The version is this machine's, not necessarily the one Lambda ships today.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import os
import shutil
import tempfile
import threading
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

__all__ = ["RUNTIME_DISTRIBUTIONS", "runtime_distributions", "runtime_packages_dir"]

#: What Lambda's Python runtimes include (their requirements come along).
RUNTIME_DISTRIBUTIONS: tuple[str, ...] = ("boto3",)

_LOCK = threading.Lock()


def runtime_distributions(roots: tuple[str, ...] = RUNTIME_DISTRIBUTIONS) -> dict[str, metadata.Distribution]:
    """``roots`` and everything they require on this interpreter, by canonical name.

    Raises
    ------
    metadata.PackageNotFoundError
        A distribution is not installed (boto3 comes with ``cdktf-lambda[local]``).
    """
    found: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found:
            continue
        found[name] = distribution = metadata.distribution(name)
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return found


def runtime_packages_dir(cache: Path, roots: tuple[str, ...] = RUNTIME_DISTRIBUTIONS) -> Path:
    """A directory holding ``roots`` and their requirements (see the module docstring), made once in ``cache``."""
    distributions = runtime_distributions(roots)
    label = ",".join(f"{name}=={dist.version}" for name, dist in sorted(distributions.items()))
    target = cache / f"runtime-packages-{hashlib.sha256(label.encode()).hexdigest()[:16]}"
    with _LOCK:
        if target.is_dir():
            return target
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".runtime-packages-", dir=cache))
        try:
            for distribution in distributions.values():
                _copy_distribution(distribution, staging)
            os.replace(staging, target)
        except OSError:
            if not target.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _copy_distribution(distribution: metadata.Distribution, dest: Path) -> None:
    """The distribution's files that live in its site-packages directory (no scripts, no bytecode)."""
    for file in distribution.files or []:
        relative = Path(file)
        if relative.is_absolute() or ".." in relative.parts or relative.suffix == ".pyc":
            continue
        source = Path(str(distribution.locate_file(file)))
        if not source.is_file():
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
