"""The reference app stack, synthesized once per test module that reads it."""

from __future__ import annotations

import pytest

from cdktf_lambda import cdk
from stacks import AppStack, AppStackConfig
from tests.conftest import synth_json


@pytest.fixture(scope="module")
def app_stack():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig())
    return stack, synth_json(stack)
