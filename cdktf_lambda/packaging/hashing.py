"""Content hashes: of a set of files (the package cache key) and of a zip (Lambda's ``CodeSha256``)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from pathlib import Path

from cdktf_lambda.packaging.files import SourceFile

__all__ = ["FORMAT_VERSION", "base64_sha256", "hash_files"]

#: Bumped whenever the zip layout changes, so cached zips of an older layout are not reused. 2: bytecode (its
#: interpreter's identity is the ``salt``).
FORMAT_VERSION = "2"


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
