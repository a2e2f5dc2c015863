"""A function's layers extracted once, in order (later over earlier), and shared by every runtime of them.

Extracting the app's dependency layer takes about a second; every cold start used to pay it, and a code sync makes
cold starts frequent. :class:`ExtractedLayers` extracts each set of layer zips (by path, size and modification
time: a zip rewritten in place is extracted again) once, into a directory of its own, which every runtime of those
layers mounts as ``/opt`` (read-only in the sandbox, as on Lambda). :meth:`ExtractedLayers.close` removes them.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda.runtime.code import check_exists, extract

__all__ = ["ExtractedLayers"]

_Key = tuple[tuple[str, int, int], ...]


class ExtractedLayers:
    """Directories of extracted layers, one per set of layer zips; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._root: Path | None = None
        self._entries: dict[_Key, tuple[threading.Lock, Path]] = {}

    def directory(self, layer_zips: Sequence[Path], owner: str) -> Path:
        """The layers ``layer_zips`` extracted in order (``owner`` names the function in errors)."""
        key: _Key = tuple((str(path), *_identity(path, owner)) for path in layer_zips)
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="cdktf-lambda-opt-"))
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = (threading.Lock(), self._root / str(len(self._entries)))
        lock, opt = entry
        with lock:  # one extraction per set, however many cold starts wait for it
            if not opt.is_dir():
                staging = opt.with_name(opt.name + ".partial")
                shutil.rmtree(staging, ignore_errors=True)
                staging.mkdir()
                for index, layer in enumerate(layer_zips, start=1):
                    extract(layer, staging, f"Layer {index} of {owner!r}")
                staging.rename(opt)
        return opt

    def close(self) -> None:
        """Remove every extracted directory; a later :meth:`directory` extracts again."""
        with self._lock:
            root, self._root, self._entries = self._root, None, {}
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


def _identity(path: Path, owner: str) -> tuple[int, int]:
    check_exists(path, f"A layer of {owner!r}")
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
