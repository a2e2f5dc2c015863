"""Provisioning CPython of a Lambda runtime: where it comes from, where it goes, once, and without root too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from cdktf_lambda import settings
from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.interpreters.python import target_python
from cdktf_lambda.interpreters.rootfs import (
    ProvisionError,
    debian_mirror,
    file_lock,
    find_rootfs,
    provision_rootfs,
    runtime_dir,
)
from tests.conftest import PROJECT_ROOT

DEB822 = """Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
"""


def test_the_mirror_is_the_first_debian_archive_of_the_apt_sources(tmp_path, monkeypatch):
    monkeypatch.delenv(settings.DEBIAN_MIRROR.name, raising=False)
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text("deb http://security.example/debian-security bookworm-security main\n")
    assert debian_mirror(tmp_path) is None
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    assert debian_mirror(tmp_path) == "http://mirror.example/debian"
    (tmp_path / "sources.list.d" / "debian.sources").unlink()
    (tmp_path / "sources.list").write_text("# comment\ndeb [arch=amd64] http://old.example/debian/ bookworm main\n")
    assert debian_mirror(tmp_path) == "http://old.example/debian"
    monkeypatch.setenv(settings.DEBIAN_MIRROR.name, "http://override.example/debian/")
    assert debian_mirror(tmp_path) == "http://override.example/debian"


def test_the_runtime_cache_is_per_user_not_per_project(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.RUNTIME_DIR.name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert runtime_dir() == tmp_path / "cdktf-lambda" / "runtimes"
    monkeypatch.setenv(settings.RUNTIME_DIR.name, str(tmp_path / "elsewhere"))
    assert runtime_dir() == tmp_path / "elsewhere"


@pytest.mark.parametrize("runtime", ["python3.12", "python3.10"])
def test_a_runtime_no_debian_release_ships_is_refused_clearly(runtime, tmp_path, monkeypatch):
    monkeypatch.setenv(settings.RUNTIME_DIR.name, str(tmp_path))
    with pytest.raises(ProvisionError, match=rf"{runtime} cannot be provisioned: no Debian release ships CPython"):
        provision_rootfs(runtime)


def test_an_unknown_method_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.RUNTIME_DIR.name, str(tmp_path))
    monkeypatch.setenv(settings.PROVISION_METHOD.name, "docker")
    with pytest.raises(InvalidParameterError, match="CDKTF_LAMBDA_PROVISION_METHOD: 'docker'. Allowed: debootstrap or"):
        provision_rootfs("python3.14")
    assert list(tmp_path.iterdir()) == [], "nothing is provisioned"


def test_the_lock_lets_one_process_provision_at_a_time(tmp_path):
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with file_lock(tmp_path / ".lock"):
            held.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with file_lock(tmp_path / ".lock"):
        order.append("second")
    thread.join()
    assert order == ["first done", "second"]


@pytest.mark.slow
def test_python3_13_is_provisioned_by_the_project_and_reused():
    """The interpreter every 3.13 test runs on: provisioned here when missing (fails loudly when it cannot be)."""
    started = time.monotonic()
    target = target_python("python3.13")
    print(f"python3.13: {target.describe()} ({time.monotonic() - started:.1f} s)")
    assert target.version == "3.13" and target.full_version.startswith("3.13.")
    assert target.bytecode_identity == f"cpython-{target.full_version}-{target.magic}" and len(target.magic) == 8
    if target.rootfs is not None:
        assert find_rootfs("python3.13") == target.rootfs
        assert (target.rootfs.root / "usr" / "bin" / "python3.13").is_file()


@pytest.mark.slow
def test_runtime_install_prints_how_long_it_took():
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_lambda", "runtime", "install", "python3.13", "python3.12"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, "python3.12 has no source"
    (ready,) = result.stdout.splitlines()
    assert ready.startswith("python3.13 ready (CPython 3.13.") and ready.endswith(" s"), result.stdout
    assert "cdktf-lambda: python3.12 cannot be provisioned: no Debian release ships CPython 3.12" in result.stderr


@pytest.mark.slow
def test_without_root_the_packages_are_extracted(tmp_path, monkeypatch, capsys):
    """The rootless path (apt with a private configuration, dpkg-deb -x): a python3.13 that runs, in ~10 s."""
    monkeypatch.setenv(settings.RUNTIME_DIR.name, str(tmp_path / "runtimes"))
    monkeypatch.setenv(settings.PROVISION_METHOD.name, "extract")
    rootfs = provision_rootfs("python3.13")
    assert rootfs.method == "extract" and rootfs.python_version.startswith("3.13.")
    progress = capsys.readouterr().err
    assert "done: CPython 3.13." in progress, progress
    stdlib = rootfs.root / "usr" / "lib" / "python3.13"
    assert list(stdlib.glob("__pycache__/os.cpython-313.pyc")), "the standard library is compiled"
    code = "import ssl, sqlite3, json, zoneinfo; print('ok')"
    result = subprocess.run([*rootfs.loader_command(), "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
    assert provision_rootfs("python3.13") == rootfs, "reused"
    assert not [p for p in (tmp_path / "runtimes").iterdir() if ".partial-" in p.name]
    assert os.path.isdir(rootfs.root / "var" / "task")


@pytest.mark.slow
def test_bytecode_prefers_the_root_filesystem_and_keeps_its_probe_beside_it(tmp_path, monkeypatch):
    """Every synth needs the bytecode interpreter's identity: read from beside the root filesystem while its
    interpreter file is unchanged, probed again (and recorded) when it is not."""
    from cdktf_lambda.interpreters import python as interpreters

    rootfs = find_rootfs("python3.13") or target_python("python3.13").rootfs
    assert rootfs is not None, "python3.13 is provisioned as a root filesystem here (make runtimes)"
    # A copy of the rootfs metadata pointing at the same interpreter, so the test writes only under tmp_path.
    home = tmp_path / rootfs.home.name
    home.mkdir()
    (home / "rootfs").symlink_to(rootfs.root)
    (home / "runtime.json").write_bytes((rootfs.home / "runtime.json").read_bytes())
    copy = type(rootfs)(rootfs.runtime, rootfs.architecture, home, rootfs.suite, rootfs.method, rootfs.python_version)

    probed = interpreters._probe_rootfs(copy)
    assert probed is not None and probed["version"] == "3.13"
    record = home / "probe.json"
    assert json.loads(record.read_text())["info"] == probed

    def no_probe(command):
        raise AssertionError(f"probed again: {command}")

    monkeypatch.setattr(interpreters, "_probe_json", no_probe)
    assert interpreters._probe_rootfs(copy) == probed, "read from the record, no interpreter run"

    stale = json.loads(record.read_text())
    stale["identity"][2] -= 1  # the interpreter file changed (another mtime)
    record.write_text(json.dumps(stale))
    monkeypatch.setattr(interpreters, "_probe_json", lambda command: {**probed, "full": "3.13.99"})
    assert interpreters._probe_rootfs(copy)["full"] == "3.13.99", "a changed interpreter is probed again"

    monkeypatch.setenv(settings.RUNTIME_DIR.name, str(tmp_path))
    assert find_rootfs("python3.13") == copy
    command, identity = interpreters.bytecode_command("python3.13")
    assert command == copy.loader_command() and identity == "cpython-3.13.99-" + probed["magic"]
