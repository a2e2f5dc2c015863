"""One way to copy the reference app out of this checkout, for tests that synthesize it elsewhere."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import PROJECT_ROOT

#: What the app needs to synthesize. The library is not among them: it is installed (editable) in the
#: virtualenv, as in a client project.
APP_FILES = ("main.py", "cdktf.json", "stacks", "lambda_src")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
#: What the Makefile exports for the cdktf CLI of this repository: ``cdktf.json``'s app is ``pipenv run python
#: main.py``, and pipenv must use the project's ``.venv``.
PIPENV_ENV = {
    "PIPENV_VENV_IN_PROJECT": "1",
    "PIPENV_VERBOSITY": "-1",
    "PIPENV_IGNORE_VIRTUALENVS": "1",
    "PIPENV_NOSPIN": "1",
    "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
    "DISABLE_VERSION_CHECK": "true",
}


def copy_checkout(dest: Path, *, extra: Sequence[str] = (), links: Sequence[str] = ()) -> Path:
    """Copy :data:`APP_FILES` and ``extra`` from this checkout into ``dest``; symlink ``links`` (e.g. ``.venv``)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*APP_FILES, *extra):
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORED, symlinks=True)
        else:
            shutil.copy2(source, dest / name)
    for name in links:
        target = PROJECT_ROOT / name
        assert target.is_dir(), f"{target} is missing: run `make setup` first"
        (dest / name).symlink_to(target, target_is_directory=True)
    return dest
