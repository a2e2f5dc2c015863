"""One logger per room, the one line format of every note, and where notes go when nobody configured logging.

Library code reports through :mod:`logging`: each module that reports does ``log = room_logger(__name__)`` and gets
the logger of its room (``cdktf_lambda.runtime`` for :mod:`cdktf_lambda.runtime.selection`,
``cdktf_lambda.emulator`` for :mod:`cdktf_lambda.emulator.cloud.esm`; ``cdktf_lambda`` for the base modules). A note
worth the user's attention is a warning, what a step did is information, details are debug records.

Where records go:

* **Nobody configured logging** (a ``cdktf synth`` of a user's app: no command of ours runs): a default handler on
  the ``cdktf_lambda`` logger writes information and warnings to :func:`~cdktf_lambda.progress.progress_stream`
  (stdout under the cdktf CLI, which shows the app's stderr as red ``[ERROR]`` lines; stderr otherwise), as
  ``cdktf-lambda: <message>`` (a warning: ``cdktf-lambda: note: <message>``). It stays silent as soon as the
  application has a handler of its own (on the root logger or on the way to it), checked at each record, so nothing
  is printed twice; it never writes debug records.
* **A command of ours** (the ``cdktf-lambda`` CLI, the local cloud's moto server) sends every room's records to a
  stream of its choice with :func:`logging_to`, instead of the default handler.

The ``cdktf_lambda`` logger's level is information; an application that wants only warnings from it sets
``logging.getLogger("cdktf_lambda").setLevel(logging.WARNING)``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cdktf_lambda.progress import progress_stream

__all__ = ["PREFIX", "ROOT", "LineFormatter", "logging_to", "room_logger"]

#: The logger every room's logger is below.
ROOT = "cdktf_lambda"
#: What every line of ours starts with, whatever the process.
PREFIX = "cdktf-lambda:"

_PACKAGE = Path(__file__).parent
_LABELS = {logging.WARNING: "note: ", logging.ERROR: "error: ", logging.CRITICAL: "error: "}


class LineFormatter(logging.Formatter):
    """``cdktf-lambda: <message>``; a warning ``cdktf-lambda: note: <message>``, an error ``cdktf-lambda: error:
    <message>``. ``verbose`` adds the logger's name: ``cdktf-lambda: [cdktf_lambda.runtime] note: <message>``."""

    def __init__(self, *, verbose: bool = False) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        where = f"[{record.name}] " if self.verbose else ""
        return f"{PREFIX} {where}{_LABELS.get(record.levelno, '')}{text}"


class _Unconfigured(logging.Handler):
    """The default handler: information and warnings to the progress stream, while no other handler would see them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(LineFormatter())

    def _configured(self, name: str) -> bool:
        """Whether a handler other than this one is on the way from the logger ``name`` up to the root."""
        logger: logging.Logger | None = logging.getLogger(name)
        while logger is not None:
            if any(handler is not self for handler in logger.handlers):
                return True
            logger = logger.parent if logger.propagate else None
        return False

    def emit(self, record: logging.LogRecord) -> None:
        if self._configured(record.name):
            return
        try:
            stream = progress_stream()
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # as logging.StreamHandler does: a broken stream never fails the caller
            self.handleError(record)


_DEFAULT = _Unconfigured()
_installed = False
_install_lock = threading.Lock()


def _install_default() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            _installed = True
            root = logging.getLogger(ROOT)
            root.addHandler(_DEFAULT)
            if root.level == logging.NOTSET:
                root.setLevel(logging.INFO)


def _room(module_name: str) -> str:
    parts = module_name.split(".")
    if parts[0] != ROOT or len(parts) < 2:
        return ROOT
    if len(parts) == 2 and not (_PACKAGE / parts[1]).is_dir():
        return ROOT  # a base module: cdktf_lambda.progress, cdktf_lambda.processes ...
    return f"{ROOT}.{parts[1]}"


def room_logger(module_name: str) -> logging.Logger:
    """The logger of the room ``module_name`` (a module's ``__name__``) is in: ``cdktf_lambda.<room>``, or
    ``cdktf_lambda`` for a base module (and any name outside the package). Installs the default handler once."""
    _install_default()
    return logging.getLogger(_room(module_name))


@contextmanager
def logging_to(stream: IO[str], level: int = logging.INFO, *, verbose: bool = False) -> Iterator[logging.Handler]:
    """In the block, every room's records from ``level`` up go to ``stream`` as lines of :class:`LineFormatter`
    (``verbose``: with the logger's name), instead of the default handler; as before afterwards."""
    _install_default()
    root = logging.getLogger(ROOT)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LineFormatter(verbose=verbose))
    previous = root.level
    root.removeHandler(_DEFAULT)
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        root.addHandler(_DEFAULT)
