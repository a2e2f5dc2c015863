"""Shared by the app stack tests."""

from __future__ import annotations

from tests.conftest import resources


def _by_name(synthesized, resource_type, key="function_name"):
    return {r[key]: r for r in resources(synthesized, resource_type).values()}


def _one(synthesized, resource_type):
    (item,) = resources(synthesized, resource_type).items()
    return item
