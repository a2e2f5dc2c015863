"""Progress lines of long work during a synth (a dependency layer build), on a stream that reads as progress.

The cdktf and cdktn CLIs run the app with ``CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS`` set, show what it writes to
stdout as it is, and label every chunk of its stderr ``[ERROR] default - …`` in red. Under the CLI, progress goes to
stdout; run directly (``python main.py``, tests), to stderr as usual for diagnostics. Real errors are raised and
reach stderr either way.
"""

from __future__ import annotations

import os
import sys
from typing import IO

__all__ = ["CLI_ENV", "ProgressLine", "progress_stream"]

#: Set by ``cdktf synth`` / ``cdktn synth`` (and ``deploy``, ``diff``) in the environment of the app they run.
CLI_ENV = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"


def progress_stream() -> IO[str]:
    """stdout when the app runs under the cdktf/cdktn CLI, else stderr."""
    return sys.stdout if os.environ.get(CLI_ENV) else sys.stderr


class ProgressLine:
    """One line for one step: ``<message>... done: <result>`` or ``<message>... failed``.

    It goes to :func:`progress_stream` (the stream of that moment). On a terminal the line is written in two parts
    (the step takes seconds); to a pipe (the CLI logs each chunk as a line of its own, CI logs) it is written once,
    complete.
    """

    def __init__(self, message: str) -> None:
        self.message = f"cdktf-lambda: {message}... "
        self.stream = progress_stream()
        self.interactive = self.stream.isatty()
        if self.interactive:
            self._write(self.message)

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def done(self, result: str) -> None:
        self._write(("" if self.interactive else self.message) + f"done: {result}\n")

    def failed(self) -> None:
        self._write(("" if self.interactive else self.message) + "failed\n")
