"""One runner selection for ``cdktf-lambda invoke`` and the local cloud: the function's own runtime, or the host
fallback with one note saying why."""

from __future__ import annotations

import logging
import sys

import pytest

from cdktf_lambda.packaging.target import Target
from cdktf_lambda.runtime.host import HostRunner
from cdktf_lambda.runtime.runner import RuntimeRunner
from cdktf_lambda.runtime.selection import Runners, unavailable_reason


def _host(runtime: str) -> tuple[HostRunner, Target]:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return HostRunner(sys.executable, version), Target(f"python{version}", "x86_64")


def test_the_own_runtime_when_it_can_be_had_here_one_runner_for_every_function() -> None:
    with Runners(_host) as runners:
        first = runners.choose("python3.13", "x86_64")
        again = runners.choose("python3.13", "x86_64")
    assert isinstance(first.runner, RuntimeRunner) and first.fallback_reason is None
    assert first.target == Target("python3.13", "x86_64")
    assert again.runner is first.runner


def test_a_runtime_no_debian_release_ships_falls_back_with_one_note(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cdktf_lambda.runtime")
    with Runners(_host) as runners:
        choice = runners.choose("python3.12", "x86_64")
        runners.choose("python3.12", "x86_64")
    assert isinstance(choice.runner, HostRunner)
    assert "no Debian release ships CPython 3.12" in (choice.fallback_reason or "")
    notes = [record.getMessage() for record in caplog.records]
    assert len(notes) == 1 and notes[0].startswith("python3.12/x86_64 runs on the host fallback: ")
    assert "no Debian release ships CPython 3.12" in notes[0]


def test_prefer_host_always_gives_the_host_runner_without_a_note(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cdktf_lambda.runtime")
    with Runners(_host, prefer="host") as runners:
        assert isinstance(runners.choose("python3.13", "x86_64").runner, HostRunner)
    assert caplog.records == []


@pytest.mark.parametrize(
    ("runtime", "architecture", "reason"),
    [("python3.12", "x86_64", "no Debian release ships"), ("python3.13", "arm64", "cannot run on this x86_64")],
)
def test_why_a_runtime_cannot_run_here(runtime: str, architecture: str, reason: str) -> None:
    assert reason in (unavailable_reason(runtime, architecture) or "")
    assert unavailable_reason("python3.13", "x86_64") is None
