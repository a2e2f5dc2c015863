"""``sync --watch``: sync on every save, with `watchfiles <https://watchfiles.helpmanual.io>`_ (the Rust ``notify``
crate: inotify on Linux, FSEvents on macOS; no polling by hand).

The watcher watches the directories holding the packages' sources and lock files (the parent of each, so a
directory that is deleted and made again, as ``git checkout`` does, stays watched), and passes on only the changes
that can matter: files of a function or layer, and ``.py`` files or directories elsewhere in those directories (a new
function, which needs a deploy). Editor swap and backup files, ``__pycache__``, ``.git`` and every name a package
excludes sync nothing. Changes are grouped until the files have been quiet for ``step`` milliseconds (50 by
default), so an editor's save (a temporary file renamed over the old one) is one sync.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from cdktf_lambda.packaging.files import DEFAULT_EXCLUDES
from cdktf_lambda.sync.report import SyncReport
from cdktf_lambda.sync.syncer import Syncer

__all__ = ["SyncFilter", "watch", "watch_roots"]

log = logging.getLogger(__name__)

#: Names no editor saves as the file itself (vim's write test, JetBrains' safe-write temporaries).
EDITOR_TEMPORARIES: tuple[str, ...] = ("4913", "*___jb_tmp___", "*___jb_old___", "*.tmp", ".*.tmp", "*.kate-swp")
#: How often the watcher looks at ``stop`` and says it is alive while nothing changes (milliseconds).
TICK_MS = 200


def watch_roots(paths: Sequence[Path]) -> list[Path]:
    """The directories to watch for ``paths`` (source directories, lock files): the parent of each, without those
    inside another."""
    parents = sorted({path.parent for path in paths})
    return [p for p in parents if not any(other != p and other in p.parents for other in parents)]


class SyncFilter:
    """Which changes reach the syncer: see the module docstring."""

    def __init__(self, targets: Sequence[Path], excludes: Sequence[str] = DEFAULT_EXCLUDES) -> None:
        self.targets = tuple(targets)
        self.roots = tuple(watch_roots(targets))
        self.excludes = (*excludes, *EDITOR_TEMPORARIES)

    def _excluded(self, path: Path, root: Path) -> bool:
        parts = path.relative_to(root).parts if path != root else ()
        return any(fnmatch.fnmatchcase(part, pattern) for part in parts for pattern in self.excludes)

    def __call__(self, change: object, path_text: str) -> bool:
        path = Path(path_text)
        for target in self.targets:
            if path == target or target in path.parents:
                return not self._excluded(path, target.parent)
        # elsewhere in a watched directory: a new function's code or directory (a deploy is needed)
        root = next((root for root in self.roots if root in path.parents), path.parent)
        return (path.suffix == ".py" or path.is_dir()) and not self._excluded(path, root)


def watch(
    syncer: Syncer,
    on_reports: Callable[[list[SyncReport]], object],
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[list[Path]], None] | None = None,
    step_ms: int = 50,
) -> None:
    """Sync on every save until ``stop`` is set or Ctrl-C; ``on_reports`` gets each sync's reports.

    ``on_ready`` is called with the watched directories once the watcher is armed (saves from then on are seen).
    """
    import watchfiles

    syncer.prepare()
    targets = syncer.watched()
    roots = watch_roots(targets)
    excludes = sorted({p for t in syncer.functions if t.source is not None for p in t.source.excludes})
    ready = False
    for changes in watchfiles.watch(
        *roots,
        watch_filter=SyncFilter(targets, excludes or DEFAULT_EXCLUDES),
        step=step_ms,
        stop_event=stop,
        rust_timeout=TICK_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        if not ready:
            ready = True
            if on_ready is not None:
                on_ready(roots)
        if not changes:
            continue
        paths = {Path(path) for _, path in changes}
        log.debug("changed: %s", ", ".join(sorted(map(str, paths))))
        on_reports(syncer.sync(paths))
