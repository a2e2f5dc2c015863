"""Hashed requirements files, as pip-compile, uv export, poetry export and pipenv write them; anything else is
refused."""

from __future__ import annotations

import pytest

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks import read_lock, requirements_for
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import WEBAPP, WEBAPP_LOCKS, WEBAPP_PY313, pins_for

HASH = "sha256:" + "a" * 64
HASHED_COMMANDS = (
    "pip-compile --generate-hashes",
    "uv export --frozen --no-dev --no-emit-project --format requirements-txt",
    "--no-emit-workspace",
    "poetry export --format requirements.txt",
    "pipenv requirements --hash",
)


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-uv.txt", "requirements-poetry.txt"])
def test_each_tool_s_export_selects_the_python3_13_set(name):
    lock = read_lock(WEBAPP / name)
    assert lock.format == "requirements"
    assert pins_for(lock) == WEBAPP_PY313
    assert lock.index_urls == ("https://pypi.org/simple",)


def test_the_universal_exports_keep_their_markers():
    uv_export = read_lock(WEBAPP / "requirements-uv.txt")
    assert {p.name: p.marker for p in uv_export.packages}["backports-tarfile"] == 'python_full_version < "3.12"'
    assert "backports-tarfile==1.2.0" in pins_for(uv_export, Target("python3.11"))
    assert pins_for(read_lock(WEBAPP / "requirements-poetry.txt"), Target("python3.12")) == pins_for(
        uv_export, Target("python3.12")
    )


def test_pip_compile_s_file_is_refused_for_another_python():
    lock = read_lock(WEBAPP_LOCKS["requirements"])
    assert lock.locked_for_python == "3.13"
    with pytest.raises(SourceError, match=r"resolved with Python 3\.13, not the target's 3\.12.*run pip-compile with"):
        requirements_for(lock, Target("python3.12"))


def test_a_file_without_hashes_is_refused_with_the_commands_that_write_one():
    with pytest.raises(SourceError) as caught:
        read_lock(WEBAPP / "requirements-nohashes.txt")
    message = str(caught.value)
    assert message.startswith("lock_file='tests/fixtures/locks/webapp/requirements-nohashes.txt' has no hashes.")
    for command in HASHED_COMMANDS:
        assert command in message


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (f"a==1.0 --hash={HASH}\nb==2.0\n", r"has lines without hashes \(b\)"),
        ("-e .\n", "editable requirement '.' cannot go into a layer.*--no-emit-project"),
        (f"a>=1.0 --hash={HASH}\n", "is not pinned with =="),
        (f"a==1.* --hash={HASH}\n", "is not pinned with =="),
        (f"a @ https://example.invalid/a-1.0.tar.gz --hash={HASH}\n", "direct URLs cannot go into a layer"),
        (f"./vendor/a-1.0.tar.gz --hash={HASH}\n", "paths, URLs and VCS links cannot"),
        ("-r other.txt\n", "nested requirement or constraint files"),
        ("a==1.0 --hash=md5:0123\n", "uses md5"),
        (f"a==1.0 --hash={HASH} --global-option=x\n", "unsupported per-requirement option"),
        (f"a==1.0; extra == 'x' --hash={HASH}\n", "depends on an extra"),
        (f"a==1.0 --hash={HASH}\na==1.0 --hash={HASH}\n", "a==1.0 is listed twice"),
        ("# only comments\n", "lists no requirement"),
    ],
)
def test_lines_that_are_not_hashed_pins_are_refused(tmp_path, text, match):
    (tmp_path / "requirements.txt").write_text(text)
    with pytest.raises(SourceError, match=match):
        read_lock(tmp_path / "requirements.txt")


def test_pip_s_line_rules_and_index_options(tmp_path):
    (tmp_path / "reqs.txt").write_text(
        "--index-url https://pypi.example.invalid/simple\n"
        "--extra-index-url=https://pypi.org/simple\n"
        "--find-links /opt/wheels  # ignored: the hashes pin every file\n"
        "Jaraco.Context==6.1.2 ; python_version >= '3.10' \\\n"
        f"    --hash={HASH.replace('sha256', 'SHA256')}  # via -r in\n"
        f"b==2.0; sys_platform == 'win32' --hash={HASH}\n"
    )
    lock = read_lock(tmp_path / "reqs.txt")
    assert lock.index_urls == ("https://pypi.example.invalid/simple", "https://pypi.org/simple")
    assert [(p.name, p.version, p.hashes) for p in lock.packages] == [
        ("b", "2.0", (HASH,)),
        ("jaraco-context", "6.1.2", (HASH,)),
    ]
    assert pins_for(lock) == ("jaraco-context==6.1.2",)
