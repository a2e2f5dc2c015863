"""The pure packaging code: listing, exclusions, determinism, hashing, handler discovery."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import zipfile

import pytest

from cdktf_lambda.errors import HandlerNotFoundError, PackageTooLargeError, SourceError
from cdktf_lambda.packaging import (
    base64_sha256,
    build_zip,
    find_handler,
    handler_module_exists,
    list_files,
    top_level_modules,
    write_zip,
)

FUNCTION = {
    "__init__.py": "",
    "api_server.py": "def lambda_handler(event, context):\n    return {}\n",
    "routes/__init__.py": "",
    "routes/items.py": "ITEMS = []\n",
}
JUNK = {
    "__pycache__/api_server.cpython-311.pyc": b"\x00bytecode",
    "routes/__pycache__/items.cpython-311.pyc": b"\x00bytecode",
    "stale.pyc": b"\x00",
    ".DS_Store": b"\x00",
    "api_server.py~": "backup",
    ".api_server.py.swp": b"\x00",
    ".git/config": "[core]",
    ".env": "SECRET=hunter2",
    "server.pem": "-----BEGIN PRIVATE KEY-----",
    "tests/test_api.py": "def test(): pass",
    ".idea/workspace.xml": "<xml/>",
}


def test_list_files_is_sorted_posix_and_excludes_junk(make_source):
    root = make_source({**FUNCTION, **JUNK})
    assert [f.arcname for f in list_files(root)] == [
        "__init__.py",
        "api_server.py",
        "routes/__init__.py",
        "routes/items.py",
    ]


def test_list_files_applies_prefix(make_source):
    root = make_source({"__init__.py": "", "settings.py": ""})
    assert [f.arcname for f in list_files(root, prefix="python/util/")] == [
        "python/util/__init__.py",
        "python/util/settings.py",
    ]


def test_zip_is_byte_identical_when_written_twice(make_source, tmp_path):
    root = make_source(FUNCTION)
    write_zip(list_files(root), tmp_path / "one.zip")
    write_zip(list_files(root), tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_zip_is_identical_from_a_copy_in_another_directory_with_other_mtimes_and_modes(make_source, tmp_path):
    root = make_source(FUNCTION)
    copy = tmp_path / "elsewhere" / "deeper" / "src"
    shutil.copytree(root, copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        if path.is_file():
            path.chmod(0o600)
    write_zip(list_files(root), tmp_path / "a.zip")
    write_zip(list_files(copy), tmp_path / "b.zip")
    assert base64_sha256(tmp_path / "a.zip") == base64_sha256(tmp_path / "b.zip")


def test_zip_entries_have_fixed_timestamps_and_normalized_modes(make_source, tmp_path):
    root = make_source(FUNCTION)
    (root / "api_server.py").chmod(0o700)
    write_zip(list_files(root), tmp_path / "f.zip")
    with zipfile.ZipFile(tmp_path / "f.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}


def test_hash_is_base64_sha256_of_the_zip_file(make_source, tmp_path):
    built = build_zip(list_files(make_source(FUNCTION)), tmp_path / "cache", "api_server")
    expected = base64.b64encode(hashlib.sha256(built.path.read_bytes()).digest()).decode()
    assert built.zip_hash == expected
    assert built.unzipped_size == sum(len(v) for v in FUNCTION.values())


def test_build_zip_reuses_the_cached_zip_and_changes_with_content(make_source, tmp_path):
    root = make_source(FUNCTION)
    first = build_zip(list_files(root), tmp_path / "cache", "fn")
    mtime = first.path.stat().st_mtime_ns
    again = build_zip(list_files(root), tmp_path / "cache", "fn")
    assert again.path == first.path and again.path.stat().st_mtime_ns == mtime
    (root / "routes" / "items.py").write_text("ITEMS = [1]\n")
    changed = build_zip(list_files(root), tmp_path / "cache", "fn")
    assert changed.zip_hash != first.zip_hash


def test_too_large_zip_raises_and_leaves_nothing(make_source, tmp_path):
    root = make_source({"__init__.py": "", "blob.py": os.urandom(4096).hex()})
    cache = tmp_path / "cache"
    with pytest.raises(PackageTooLargeError, match=r"'fn' is .* MiB zipped; Lambda allows at most"):
        build_zip(list_files(root), cache, "fn", max_bytes=1024)
    assert list(cache.iterdir()) == []


def test_write_zip_failure_leaves_no_partial_file(make_source, tmp_path):
    root = make_source(FUNCTION)
    files = list_files(root)
    (root / "api_server.py").unlink()  # disappears between listing and writing
    with pytest.raises(FileNotFoundError):
        write_zip(files, tmp_path / "out" / "f.zip")
    assert list((tmp_path / "out").iterdir()) == []


def test_symlink_outside_the_tree_is_refused(make_source, tmp_path):
    root = make_source(FUNCTION)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    (root / "link.txt").symlink_to(secret)
    with pytest.raises(SourceError, match=r"Symlink points outside the source tree: 'link.txt'"):
        list_files(root)


def test_symlink_inside_the_tree_is_followed(make_source):
    root = make_source(FUNCTION)
    (root / "alias.py").symlink_to(root / "routes" / "items.py")
    assert "alias.py" in [f.arcname for f in list_files(root)]


def test_missing_source_dir_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="Source directory not found"):
        list_files(tmp_path / "nope")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"__init__.py": "", "api_server.py": ""}, "api_server.lambda_handler"),
        ({"__init__.py": "", "lambda_handler.py": ""}, "lambda_handler.lambda_handler"),
    ],
)
def test_find_handler_follows_the_file_found(make_source, files, expected):
    assert find_handler(make_source(files), "api_server") == expected


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"api_server.py": ""}, "is not a Python package: no __init__.py"),
        ({"__init__.py": "", "other.py": ""}, "expected lambda_handler.py or api_server.py"),
        ({"__init__.py": "", "api_server.py": "", "lambda_handler.py": ""}, "Ambiguous handler"),
    ],
)
def test_find_handler_errors(make_source, files, message):
    with pytest.raises(HandlerNotFoundError, match=message):
        find_handler(make_source(files), "api_server")


def test_top_level_modules_and_handler_lookup():
    names = ["__init__.py", "api_server.py", "routes/__init__.py", "routes/items.py", "data/x.json"]
    assert top_level_modules(names) == ("__init__", "api_server", "routes")
    assert handler_module_exists("api_server.lambda_handler", names)
    assert handler_module_exists("routes.items.handler", names)
    assert not handler_module_exists("missing.lambda_handler", names)
    assert not handler_module_exists("nodot", names)
