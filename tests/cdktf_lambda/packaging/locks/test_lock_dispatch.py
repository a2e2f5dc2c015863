"""read_lock: the format by file name or lock_format=, options only where the format has them, exclude=, and the
four formats of one project agreeing."""

from __future__ import annotations

import shutil

import pytest

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.packaging.locks import (
    exclude_packages,
    format_of,
    normalize_exclude,
    read_lock,
    requirements_for,
)
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import WEBAPP_LOCKS, WEBAPP_PY313


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pipfile.lock", "pipfile"),
        ("uv.lock", "uv"),
        ("poetry.lock", "poetry"),
        ("requirements-prod.txt", "requirements"),
    ],
)
def test_the_format_follows_the_file_name(name, expected):
    assert format_of(f"some/dir/{name}") == expected


def test_lock_format_reads_a_file_of_any_name(tmp_path):
    renamed = shutil.copyfile(WEBAPP_LOCKS["uv"], tmp_path / "prod.lock")
    with pytest.raises(InvalidParameterError, match=r"Invalid lock_format: None. Allowed: one of 'pipfile', 'uv'"):
        read_lock(renamed)
    assert read_lock(renamed, lock_format="uv").names == read_lock(WEBAPP_LOCKS["uv"]).names


@pytest.mark.parametrize(
    ("lock", "options", "match"),
    [
        ("uv", {"lock_format": "pdm"}, r"Invalid lock_format: 'pdm'. Allowed: one of 'pipfile', 'uv', 'poetry', "),
        ("uv", {"categories": ["default"]}, r"Invalid categories: \['default'\]. Allowed: only with lock_format 'pip"),
        ("pipfile", {"groups": ["dev"]}, r"Invalid groups: \['dev'\]. Allowed: only with lock_format 'uv' or 'poet"),
        ("requirements", {"extras": ["cli"]}, r"Invalid extras: \['cli'\]. Allowed: only with lock_format 'uv' or "),
        ("poetry", {"groups": "dev"}, r"Invalid groups: 'dev'. Allowed: a list of names"),
        ("uv", {"extras": [""]}, r"Invalid extras: \[''\]. Allowed: a list of names"),
    ],
)
def test_options_the_format_does_not_have_are_refused(lock, options, match):
    with pytest.raises(InvalidParameterError, match=match):
        read_lock(WEBAPP_LOCKS[lock], **options)


@pytest.mark.parametrize(
    ("lock", "options", "match"),
    [
        ("uv", {"groups": ["docs"]}, r"Invalid groups: 'docs'. Allowed: a dependency group of .*uv.lock: dev\."),
        ("uv", {"extras": ["server"]}, r"Invalid extras: 'server'. Allowed: an extra of .*uv.lock: cli, email\."),
        ("poetry", {"groups": ["docs"]}, r"Invalid groups: 'docs'. Allowed: a dependency group of .*: dev, main\."),
        ("poetry", {"extras": ["server"]}, r"Invalid extras: 'server'. Allowed: an extra of .*poetry.lock: cli, email"),
        ("pipfile", {"categories": ["prod"]}, r"Invalid categories: 'prod'. Allowed: a category of .*: cli, default, "),
    ],
)
def test_an_unknown_group_extra_or_category_names_those_the_lock_has(lock, options, match):
    with pytest.raises(InvalidParameterError, match=match):
        read_lock(WEBAPP_LOCKS[lock], **options)


def test_the_four_formats_select_the_same_packages_with_hashes_for_the_same_wheels():
    selected = {kind: requirements_for(read_lock(path), Target()) for kind, path in WEBAPP_LOCKS.items()}
    for packages in selected.values():
        assert tuple(p.pin for p in packages) == WEBAPP_PY313
    # uv.lock lists every file; each other format lists at least those (the wheel pip installs is among them)
    uv_hashes = {p.name: set(p.hashes) for p in selected["uv"]}
    for kind, packages in selected.items():
        for package in packages:
            assert set(package.hashes) >= uv_hashes[package.name] or kind == "uv", (kind, package.name)


def test_the_selection_hash_follows_format_and_selection():
    hashes = {read_lock(path).sha256 for path in WEBAPP_LOCKS.values()}
    assert len(hashes) == 4
    assert read_lock(WEBAPP_LOCKS["uv"]).sha256 == read_lock(WEBAPP_LOCKS["uv"], groups=[], extras=None).sha256
    assert read_lock(WEBAPP_LOCKS["uv"], extras=["cli"]).sha256 != read_lock(WEBAPP_LOCKS["uv"]).sha256


def test_exclude_names_are_normalized_and_checked_against_the_lock():
    lock = read_lock(WEBAPP_LOCKS["uv"])
    packages = requirements_for(lock, Target())
    kept, excluded = exclude_packages(lock, packages, ["Pydantic_Core", "pydantic", "backports.tarfile"])
    assert excluded == ("pydantic", "pydantic-core"), "backports-tarfile is in the lock, but not for python3.13"
    assert {p.name for p in packages} - {p.name for p in kept} == {"pydantic", "pydantic-core"}
    with pytest.raises(InvalidParameterError, match=r"Invalid exclude: 'pydantc'. .*\(did you mean pydantic"):
        exclude_packages(lock, packages, ["pydantc"])


@pytest.mark.parametrize("value", ["boto3", ["boto 3"], [3], b"boto3"])
def test_exclude_must_be_a_list_of_package_names(value):
    with pytest.raises(InvalidParameterError, match=r"Invalid exclude: .* Allowed: a list of package names"):
        normalize_exclude(value)
