"""Pipfile.lock: the chosen categories, hashed registry pins only, markers for the target, the Python it was
made for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.packaging.locks import read_lock, requirements_for, requirements_text
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import LAMBDA_LOCK, WEBAPP_LOCKS, WEBAPP_PY313, pins_for

RUNTIME_PACKAGES = {"fastapi", "mangum", "aws-lambda-powertools", "pydantic-core", "starlette"}
HASH = "sha256:" + "a" * 64


def write_lock(path: Path, default: dict, **sections) -> Path:
    meta = sections.pop("_meta", {"sources": [{"url": "https://pypi.org/simple"}]})
    path.write_text(json.dumps({"_meta": meta, "default": default, **sections}))
    return path


def test_reads_only_the_default_section_of_the_lambda_lock():
    lock = read_lock(LAMBDA_LOCK)
    assert RUNTIME_PACKAGES <= lock.names
    assert not {"cdktf", "pytest", "moto", "boto3", "uvicorn"} & lock.names
    assert (lock.path, lock.format, lock.categories) == ("lambda_src/Pipfile.lock", "pipfile", ("default",))
    assert lock.index_urls == ("https://pypi.org/simple",)
    assert all(p.hashes and all(h.startswith("sha256:") for h in p.hashes) for p in lock.packages)


def test_dev_packages_never_reach_the_requirements(tmp_path):
    entry = {"version": "==1.0", "hashes": [HASH]}
    lock = read_lock(write_lock(tmp_path / "Pipfile.lock", {"runtime-pkg": entry}, develop={"pytest": entry}))
    assert requirements_text(requirements_for(lock, Target())) == f"runtime-pkg==1.0 --hash={HASH}\n"


def test_the_fixture_lock_selects_the_python3_13_set_with_normalized_names():
    lock = read_lock(WEBAPP_LOCKS["pipfile"])
    assert {"jaraco-context", "backports-tarfile", "tzdata"} <= lock.names, "jaraco.context is spelled normalized"
    assert tuple(pins_for(lock)) == WEBAPP_PY313


@pytest.mark.parametrize(
    ("categories", "added"),
    [
        (["default", "cli"], {"click"}),
        (["default", "develop"], {"iniconfig"}),
        (["packages", "dev-packages"], {"iniconfig"}),  # the Pipfile's table names
    ],
)
def test_categories_add_their_packages(categories, added):
    default = {p.split("==")[0] for p in WEBAPP_PY313}
    lock = read_lock(WEBAPP_LOCKS["pipfile"], categories=categories)
    assert {p.split("==")[0] for p in pins_for(lock)} == default | added


def test_a_category_alone_replaces_the_default():
    assert pins_for(read_lock(WEBAPP_LOCKS["pipfile"], categories=["cli"])) == ("click==8.5.1",)


def test_a_package_in_two_categories_is_merged_and_must_agree_on_its_version(tmp_path):
    one = {"version": "==1.0", "hashes": [HASH], "markers": "python_version >= '3.12'"}
    two = {"version": "==1.0", "hashes": ["sha256:" + "b" * 64], "markers": "sys_platform == 'linux'"}
    lock = read_lock(
        write_lock(tmp_path / "Pipfile.lock", {"pkg": one}, extra={"pkg": two}), categories=["default", "extra"]
    )
    (package,) = lock.packages
    assert package.hashes == (HASH, "sha256:" + "b" * 64)
    assert package.marker == 'python_version >= "3.12" or sys_platform == "linux"'
    other = {**two, "version": "==2.0"}
    path = write_lock(tmp_path / "Pipfile.lock", {"pkg": one}, extra={"pkg": other})
    with pytest.raises(SourceError, match="pkg is locked at both 1.0 and 2.0"):
        read_lock(path, categories=["default", "extra"])


@pytest.mark.parametrize(
    ("markers", "target", "selected"),
    [
        ("python_version < '3.13'", Target("python3.13"), False),
        ("python_version < '3.13'", Target("python3.12"), True),
        ("platform_machine == 'aarch64'", Target("python3.13", "arm64"), True),
        ("platform_machine == 'aarch64'", Target("python3.13", "x86_64"), False),
        ("sys_platform == 'win32'", Target(), False),
        ("python_version >= '3.10' and python_full_version < '4.0.0'", Target(), True),
    ],
)
def test_markers_are_evaluated_for_the_target_not_this_machine(tmp_path, markers, target, selected):
    entry = {"version": "==1.0", "hashes": ["sha256:" + "b" * 64], "markers": markers}
    lock = read_lock(write_lock(tmp_path / "Pipfile.lock", {"pkg": entry}))
    assert bool(requirements_for(lock, target)) is selected


@pytest.mark.parametrize(
    ("entry", "match"),
    [
        ({"version": "==1.0"}, "has no hashes; re-lock with `pipenv lock`"),
        ({"hashes": ["sha256:" + "c" * 64]}, "not a hashed registry pin"),
        ({"version": ">=1.0", "hashes": ["sha256:" + "c" * 64]}, "not a hashed registry pin"),
        ({"git": "https://example.invalid/x.git", "ref": "abc"}, "git, path, file and editable entries"),
        ({"path": ".", "editable": True}, "git, path, file and editable entries"),
        ({"version": "==1.0", "hashes": ["md5:" + "c" * 32]}, "uses md5; pip --require-hashes only accepts sha256"),
    ],
)
def test_lock_entries_that_cannot_be_built_for_lambda_are_refused(tmp_path, entry, match):
    with pytest.raises(SourceError, match=match):
        read_lock(write_lock(tmp_path / "Pipfile.lock", {"pkg": entry}))


@pytest.mark.parametrize(
    ("content", "error", "match"),
    [
        (None, SourceError, r"Lock file not found: .*; create it with `pipenv lock`"),
        ("{not json", SourceError, "is not a Pipfile.lock"),
        ('{"develop": {}}', SourceError, "has no '_meta' object; is it a Pipfile.lock"),
        ('{"_meta": {}, "develop": {}}', InvalidParameterError, "Invalid categories: 'default'"),
    ],
)
def test_a_missing_or_malformed_lock_is_a_clear_error(tmp_path, content, error, match):
    path = tmp_path / "Pipfile.lock"
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=match):
        read_lock(path)


def test_a_lock_made_with_another_python_is_refused_for_the_target():
    """pipenv resolves for its own interpreter: a 3.13 lock may lack what 3.12 needs, and the other way round."""
    lock = read_lock(WEBAPP_LOCKS["pipfile"])
    assert lock.locked_for_python == "3.13"
    with pytest.raises(SourceError, match=r"resolved with Python 3\.13, not the target's 3\.12: .*pipenv lock"):
        requirements_for(lock, Target("python3.12"))
    assert requirements_for(lock, Target("python3.12"), check_python=False), "invoke's local approximation"


def test_a_lock_that_does_not_say_its_python_is_read_for_any_target():
    lock = read_lock(LAMBDA_LOCK)
    assert lock.locked_for_python is None
    assert pins_for(lock, Target("python3.12")) == pins_for(lock, Target("python3.13"))
