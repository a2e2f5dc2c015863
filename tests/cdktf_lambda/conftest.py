"""Fixtures of the local run, the AWS emulator and the Terraform tests (runtime, emulator, deploy rooms)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.emulator import server as moto
from tests.fixtures.layers import session_wheelhouse


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[moto.MotoServer]:
    """A moto server for the module; stopped by PID at teardown, whatever happened."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with moto.running_server(log_path=log) as server:
        yield server


@pytest.fixture
def clean_moto(moto_server: moto.MotoServer) -> moto.MotoServer:
    """The module's moto server, emptied before the test."""
    moto.reset(moto_server.endpoint_url)
    return moto_server


@pytest.fixture(scope="session")
def terraform_ready(terraform_cli_config: Path) -> Path:
    """The Terraform CLI config for the offline provider mirror (tests/conftest.py)."""
    return terraform_cli_config


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory) -> dict[str, str]:
    """Layers from the session's wheels, in the session's cache, for this process and the CLI's."""
    env = {
        settings.WHEELHOUSE.name: os.fspath(session_wheelhouse(tmp_path_factory)),
        settings.CACHE_DIR.name: os.environ[settings.CACHE_DIR.name],
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        yield env
