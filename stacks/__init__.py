"""Application stacks composed from the ``cdktf_lambda`` construct library."""

from __future__ import annotations

from .app_stack import AppStack, AppStackConfig

__all__ = ["AppStack", "AppStackConfig"]
