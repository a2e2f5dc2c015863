"""Library code reports through :mod:`logging`, one logger per room (:mod:`cdktf_lambda.logs`): the notes reach the
user when nobody configured logging, once, on the progress stream; a command of ours sends them where it wants."""

from __future__ import annotations

import io
import logging

import pytest

from cdktf_lambda.logs import logging_to, room_logger


@pytest.mark.parametrize(
    ("module", "logger"),
    [
        ("cdktf_lambda.runtime.selection", "cdktf_lambda.runtime"),
        ("cdktf_lambda.emulator.cloud.esm", "cdktf_lambda.emulator"),
        ("cdktf_lambda.packaging", "cdktf_lambda.packaging"),
        ("cdktf_lambda.progress", "cdktf_lambda"),
        ("cdktf_lambda", "cdktf_lambda"),
        ("__main__", "cdktf_lambda"),
    ],
)
def test_each_module_reports_through_the_logger_of_its_room(module: str, logger: str) -> None:
    assert room_logger(module).name == logger


def test_the_default_handler_writes_information_and_warnings_but_no_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = room_logger("cdktf_lambda.tools.invoke")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in an app that configured nothing
    log.debug("a detail")
    log.info("running %s", "f")
    log.warning("a note")
    log.error("a failure")
    assert capsys.readouterr().err == (
        "cdktf-lambda: running f\ncdktf-lambda: note: a note\ncdktf-lambda: error: a failure\n"
    )


def test_the_default_handler_is_silent_while_the_root_logger_has_a_handler(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert logging.getLogger().handlers, "pytest's own handlers are on the root logger"
    room_logger("cdktf_lambda.packaging.bytecode").warning("a note")
    assert capsys.readouterr() == ("", "")
    assert [record.getMessage() for record in caplog.records] == ["a note"], "the application's handler has it"


def test_logging_to_a_stream_replaces_the_default_handler_for_the_block() -> None:
    log = room_logger("cdktf_lambda.deploy.local")
    root = logging.getLogger("cdktf_lambda")
    before = (list(root.handlers), root.level)
    stream = io.StringIO()
    with logging_to(stream, logging.DEBUG, verbose=True):
        log.debug("removed %s", "x")
        log.warning("a note")
    with logging_to(stream, logging.WARNING):
        log.info("hidden")
        log.error("shown")
    assert stream.getvalue() == (
        "cdktf-lambda: [cdktf_lambda.deploy] removed x\n"
        "cdktf-lambda: [cdktf_lambda.deploy] note: a note\n"
        "cdktf-lambda: error: shown\n"
    )
    assert (list(root.handlers), root.level) == before
