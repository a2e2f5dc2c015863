"""Run ``main.py`` in a subprocess the way ``cdktf synth`` does, and read what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def synth(project: Path, outdir: Path, cache: Path | None = None, **env: str) -> Path:
    """Run ``python main.py`` the way ``cdktf synth`` does (from the project directory, CDKTF_OUTDIR set).

    ``cache`` defaults to the test session's package cache (so the dependency layer is built once per session);
    pass a fresh directory to build everything from scratch.
    """
    cache = cache or Path(os.environ["CDKTF_LAMBDA_CACHE_DIR"])
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=project,
        env={**os.environ, "CDKTF_OUTDIR": str(outdir), "CDKTF_LAMBDA_CACHE_DIR": str(cache), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Node 20 is end-of-life" not in result.stderr, "jsii ran on node 20: the venv's node 22 was not used"
    return outdir


def tree_bytes(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}
