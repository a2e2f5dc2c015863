"""Fixtures for the Lambda runtime tests.

``lambda_src/`` is put on ``sys.path`` so the functions import exactly as on Lambda, where each
function directory is the zip root and ``practice_util`` comes from a layer: ``from api_server import
api_server`` here, ``api_server.lambda_handler`` there.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from cdktf_lambda.local.context import LambdaContext

LAMBDA_SRC = Path(__file__).resolve().parents[2] / "lambda_src"
EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"

if str(LAMBDA_SRC) not in sys.path:
    sys.path.insert(0, str(LAMBDA_SRC))


class LogCapture:
    """Text written by a Powertools logger's handler while captured."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """Parse every non-blank line as one JSON log record (fails on non-JSON output)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


class _HasHandler(Protocol):
    @property
    def registered_handler(self) -> Any: ...


@pytest.fixture
def lambda_context() -> LambdaContext:
    """The library's local Lambda context (the one ``cdktf-lambda invoke``'s host mode hands a handler)."""
    return LambdaContext.for_function("practice-test-function", memory_size=256, timeout=30)


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """Return a loader for ``tests/events/<name>.json``; each call returns a fresh copy."""

    def _load(name: str) -> dict[str, Any]:
        filename = name if name.endswith(".json") else f"{name}.json"
        return json.loads((EVENTS_DIR / filename).read_text(encoding="utf-8"))

    return _load


@pytest.fixture
def capture_logs() -> Iterator[Callable[[_HasHandler], LogCapture]]:
    """Redirect a Powertools logger's stream handler into a buffer for the test's duration.

    Powertools binds its handler to ``sys.stdout`` when the module is imported, so ``capsys``
    does not see its output; swapping the handler's stream does.
    """
    restore: list[tuple[Any, Any]] = []

    def _capture(logger: _HasHandler) -> LogCapture:
        capture = LogCapture()
        handler = logger.registered_handler
        restore.append((handler, handler.setStream(capture.stream)))
        return capture

    yield _capture
    for handler, stream in reversed(restore):
        handler.setStream(stream)
