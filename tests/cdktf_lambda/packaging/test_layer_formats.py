"""The same layer whatever the lock: one project locked by uv, poetry, pipenv and pip-compile builds into the same
bytes; its sdist-only docopt is built into a pure wheel; exclude= leaves packages out; the largest are reported."""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile

import pytest

from cdktf_lambda.packaging.layer_build import build_layer
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import (
    UV_WORKSPACE,
    WEBAPP_LOCKS,
    WEBAPP_PY313,
    pip_runs,
    session_wheelhouse,
    started_processes,
)

#: Top-level names in ``python/`` of the fixture's python3.13 layer, per package (``legacy-cgi`` ships ``cgi.py``).
MODULES = {"fastapi": "fastapi/", "docopt": "docopt.py", "legacy-cgi": "cgi.py", "pydantic-core": "pydantic_core/"}


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory):
    return session_wheelhouse(tmp_path_factory)


@pytest.fixture(scope="module")
def format_builds(wheelhouse, tmp_path_factory):
    """Each lock format built for python3.13/x86_64 offline, into one cache: (built layer, progress, pip runs)."""
    cache = tmp_path_factory.mktemp("formats-cache")
    builds = {}
    for kind, lock in WEBAPP_LOCKS.items():
        progress = io.StringIO()
        with started_processes() as commands, contextlib.redirect_stderr(progress):
            built = build_layer(lock, Target(), cache, wheelhouse=wheelhouse)
        builds[kind] = (built, progress.getvalue(), pip_runs(commands))
    return builds


def names(built) -> list[str]:
    with zipfile.ZipFile(built.path) as archive:
        return archive.namelist()


@pytest.mark.parametrize("kind", sorted(WEBAPP_LOCKS))
def test_each_format_builds_a_python3_13_layer_with_the_locked_packages(format_builds, kind):
    built, progress, _ = format_builds[kind]
    assert built.packages == WEBAPP_PY313 and built.lock_format == kind and not built.cached
    arcnames = names(built)
    assert all(name.startswith("python/") for name in arcnames)
    for module in MODULES.values():
        assert any(name.startswith(f"python/{module}") for name in arcnames), module
    assert "python/docopt-0.6.2.dist-info/METADATA" in arcnames, "the pure sdist is in, as an installed wheel"
    assert not [n for n in arcnames if n.startswith(("python/backports", "python/tzdata", "python/webapp"))]
    assert "; built from sdists: docopt; largest: pydantic-core " in progress


def test_the_four_layers_are_byte_identical(format_builds):
    zips = {kind: built.path.read_bytes() for kind, (built, _, _) in format_builds.items()}
    assert len(set(zips.values())) == 1, {kind: len(data) for kind, data in zips.items()}
    assert len({built.key for built, _, _ in format_builds.values()}) == 4, "the cache key may differ per format"


def test_locks_that_know_their_sdists_build_first_the_others_find_them_through_pip(format_builds):
    """uv.lock and poetry.lock list docopt's files (an sdist only); Pipfile.lock and requirements only hashes."""
    for kind, (_, _, pips) in format_builds.items():
        subcommands = [command[3] for command in pips]
        if kind in ("uv", "poetry"):
            assert subcommands in (["wheel", "install"], ["install"]), subcommands  # the wheel may be cached
        else:
            assert subcommands[0] == "install" and subcommands[-1] == "install" and "download" in subcommands
    assert [command[3] for command in format_builds["uv"][2]] == ["wheel", "install"], "the first build of docopt"


def test_the_largest_packages_are_reported_with_their_sizes(format_builds):
    built, progress, _ = format_builds["uv"]
    largest = built.largest_packages
    assert len(largest) == 5 and largest[0].name == "pydantic-core"
    assert [p.size for p in largest] == sorted((p.size for p in largest), reverse=True)
    with zipfile.ZipFile(built.path) as archive:
        core = sum(i.file_size for i in archive.infolist() if i.filename.startswith("python/pydantic_core"))
    assert largest[0].size == core, "the package's files, its dist-info included"
    assert sum(p.size for p in built.package_sizes) == built.unzipped_size
    assert progress.endswith(", ".join(str(p) for p in largest) + "\n")


def test_a_cache_hit_reports_the_same_sizes_and_a_lost_sizes_file_rebuilds(format_builds, wheelhouse):
    built, _, _ = format_builds["poetry"]
    again = build_layer(WEBAPP_LOCKS["poetry"], Target(), built.path.parent, wheelhouse=wheelhouse)
    assert again.cached and again.package_sizes == built.package_sizes
    built.path.with_suffix(".sizes.json").unlink()
    rebuilt = build_layer(WEBAPP_LOCKS["poetry"], Target(), built.path.parent, wheelhouse=wheelhouse)
    assert not rebuilt.cached and rebuilt.zip_hash == built.zip_hash and rebuilt.package_sizes == built.package_sizes


def test_exclude_leaves_packages_out_and_says_so(format_builds, wheelhouse, tmp_path, capsys):
    kept = build_layer(
        WEBAPP_LOCKS["pipfile"],
        Target(),
        tmp_path,
        exclude=["WebOb", "legacy_cgi", "backports.tarfile"],
        wheelhouse=wheelhouse,
    )
    assert kept.excluded == ("legacy-cgi", "webob"), "backports-tarfile is not selected for 3.13: nothing dropped"
    assert set(WEBAPP_PY313) - set(kept.packages) == {"legacy-cgi==2.6.4", "webob==1.8.11"}
    assert not [n for n in names(kept) if n.startswith(("python/webob", "python/cgi", "python/legacy_cgi"))]
    assert "(15 packages; excluded legacy-cgi, webob)... done: " in capsys.readouterr().err
    full, _, _ = format_builds["pipfile"]
    assert kept.key != full.key and kept.unzipped_size < full.unzipped_size


def test_a_uv_workspace_layer_holds_what_the_members_need_and_says_the_members_are_left_out(
    wheelhouse, tmp_path, capsys, caplog
):
    caplog.set_level(logging.INFO, logger="cdktf_lambda.packaging")
    built = build_layer(UV_WORKSPACE / "uv.lock", Target(), tmp_path, wheelhouse=wheelhouse)
    assert built.packages == ("docopt==0.6.2", "mangum==0.22.0", "typing-extensions==4.16.0", "tzlocal==5.4.5")
    assert not [n for n in names(built) if n.startswith(("python/ws_core", "python/ws_app"))]
    (note,) = caplog.records
    assert note.levelno == logging.WARNING
    assert note.getMessage().startswith("tests/fixtures/locks/uv-workspace/uv.lock: workspace members ws-app")
    (progress,) = capsys.readouterr().err.splitlines()
    assert progress.startswith("cdktf-lambda: building dependency layer for python3.13/x86_64 from tests/fixtures/")
