"""Two clones of the repository, in different directories, with a different umask and file mtimes, synthesize the
same bytes: every JSON file and every zip, each zip with the python3.13 bytecode of every module it ships."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile

import pytest

from tests._synth import synth, tree_bytes
from tests.conftest import PROJECT_ROOT

#: Runs pip, a subprocess synth or an external tool.
pytestmark = pytest.mark.slow


def _clone(dest, umask: int, mtime: int):
    """A clone of the committed tree made under ``umask``, every file's mtime set to ``mtime``."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.fail("this test clones the repository: run it from a git checkout (no .git found)")
    git = shutil.which("git")
    assert git, "git is needed to clone the repository for the reproducibility test"
    subprocess.run(
        [git, "clone", "--quiet", "--no-hardlinks", str(PROJECT_ROOT), str(dest)],
        check=True,
        preexec_fn=lambda: os.umask(umask),
    )
    for path in dest.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, (mtime, mtime), follow_symlinks=False)
    return dest


def test_two_clones_synthesize_identical_bytes(tmp_path):
    first = _clone(tmp_path / "a" / "repo", umask=0o022, mtime=1_000_000_000)
    second = _clone(tmp_path / "some" / "other" / "place" / "cdktf-lambda", umask=0o077, mtime=1_700_000_000)
    assert (first / "main.py").stat().st_mode & 0o777 != (second / "main.py").stat().st_mode & 0o777
    out_a = tree_bytes(synth(first, tmp_path / "out-a", tmp_path / "cache-a"))
    out_b = tree_bytes(synth(second, tmp_path / "out-b", tmp_path / "cache-b"))
    zips = sorted(name for name in out_a if name.endswith(".zip"))
    assert len(zips) >= 4, zips
    assert sorted(out_a) == sorted(out_b)
    different = [name for name in out_a if out_a[name] != out_b[name]]
    assert different == [], f"differ between clones: {different}"
    for name, data in out_a.items():
        if name.endswith(".json"):
            assert str(first) not in data.decode() and str(second) not in data.decode()
    for name in zips:
        with zipfile.ZipFile(io.BytesIO(out_a[name])) as archive:
            members = set(archive.namelist())
            leaks = [m for m in members if m.endswith(".pyc") and str(tmp_path).encode() in archive.read(m)]
        modules = [m for m in members if m.endswith(".py")]
        missing = [m for m in modules if _pyc(m) not in members]
        assert modules and not missing, f"{name}: no python3.13 bytecode for {missing[:5]}"
        assert not leaks, f"{name}: bytecode naming a path of the build machine: {leaks[:5]}"


def _pyc(module: str) -> str:
    """``a/b.py`` → ``a/__pycache__/b.cpython-313.pyc``."""
    directory, _, filename = module.rpartition("/")
    return f"{directory + '/' if directory else ''}__pycache__/{filename[:-3]}.cpython-313.pyc"
