"""Fixtures of the local-deploy harness tests (``devtools``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools import moto_server


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[moto_server.MotoServer]:
    """A moto server for the module; stopped by PID at teardown, whatever happened."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with moto_server.running_server(log_path=log) as server:
        yield server


@pytest.fixture
def clean_moto(moto: moto_server.MotoServer) -> moto_server.MotoServer:
    """The module's moto server, emptied before the test."""
    moto_server.reset(moto.endpoint_url)
    return moto


@pytest.fixture(scope="session")
def terraform_ready(terraform_cli_config: Path) -> Path:
    """The Terraform CLI config for the offline provider mirror (tests/conftest.py)."""
    return terraform_cli_config
