"""The background loops of the local cloud (SQS pollers' supervisor, HTTP fronts, scheduler): :class:`Every`."""

from __future__ import annotations

import threading
import time

__all__ = ["Every"]


class Every(threading.Thread):
    """A daemon thread that calls :meth:`step` every ``interval`` seconds; an error is logged, never fatal."""

    def __init__(self, name: str, interval: float) -> None:
        super().__init__(name=name, daemon=True)
        self.interval = interval

    def step(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        while True:
            try:
                self.step()
            except Exception as exc:
                print(f"local-cloud: {self.name}: {exc!r}", flush=True)
            time.sleep(self.interval)
