"""Fixtures of the lifecycle tests: the Terraform CLI config for the offline provider mirror, and a moto server.

These tests deploy the real app (``main.py``) into moto on 127.0.0.1 with Terraform 1.11 and the aws provider from
the local mirror. They are marked ``terraform``; ``pytest -m "not terraform"`` leaves them out. They fail (never
skip) when terraform or the mirror is missing: ``make test`` is meant to run them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cdktf_lambda.emulator.server import MotoServer, running_server


@pytest.fixture(scope="session")
def cli_config(terraform_cli_config: Path) -> Path:
    """The Terraform CLI config for the offline provider mirror (tests/conftest.py)."""
    return terraform_cli_config


@pytest.fixture
def moto(tmp_path: Path) -> Iterator[MotoServer]:
    """A fresh moto server on a free 127.0.0.1 port for one test; stopped by its PID afterwards, whatever happened.

    It also exits by itself if the test process dies (``exit_with_parent``).
    """
    with running_server(log_path=tmp_path / "moto.log") as server:
        yield server
