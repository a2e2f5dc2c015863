"""The reference app stack, synthesized once per test module that reads it."""

from __future__ import annotations

import pytest

from cdktf_lambda.testing import SynthesizedStack
from tests.stacks._app import app


@pytest.fixture(scope="module")
def app_stack() -> SynthesizedStack:
    return app()
