"""Every ``CDKTF_LAMBDA_*`` variable is read in one module, typed, with its default and a description; the
documentation's table is that module's; a bad value names the variable and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.errors import InvalidParameterError
from tests.conftest import PROJECT_ROOT

LIBRARY = PROJECT_ROOT / "cdktf_lambda"
#: Where a variable's name may appear in the library: its one module, and the command's help.
ALLOWED = {LIBRARY / "settings.py"}
NAME = re.compile(r"CDKTF_LAMBDA_[A-Z0-9_]+")


def _library_files(suffix: str) -> list[Path]:
    return sorted(path for path in LIBRARY.rglob(f"*{suffix}") if "__pycache__" not in path.parts)


def test_no_python_module_but_settings_names_a_variable():
    named = {
        f"{path.relative_to(PROJECT_ROOT)}:{number}": line.strip()
        for path in _library_files(".py")
        if path not in ALLOWED and path.parent.name != "cli"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NAME.search(line)
    }
    assert named == {}


def test_what_the_node_loaders_read_is_listed_in_settings_as_read_by_node():
    read_by_node = {name for path in _library_files(".js") for name in NAME.findall(path.read_text(encoding="utf-8"))}
    assert read_by_node, "the node loaders read their cache and report variables"
    assert read_by_node <= set(settings.SETTINGS)
    assert {name for name in read_by_node if settings.SETTINGS[name].reader == "python"} <= {
        "CDKTF_LAMBDA_FAST_IMPORT_REPORT"  # read on both sides of jsii
    }


def test_every_setting_is_typed_documented_and_named_as_its_variable():
    for name, setting in settings.SETTINGS.items():
        assert name.startswith("CDKTF_LAMBDA_") and setting.name == name
        assert setting.description and "\n" not in setting.description
        assert setting.get({}) == setting.default


def test_the_documentation_table_is_generated_from_the_settings_module():
    """The site's settings page is the module's table (tests/docs/ checks the built page names every variable);
    no page writes a variable's default by hand elsewhere."""
    assert ".. cdktf-settings::" in (PROJECT_ROOT / "docs/reference/settings.rst").read_text(encoding="utf-8")
    table = settings.markdown_table().splitlines()
    assert len(table) == 2 + len(settings.SETTINGS)
    assert all(f"| `{name}` |" in table[index + 2] for index, name in enumerate(settings.SETTINGS))


@pytest.mark.parametrize(
    ("setting", "raw", "value"),
    [
        (settings.BYTECODE, "0", False),
        (settings.BYTECODE, "off", False),
        (settings.BYTECODE, "1", True),
        (settings.LOCAL_CONCURRENCY, "3", 3),
        (settings.LOCAL_ASYNC_RETRY_DELAYS, "0.2,1", (0.2, 1.0)),
        (settings.LOCAL_SYNTH_DIRS, "a:b", (Path("a"), Path("b"))),
        (settings.FLAVOR, "cdktn", "cdktn"),
        (settings.LOCAL_RUNNER, " host ", "host"),
    ],
)
def test_values_are_parsed_to_their_type(setting, raw, value):
    assert setting.get({setting.name: raw}) == value


@pytest.mark.parametrize(
    ("setting", "raw", "message"),
    [
        (settings.LOCAL_CONCURRENCY, "0", "Invalid CDKTF_LAMBDA_LOCAL_CONCURRENCY: '0'. Allowed: a positive integer"),
        (settings.LOCAL_ASYNC_RETRY_DELAYS, "soon", "Invalid CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS: 'soon'. Allowed: "),
        (settings.LOCAL_ASYNC_RETRY_DELAYS, "-1", "Allowed: delays that are not negative"),
        (settings.FLAVOR, "cdk8s", "Invalid CDKTF_LAMBDA_FLAVOR: 'cdk8s'. Allowed: cdktf or cdktn"),
        (settings.PROVISION_METHOD, "docker", "Allowed: debootstrap or extract"),
        (settings.MOTO_WATCH_PID, "me", "Allowed: a process id"),
    ],
)
def test_a_value_that_is_not_allowed_names_the_variable(setting, raw, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        setting.get({setting.name: raw})


def test_settings_are_read_when_asked_not_at_import(monkeypatch):
    monkeypatch.setenv(settings.LOCAL_CONCURRENCY.name, "7")
    assert settings.LOCAL_CONCURRENCY.get() == 7
    monkeypatch.delenv(settings.LOCAL_CONCURRENCY.name)
    assert settings.LOCAL_CONCURRENCY.get() is None
