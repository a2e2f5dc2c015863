"""Lock → dependency layer zip: pip options, stripping, determinism, cache and limits (no jsii).

Reading each lock format is tested in ``locks/``; the formats against each other in ``test_layer_formats.py``."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.errors import DependencyBuildError, InvalidParameterError, PackageTooLargeError, SourceError
from cdktf_lambda.packaging import base64_sha256
from cdktf_lambda.packaging.layer_build import build_layer, cache_key, strip_tree
from cdktf_lambda.packaging.locks import read_lock
from cdktf_lambda.packaging.pip import pip_install_command
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import LAMBDA_LOCK, lock_without, pip_runs, session_wheelhouse, started_processes

RUNTIME_PACKAGES = {"fastapi", "mangum", "aws-lambda-powertools", "pydantic-core", "starlette"}


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    return session_wheelhouse(tmp_path_factory)


@pytest.fixture(scope="module")
def x86_build(wheelhouse, tmp_path_factory):
    """python3.13/x86_64 built from the session's wheels (offline)."""
    return build_layer(LAMBDA_LOCK, Target(), tmp_path_factory.mktemp("x86-cache"), wheelhouse=wheelhouse)


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def write_lock(path: Path, default: dict, **extra) -> Path:
    meta = {"sources": [{"url": "https://pypi.org/simple"}]}
    path.write_text(json.dumps({"_meta": meta, "default": default, **extra}))
    return path


@pytest.mark.parametrize(
    ("runtime", "architecture", "match"),
    [("python3.9", "x86_64", "Invalid runtime"), ("python3.13", "aarch64", "Invalid architecture")],
)
def test_an_unknown_target_names_the_allowed_values(runtime, architecture, match):
    with pytest.raises(InvalidParameterError, match=match):
        Target(runtime, architecture)


# --- pip -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "newest", "version"),
    [
        (Target("python3.13", "x86_64"), "manylinux_2_34_x86_64", "3.13"),  # Amazon Linux 2023: glibc 2.34
        (Target("python3.12", "arm64"), "manylinux_2_34_aarch64", "3.12"),
        (Target("python3.11", "x86_64"), "manylinux_2_26_x86_64", "3.11"),  # Amazon Linux 2: glibc 2.26
    ],
)
def test_pip_installs_wheels_for_the_lambda_platform_only(tmp_path, target, newest, version):
    command = pip_install_command(target, tmp_path / "python", tmp_path / "req.txt", index_urls=["https://x.invalid"])
    platforms = [command[i + 1] for i, part in enumerate(command) if part == "--platform"]
    machine = target.machine
    assert platforms[0] == newest and platforms[-1] == f"manylinux2014_{machine}"
    assert f"manylinux_2_17_{machine}" in platforms
    assert (f"manylinux_2_28_{machine}" in platforms) is (version != "3.11")
    assert command[command.index("--python-version") + 1] == version
    assert command[command.index("--implementation") + 1] == "cp"
    for flag in ("--only-binary=:all:", "--no-deps", "--require-hashes", "--no-compile", "--isolated"):
        assert flag in command
    assert command[command.index("--index-url") + 1] == "https://x.invalid"


def test_a_package_without_a_wheel_for_the_platform_fails_with_pip_s_reason(tmp_path, capsys):
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    expected = r"(?s)^annotated-doc==0.0.7 of lambda_src/Pipfile.lock has neither a wheel for python3.13/x86_64 nor an "
    expected += r"sdist: .*No matching distribution"
    with pytest.raises(DependencyBuildError, match=expected):
        build_layer(LAMBDA_LOCK, Target(), tmp_path / "cache", wheelhouse=empty)
    assert capsys.readouterr().err.endswith("failed\n"), "the progress line says the step failed"
    assert not list((tmp_path / "cache").glob("*.zip")), "no zip is cached after a failed build"
    assert not list((tmp_path / "cache").glob(".deps-build-*")), "the build directory is removed"


# --- content ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "machine"), [(Target("python3.13", "arm64"), "aarch64"), (Target(), "x86_64")])
def test_builds_for_x86_64_and_arm64(wheelhouse, tmp_path, target, machine, x86_build):
    built = x86_build if target == Target() else build_layer(LAMBDA_LOCK, target, tmp_path, wheelhouse=wheelhouse)
    arcnames = names(built.path)
    assert all(name.startswith("python/") for name in arcnames)
    for module in ("fastapi", "mangum", "aws_lambda_powertools", "pydantic", "starlette"):
        assert f"python/{module}/__init__.py" in arcnames
    binaries = [name for name in arcnames if name.endswith(".so")]
    assert binaries and all(f"cpython-313-{machine}-linux-gnu" in name for name in binaries), binaries
    assert built.target == target and built.packages == tuple(p.pin for p in read_lock(LAMBDA_LOCK).packages)


def test_python3_12_gets_python3_12_binaries(wheelhouse, tmp_path):
    built = build_layer(LAMBDA_LOCK, Target("python3.12", "arm64"), tmp_path, wheelhouse=wheelhouse)
    binaries = [name for name in names(built.path) if name.endswith(".so")]
    assert binaries and all("cpython-312-aarch64-linux-gnu" in name for name in binaries)


def test_the_layer_is_lean(x86_build):
    arcnames = names(x86_build.path)
    assert not [n for n in arcnames if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    assert not [n for n in arcnames if n.startswith("python/bin/")], "console scripts name the build machine"
    dist_info = [n for n in arcnames if ".dist-info/" in n]
    assert not [n for n in dist_info if n.rsplit("/", 1)[1] in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")]
    assert "python/fastapi-0.165.0.dist-info/METADATA" in arcnames, "importlib.metadata still works"


def test_reports_sizes(x86_build):
    with zipfile.ZipFile(x86_build.path) as archive:
        assert x86_build.unzipped_size == sum(info.file_size for info in archive.infolist())
    assert x86_build.size == x86_build.path.stat().st_size
    assert x86_build.zip_hash == base64_sha256(x86_build.path)
    assert 5 * 2**20 < x86_build.unzipped_size < 60 * 2**20


def test_strip_tree_keeps_runtime_modules_named_test(tmp_path):
    files = {
        "bin/fastapi": "#!/home/me/.venv/bin/python",
        "pkg/__init__.py": "",
        "pkg/__pycache__/x.cpython-313.pyc": "",
        "pkg/tests/test_pkg.py": "",
        "pkg/test/__init__.py": "real = 1",
        "pkg/testing.py": "",
        "other/tests/__init__.py": "helpers = 1",
        "pkg-1.0.dist-info/RECORD": "",
        "pkg-1.0.dist-info/INSTALLER": "pip",
        "pkg-1.0.dist-info/METADATA": "Name: pkg",
    }
    for relative, content in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content)
    strip_tree(tmp_path)
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [
        "other/tests/__init__.py",
        "pkg-1.0.dist-info/METADATA",
        "pkg/__init__.py",
        "pkg/test/__init__.py",
        "pkg/testing.py",
    ]


# --- determinism and cache -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_registry_build_is_byte_identical_to_an_offline_build_elsewhere(tmp_path, monkeypatch, x86_build, capsys):
    """The one test that installs from the registry (the lock's index), in another directory and cache."""
    monkeypatch.delenv(settings.WHEELHOUSE.name, raising=False)
    elsewhere = tmp_path / "elsewhere" / "checkout"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    built = build_layer(LAMBDA_LOCK, Target(), tmp_path / "other-cache")
    progress = capsys.readouterr().err
    assert not built.cached
    assert built.path.read_bytes() == x86_build.path.read_bytes()
    assert (built.zip_hash, built.path.name) == (x86_build.zip_hash, x86_build.path.name)
    assert progress.startswith("cdktf-lambda: building dependency layer for python3.13/x86_64 from ")
    assert progress.count("\n") == 1 and " MiB unzipped, " in progress


def test_a_second_build_is_a_cache_hit_without_pip_and_silent(x86_build, capsys, caplog):
    capsys.readouterr()
    with started_processes() as commands:
        again = build_layer(LAMBDA_LOCK, Target(), x86_build.path.parent)
    assert again.cached and again.path == x86_build.path and again.zip_hash == x86_build.zip_hash
    assert pip_runs(commands) == [] and commands == []
    assert capsys.readouterr() == ("", "") and caplog.records == []
    assert again.unzipped_size == x86_build.unzipped_size


def test_the_cache_key_follows_the_selection_the_target_and_what_is_excluded(tmp_path):
    base = json.loads(LAMBDA_LOCK.read_text())
    key = cache_key(read_lock(LAMBDA_LOCK), Target())

    dev_changed = {**base, "develop": {"pytest": {"version": "==8.0", "hashes": ["sha256:" + "d" * 64]}}}
    dev_changed["_meta"] = {**base["_meta"], "hash": {"sha256": "0" * 64}}
    (tmp_path / "dev.lock").write_text(json.dumps(dev_changed, indent=2))
    assert cache_key(read_lock(tmp_path / "dev.lock", lock_format="pipfile"), Target()) == key

    fewer = lock_without({"mangum"}, tmp_path / "fewer.lock")
    assert cache_key(read_lock(fewer, lock_format="pipfile"), Target()) != key
    assert cache_key(read_lock(LAMBDA_LOCK, categories=["default", "develop"]), Target()) != key
    assert cache_key(read_lock(LAMBDA_LOCK), Target(), excluded=["mangum"]) != key
    assert cache_key(read_lock(LAMBDA_LOCK), Target("python3.12")) != key
    assert cache_key(read_lock(LAMBDA_LOCK), Target("python3.13", "arm64")) != key


def test_a_corrupt_cache_entry_is_rebuilt(wheelhouse, tmp_path, x86_build):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / x86_build.path.name).write_bytes(b"not a zip")
    built = build_layer(LAMBDA_LOCK, Target(), cache, wheelhouse=wheelhouse)
    assert not built.cached and built.zip_hash == x86_build.zip_hash


def test_pip_ignores_machine_configuration_and_takes_the_wheelhouse_from_the_environment(
    monkeypatch, wheelhouse, tmp_path, x86_build
):
    """--isolated: PIP_* variables and pip.conf (a machine-wide find-links or constraints file) change nothing."""
    bogus = tmp_path / "constraints.txt"
    bogus.write_text("fastapi==0.0.1\n")
    monkeypatch.setenv("PIP_CONSTRAINT", str(bogus))
    monkeypatch.setenv("PIP_NO_BINARY", ":all:")
    monkeypatch.setenv(settings.WHEELHOUSE.name, os.fspath(wheelhouse))
    with started_processes() as commands:
        built = build_layer(LAMBDA_LOCK, Target(), tmp_path / "cache")
    (pip,) = pip_runs(commands)
    assert "--isolated" in pip and "--no-index" in pip and os.fspath(wheelhouse) in pip
    assert built.zip_hash == x86_build.zip_hash


# --- limits ----------------------------------------------------------------------------------------------------------


def test_a_layer_over_the_direct_upload_limit_is_refused(x86_build):
    with pytest.raises(PackageTooLargeError, match=r"is 4\.\d MiB zipped; Lambda allows at most 1\.0 MiB"):
        build_layer(LAMBDA_LOCK, Target(), x86_build.path.parent, max_zip_bytes=2**20)


def test_a_layer_over_the_unzipped_limit_is_refused(x86_build):
    with pytest.raises(PackageTooLargeError, match=r"unzipped; Lambda allows at most 10\.0 MiB for a function and all"):
        build_layer(LAMBDA_LOCK, Target(), x86_build.path.parent, max_unzipped_bytes=10 * 2**20)


def test_a_lock_with_nothing_for_the_target_is_an_error(tmp_path):
    entry = {"version": "==1.0", "hashes": ["sha256:" + "e" * 64], "markers": "sys_platform == 'win32'"}
    with pytest.raises(SourceError, match="Nothing to install: no package of .* applies to python3.13/x86_64"):
        build_layer(write_lock(tmp_path / "Pipfile.lock", {"pywin32-ctypes": entry}), Target(), tmp_path)
