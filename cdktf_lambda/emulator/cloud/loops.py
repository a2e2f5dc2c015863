"""The background loops of the local cloud (SQS pollers' supervisor, HTTP fronts, scheduler): :class:`Every`."""

from __future__ import annotations

import threading
import time

from cdktf_lambda.logs import room_logger

__all__ = ["Every"]

log = room_logger(__name__)


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
                log.error("%s: %r", self.name, exc)
            time.sleep(self.interval)
