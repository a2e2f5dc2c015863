"""Bytecode in the zips: compiled by the target interpreter, named by the path on Lambda, reproducible, optional.

The fast tests inject this interpreter as the compiler of a runtime (:func:`set_compiler_lookup`); the app's own
zips carry real python3.13 bytecode (``tests/stacks``, ``tests/security/test_reproducibility.py``).
"""

from __future__ import annotations

import logging
import marshal
import sys
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.errors import CdktfLambdaError
from cdktf_lambda.packaging import build_zip, list_files
from cdktf_lambda.packaging.bytecode import Compiler, bytecode_enabled, bytecode_for, set_compiler_lookup

TAG = sys.implementation.cache_tag  # cpython-311
HOST = Compiler((sys.executable,), f"host-{TAG}")
SOURCES = {"__init__.py": "", "app.py": "def handler(event, context):\n    return 1\n", "data/x.txt": "not code"}


@pytest.fixture
def host_compiler():
    """This interpreter compiles for "python3.11" (and only it)."""

    def lookup(runtime):
        if runtime != f"python{sys.version_info[0]}.{sys.version_info[1]}":
            raise CdktfLambdaError(f"no {runtime} here")
        return HOST

    set_compiler_lookup(lookup)
    yield f"python{sys.version_info[0]}.{sys.version_info[1]}"
    set_compiler_lookup(None)


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def code_filename(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        data = archive.read(member)
    assert int.from_bytes(data[4:8], "little") == 0b01, "unchecked-hash pyc (flags: hash-based, no check_source)"
    return marshal.loads(data[16:]).co_filename


def test_a_function_zip_gets_bytecode_named_under_var_task(make_source, tmp_path, host_compiler):
    root = make_source(SOURCES)
    built = build_zip(list_files(root), tmp_path / "cache", "fn", bytecode=bytecode_for([host_compiler]))
    assert sorted(names(built.path)) == sorted(
        [*SOURCES, f"__pycache__/__init__.{TAG}.pyc", f"__pycache__/app.{TAG}.pyc"]
    )
    assert code_filename(built.path, f"__pycache__/app.{TAG}.pyc") == "/var/task/app.py"


def test_a_layer_zip_gets_bytecode_named_under_opt_python(make_source, tmp_path, host_compiler):
    root = make_source(SOURCES)
    files = list_files(root, prefix="python/lib1/")
    built = build_zip(files, tmp_path / "cache", "lib1", bytecode=bytecode_for([host_compiler]), layer=True)
    member = f"python/lib1/__pycache__/app.{TAG}.pyc"
    assert member in names(built.path)
    assert code_filename(built.path, member) == "/opt/python/lib1/app.py"


def test_the_bytes_do_not_depend_on_where_the_sources_are(make_source, tmp_path, host_compiler):
    first = make_source(SOURCES, tmp_path / "a" / "src")
    second = make_source(SOURCES, tmp_path / "some" / "where" / "else")
    bytecode = bytecode_for([host_compiler])
    one = build_zip(list_files(first), tmp_path / "cache1", "fn", bytecode=bytecode)
    two = build_zip(list_files(second), tmp_path / "cache2", "fn", bytecode=bytecode)
    assert one.path.read_bytes() == two.path.read_bytes()
    assert str(tmp_path).encode() not in one.path.read_bytes()


def test_the_cache_key_follows_the_bytecode(make_source, tmp_path, host_compiler):
    files = list_files(make_source(SOURCES))
    with_bytecode = build_zip(files, tmp_path / "cache", "fn", bytecode=bytecode_for([host_compiler]))
    without = build_zip(files, tmp_path / "cache", "fn", bytecode=None)
    assert with_bytecode.path != without.path and not [n for n in names(without.path) if n.endswith(".pyc")]
    assert build_zip(files, tmp_path / "cache", "fn", bytecode=bytecode_for([host_compiler])).created is False


def test_a_source_with_a_syntax_error_is_packaged_without_its_bytecode(make_source, tmp_path, host_compiler):
    root = make_source({**SOURCES, "broken.py": "def (:\n"})
    built = build_zip(list_files(root), tmp_path / "cache", "fn", bytecode=bytecode_for([host_compiler]))
    assert "broken.py" in names(built.path)
    assert f"__pycache__/broken.{TAG}.pyc" not in names(built.path)
    assert f"__pycache__/app.{TAG}.pyc" in names(built.path)


def test_it_can_be_turned_off_by_parameter_or_environment(monkeypatch, host_compiler):
    assert bytecode_for([host_compiler], bytecode=False) is None
    monkeypatch.setenv(settings.BYTECODE.name, "0")
    assert not bytecode_enabled(True) and bytecode_for([host_compiler]) is None
    monkeypatch.setenv(settings.BYTECODE.name, "1")
    assert bytecode_for([host_compiler]) is not None


def test_without_an_interpreter_it_builds_without_bytecode_and_says_so_once(host_compiler, caplog):
    caplog.set_level(logging.INFO, logger="cdktf_lambda.packaging")
    assert bytecode_for(["python3.10"]) is None
    assert bytecode_for(["python3.10"]) is None
    notes = [(record.levelno, record.getMessage()) for record in caplog.records]
    assert notes == [(logging.WARNING, "zips are built without python3.10 bytecode: no python3.10 here")]


def test_the_dependency_layer_cache_key_names_the_bytecode_interpreter(host_compiler):
    from cdktf_lambda.packaging.bytecode import Bytecode
    from cdktf_lambda.packaging.layer_build import cache_key
    from cdktf_lambda.packaging.locks import read_lock
    from cdktf_lambda.packaging.target import Target
    from tests.conftest import LAMBDA_SRC

    lock, target = read_lock(LAMBDA_SRC / "Pipfile.lock"), Target("python3.13", "x86_64")
    other = Compiler(HOST.command, "cpython-3.13.9-f30d0d0a")
    keys = {
        cache_key(lock, target),
        cache_key(lock, target, bytecode=Bytecode((HOST,))),
        cache_key(lock, target, bytecode=Bytecode((other,))),
    }
    assert len(keys) == 3
