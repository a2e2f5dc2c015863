"""Fixtures of the local-deploy harness tests (``devtools``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools import moto_server
from devtools.terraform_cli import ProviderMirrorNotFound, find_provider_mirror, write_cli_config


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
def terraform_ready(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI config for the local provider mirror. Fails loudly (never skips) when terraform or the mirror is
    missing: these tests are the proof that the JSON deploys, and a silent skip would hide that."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH: the Terraform lifecycle tests need Terraform >= 1.10 installed")
    try:
        mirror = find_provider_mirror()
    except ProviderMirrorNotFound as exc:
        pytest.fail(f"no offline provider mirror for hashicorp/aws: {exc}")
    return write_cli_config(tmp_path_factory.mktemp("tfcli") / "cli.tfrc", mirror)
