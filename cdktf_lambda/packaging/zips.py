"""Deterministic zips: sorted entries, fixed timestamps and modes (``repro-zipfile``), written through a temporary
file and ``os.replace`` so a failure never leaves a half-written zip; content-addressed in a cache directory."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED

from repro_zipfile import ReproducibleZipFile

from cdktf_lambda.errors import PackageTooLargeError, SourceError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES
from cdktf_lambda.packaging.bytecode import Bytecode
from cdktf_lambda.packaging.files import SourceFile
from cdktf_lambda.packaging.hashing import base64_sha256, hash_files

__all__ = ["BuiltZip", "build_zip", "unzipped_size", "write_zip"]


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
    bytecode: Bytecode | None = None,
    layer: bool = False,
) -> BuiltZip:
    """Write ``files`` into a content-addressed zip under ``cache_dir`` (reused when the content is unchanged).

    With ``bytecode``, the zip also holds the files' ``__pycache__/*.pyc`` for its runtimes (compiled only when the
    zip is not in the cache), named by their path on Lambda: ``/opt/python`` for a ``layer``, else ``/var/task``.

    Raises
    ------
    PackageTooLargeError
        The zip is larger than ``max_bytes``; nothing is left on disk.
    """
    if not files:
        raise SourceError(f"Nothing to package for {name!r}: no files left after exclusions")
    key = hash_files(files, salt=bytecode.identity if bytecode else "")
    dest = Path(cache_dir) / f"{name}-{key[:24]}.zip"
    created = not dest.is_file()
    if created and bytecode is None:
        write_zip(files, dest)
    elif created and bytecode is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{name}-stage-", dir=dest.parent) as stage:
            write_zip(bytecode.with_bytecode(files, Path(stage), layer), dest)
    size = dest.stat().st_size
    if size > max_bytes:
        dest.unlink(missing_ok=True)
        how = "for a direct upload" if max_bytes <= MAX_ZIP_BYTES else "deployed from S3"
        advice = (
            f"Pass store_on_s3=True (with s3_bucket=) to deploy it from S3 (up to {MAX_UNZIPPED_BYTES / 2**20:.0f} "
            "MiB), move dependencies into a layer or exclude large files."
            if max_bytes <= MAX_ZIP_BYTES
            else "Move dependencies into a layer or exclude large files."
        )
        raise PackageTooLargeError(
            f"Package {name!r} is {size / 2**20:.1f} MiB zipped; Lambda allows at most {max_bytes / 2**20:.0f} MiB "
            f"{how}. {advice}"
        )
    with zipfile.ZipFile(dest) as archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
    return BuiltZip(
        path=dest,
        zip_hash=base64_sha256(dest),
        size=size,
        unzipped_size=sum(info.file_size for info in entries),
        arcnames=tuple(info.filename for info in entries),
        created=created,
    )


def unzipped_size(path: Path | str) -> int:
    """Sum of the sizes of the files in the zip at ``path``."""
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist() if not info.is_dir())
