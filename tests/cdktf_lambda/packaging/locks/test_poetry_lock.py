"""poetry.lock (Poetry 2): the main group, groups and extras from the recorded markers; Poetry 1 locks refused."""

from __future__ import annotations

import textwrap

import pytest

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks import read_lock, requirements_for
from cdktf_lambda.packaging.locks.markers import decide_extras
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import WEBAPP_LOCKS, WEBAPP_PY313, names_for

POETRY_LOCK = WEBAPP_LOCKS["poetry"]
HASH = "sha256:" + "a" * 64


def write_poetry_lock(path, package: str, lock_version: str = "2.1"):
    path.write_text(
        textwrap.dedent(package)
        + f'\n[metadata]\nlock-version = "{lock_version}"\npython-versions = ">=3.11"\ncontent-hash = "0"\n'
    )
    return path


def test_the_main_group_for_python3_13():
    lock = read_lock(POETRY_LOCK)
    assert tuple(p.pin for p in requirements_for(lock, Target())) == WEBAPP_PY313
    assert [p.name for p in lock.packages if p.sdist_only] == ["docopt"]
    assert "iniconfig" not in lock.names and "click" not in lock.names
    assert (lock.format, lock.requires_python) == ("poetry", ">=3.11")


@pytest.mark.parametrize(
    ("options", "added"),
    [
        ({"groups": ["dev"]}, {"iniconfig"}),
        ({"groups": ["main"]}, set()),
        ({"extras": ["cli"]}, {"click"}),
        ({"extras": ["email"]}, {"email-validator", "dnspython"}),
    ],
)
def test_groups_and_extras_add_their_packages(options, added):
    assert names_for(read_lock(POETRY_LOCK, **options)) == names_for(read_lock(POETRY_LOCK)) | added


@pytest.mark.parametrize(
    ("marker", "extras", "decided"),
    [
        ('extra == "cli"', [], False),
        ('extra == "cli"', ["cli"], None),
        ('python_version >= "3.12" and extra == "cli"', ["cli"], 'python_version >= "3.12"'),
        ('extra == "a" or sys_platform == "win32"', [], 'sys_platform == "win32"'),
        ('(extra == "a" or extra == "b") and os_name == "posix"', ["b"], 'os_name == "posix"'),
        ('extra != "a"', ["a"], False),
        (None, [], None),
    ],
)
def test_extras_are_decided_in_markers_and_the_rest_is_kept(marker, extras, decided):
    assert decide_extras(marker, extras) == decided


def test_per_group_markers_are_or_ed_over_the_chosen_groups(tmp_path):
    path = write_poetry_lock(
        tmp_path / "poetry.lock",
        f"""
        [[package]]
        name = "dep"
        version = "1.0"
        groups = ["main", "dev"]
        markers = {{ main = "sys_platform == 'win32'" }}
        files = [{{ file = "dep-1.0-py3-none-any.whl", hash = "{HASH}" }}]
        """,
    )
    assert names_for(read_lock(path)) == set(), "main only on Windows"
    assert names_for(read_lock(path, groups=["dev"])) == {"dep"}, "a group missing from the table: always"


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ('source = { type = "git", url = "https://example.invalid/dep.git", reference = "main" }', "a git source"),
        ('source = { type = "directory", url = "../dep" }', "a directory source"),
        ('source = { type = "url", url = "https://example.invalid/dep.tar.gz" }', "a url source"),
    ],
)
def test_packages_that_do_not_come_from_an_index_are_refused(tmp_path, source, match):
    path = write_poetry_lock(
        tmp_path / "poetry.lock",
        f'[[package]]\nname = "dep"\nversion = "1.0"\ngroups = ["main"]\n{source}\nfiles = []\n',
    )
    with pytest.raises(SourceError, match=match + r" .*only index packages"):
        read_lock(path)


def test_a_private_index_is_used_for_its_packages(tmp_path):
    path = write_poetry_lock(
        tmp_path / "poetry.lock",
        f"""
        [[package]]
        name = "dep"
        version = "1.0"
        groups = ["main"]
        files = [{{ file = "dep-1.0.tar.gz", hash = "{HASH}" }}]
        [package.source]
        type = "legacy"
        url = "https://pypi.example.invalid/simple"
        reference = "private"
        """,
    )
    lock = read_lock(path)
    assert lock.index_urls == ("https://pypi.example.invalid/simple",)
    assert lock.packages[0].sdist_only


@pytest.mark.parametrize(
    ("files", "lock_version", "match"),
    [
        (f'[{{ file = "dep-1.0.tar.gz", hash = "{HASH}" }}]', "2.0", r"lock-version 2.0 \(Poetry 1\).*`poetry lock`"),
        ('[{ file = "dep-1.0.tar.gz", hash = "md5:0123" }]', "2.1", "uses md5"),
        ("[]", "2.1", r"lists no files \(no hashes\); re-lock with `poetry lock`"),
    ],
)
def test_old_unhashed_or_weakly_hashed_locks_are_refused(tmp_path, files, lock_version, match):
    package = f'[[package]]\nname = "dep"\nversion = "1.0"\ngroups = ["main"]\nfiles = {files}\n'
    with pytest.raises(SourceError, match=match):
        read_lock(write_poetry_lock(tmp_path / "poetry.lock", package, lock_version))
