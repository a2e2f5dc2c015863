"""The small Terraform app of devtools.smoke, full lifecycle on moto (building block of the app test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import moto_server as ms
from devtools import smoke


@pytest.mark.terraform
def test_sample_app_lifecycle_on_moto(
    terraform_ready: Path, clean_moto: ms.MotoServer, tmp_path: Path, record_property
) -> None:
    """init -> validate -> apply -> clean plan -> code change is one in-place update -> apply -> clean plan
    -> destroy -> nothing left, in about 35 s. Without the SQS part (which costs ~50 s of the aws provider's fixed
    attribute wait): the app lifecycle in tests/lifecycle deploys the real queues, redrive and event source mapping."""
    lifecycle = smoke.run_lifecycle(tmp_path / "app", terraform_ready, clean_moto.endpoint_url, sqs=False)
    for phase, seconds in lifecycle.timings.items():
        record_property(f"seconds[{phase}]", seconds)
    print("\n" + lifecycle.report())
    assert ms.leftovers(clean_moto.endpoint_url) == {}
