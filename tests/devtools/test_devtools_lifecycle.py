"""The small Terraform app of devtools.smoke, full lifecycle on moto (building block of the app test)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.emulator import server as moto
from cdktf_lambda.emulator.contents import leftovers
from devtools import smoke


def test_sample_zips_are_deterministic(tmp_path: Path) -> None:
    """The smoke app's zips come from the library's zip writer: same files, same bytes."""
    first = smoke.write_sample(tmp_path / "a", sqs=False)
    second = smoke.write_sample(tmp_path / "b", sqs=False)
    for name in ("fn.zip", "layer.zip"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    with zipfile.ZipFile(first / "layer.zip") as archive:
        assert archive.namelist() == ["python/smoke_dep.py"]
    with zipfile.ZipFile(first / "fn.zip") as archive:
        assert archive.read("app.py").decode() == smoke.HANDLER_V1


@pytest.mark.terraform
def test_sample_app_lifecycle_on_moto(terraform_cli_config: Path, tmp_path: Path, record_property) -> None:
    """init -> validate -> apply -> clean plan -> code change is one in-place update -> apply -> clean plan
    -> destroy -> nothing left, in about 35 s. Without the SQS part (which costs ~50 s of the aws provider's fixed
    attribute wait): the app lifecycle in tests/lifecycle deploys the real queues, redrive and event source mapping."""
    with moto.running_server(log_path=tmp_path / "moto.log") as server:
        lifecycle = smoke.run_lifecycle(tmp_path / "app", terraform_cli_config, server.endpoint_url, sqs=False)
        for phase, seconds in lifecycle.timings.items():
            record_property(f"seconds[{phase}]", seconds)
        print("\n" + lifecycle.report())
        assert leftovers(server.endpoint_url) == {}
