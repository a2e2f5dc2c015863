"""Library code reports through :mod:`logging`, one logger per room (:mod:`cdktf_lambda.logs`): the notes reach the
user when nobody configured logging (a ``cdktf synth`` of a user's app), once, on the progress stream; a command of
ours sends them where it wants; and no library module prints."""

from __future__ import annotations

import ast
import io
import logging
import os
import subprocess
import sys

import pytest

from cdktf_lambda.logs import logging_to, room_logger
from cdktf_lambda.progress import CLI_ENV
from tests.conftest import PROJECT_ROOT

LIBRARY = PROJECT_ROOT / "cdktf_lambda"

#: A synth-time note as a user's app gets it: a zip built without bytecode, its interpreter missing.
NOTE_SCRIPT = """
import sys
from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.packaging.bytecode import bytecode_for, set_compiler_lookup

def lookup(runtime):
    raise ProvisionError(f"no {runtime} here")

if "configured" in sys.argv:
    import logging
    logging.basicConfig(format="app %(levelname)s %(name)s: %(message)s")
set_compiler_lookup(lookup)
assert bytecode_for(["python3.13"]) is None
print("synthesized")
"""
NOTE = "zips are built without python3.13 bytecode: no python3.13 here"


def run_app(*args: str, under_cli: bool = False) -> subprocess.CompletedProcess[str]:
    """:data:`NOTE_SCRIPT` in a fresh process (as ``cdktf synth`` runs the app when ``under_cli``)."""
    env = {key: value for key, value in os.environ.items() if key != CLI_ENV}
    if under_cli:
        env[CLI_ENV] = "true"
    return subprocess.run(
        [sys.executable, "-c", NOTE_SCRIPT, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


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


def test_unconfigured_a_synth_note_goes_to_stderr_once() -> None:
    result = run_app()
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"cdktf-lambda: note: {NOTE}\n"
    assert result.stdout == "synthesized\n"


def test_under_the_cdktf_cli_the_note_goes_to_stdout_so_it_is_not_shown_as_an_error() -> None:
    result = run_app(under_cli=True)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == (f"cdktf-lambda: note: {NOTE}\nsynthesized\n", "")


def test_an_app_that_configured_logging_gets_the_note_once_through_its_own_handler() -> None:
    result = run_app("configured")
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"app WARNING cdktf_lambda.packaging: {NOTE}\n"


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


def _prints(path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]


def test_no_library_module_prints_only_the_cli_writes_to_the_terminal() -> None:
    modules = [path for path in sorted(LIBRARY.rglob("*.py")) if "cli" not in path.relative_to(LIBRARY).parts[:1]]
    assert len(modules) > 100
    printing = {str(path.relative_to(PROJECT_ROOT)): lines for path in modules if (lines := _prints(path))}
    assert printing == {}
