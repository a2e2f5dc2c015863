"""``cdktf-lambda local sync --watch`` in the background, as a user starts it: its lines awaited as they come, each
with the time it was read; stopped by its PID. For tests/lifecycle/test_lifecycle_sync.py and bench/sync.py."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

__all__ = ["Watcher"]


class Watcher:
    """The watcher of the local cloud deployed from ``project``, started in its own session (``env`` as given)."""

    def __init__(self, project: Path, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cdktf_lambda", "local", "--project-dir", str(project), "sync", "--watch"],
            cwd=project,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        #: Every line read so far by :meth:`expect`, for failure messages.
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def expect(self, pattern: str, timeout: float = 120) -> tuple[float, str]:
        """The time (``time.perf_counter()``) and text of the next line matching ``pattern``; AssertionError naming
        what it printed when none comes within ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while (remaining := deadline - time.perf_counter()) > 0:
            try:
                at, line = self.lines.get(timeout=remaining)
            except queue.Empty:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return at, line
        raise AssertionError(f"the watcher printed no line matching {pattern!r}; it printed:\n" + "\n".join(self.seen))

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, as Ctrl-C would; its exit status. Still running after ``timeout``: its process group is killed
        (the status is then the signal's)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait()
