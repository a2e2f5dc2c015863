"""Wait for an effect instead of sleeping: :func:`wait_for` polls a condition until it holds or time runs out.

Examples
--------
>>> wait_for(lambda: 42, timeout=1, what="the answer")
42
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["wait_for"]

T = TypeVar("T")


def wait_for(condition: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.25, what: str = "") -> T:
    """The first truthy value ``condition()`` returns, checking every ``interval`` seconds for ``timeout`` seconds.

    Raises
    ------
    AssertionError
        Time ran out; the message names ``what`` was awaited and the last value seen.
    """
    __tracebackhide__ = True
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            name = what or getattr(condition, "__name__", "a condition")
            raise AssertionError(f"waited {timeout:g} s for {name}: not there; the last check gave {value!r}")
        time.sleep(interval)
