"""The reference app stack ``practice-dev``, synthesized in memory and seen through the toolkit's typed view."""

from __future__ import annotations

from cdktf_lambda import cdk
from cdktf_lambda.testing import SynthesizedStack, synth_stack
from stacks import AppStack, AppStackConfig


def app(**config: object) -> SynthesizedStack:
    """The app stack with ``config`` over :class:`AppStackConfig`'s defaults (``cdktf.Testing.synth``)."""
    return synth_stack(AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig(**config)))
