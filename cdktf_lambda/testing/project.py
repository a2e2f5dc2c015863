"""Which app the toolkit tests, and how it is run: the project directory, its app command, the stack.

A :class:`Project` is found from a directory (:meth:`Project.find`): the nearest directory at or above it that holds
a ``cdktf.json`` (its ``app`` is the command, its ``context`` the app's context), or, with no ``cdktf.json``, the
directory itself with ``python main.py``, the command ``cdktf init`` writes for Python. ``python`` (at the start
of the command) means the interpreter running the tests, as it does when the project's virtualenv is active.

Examples
--------
>>> Project(Path("shop"), app=("python", "main.py"), stack="shop-dev").command()  # doctest: +SKIP
['/home/me/shop/.venv/bin/python', 'main.py']
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import SourceError

__all__ = ["DEFAULT_APP", "Project"]

#: The app command of a project without ``cdktf.json`` (what ``cdktf init --template=python-pip`` writes).
DEFAULT_APP = "python main.py"


@dataclass(frozen=True)
class Project:
    """An app under test.

    Parameters
    ----------
    directory
        The project directory (where the app command runs, and relative paths resolve).
    app
        The app command: a shell command line (``"python main.py"``) or an argument list. Default: ``cdktf.json``'s
        ``app``, else :data:`DEFAULT_APP`.
    stack
        The stack the fixtures use (``cdktf_stack``, ``local_cloud``). Default: the app's only stack.
    context
        Context given to the app (``CDKTF_CONTEXT_JSON``), over ``cdktf.json``'s ``context``. Default: none.
    env
        Variables added to the app's environment, and to the local cloud's (e.g.
        :data:`~cdktf_lambda.settings.WHEELHOUSE`).
    """

    directory: Path
    app: str | Sequence[str] = DEFAULT_APP
    stack: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def find(cls, start: str | os.PathLike[str], *, stack: str | None = None) -> Project:
        """The project at or above ``start`` (see the module docstring)."""
        start = Path(start).absolute()
        for directory in (start, *start.parents):
            config_file = directory / "cdktf.json"
            if config_file.is_file():
                return cls.from_cdktf_json(config_file, stack=stack)
        return cls(start, stack=stack)

    @classmethod
    def from_cdktf_json(cls, path: str | os.PathLike[str], *, stack: str | None = None) -> Project:
        """The project of the ``cdktf.json`` at ``path``: its ``app`` command and ``context``."""
        path = Path(path).absolute()
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read the project file {path}: {exc}") from None
        if not isinstance(config, dict):
            raise SourceError(f"{path} is not a JSON object")
        app = config.get("app") or DEFAULT_APP
        return cls(path.parent, app=app, stack=stack, context=dict(config.get("context") or {}))

    def with_stack(self, stack: str | None) -> Project:
        """The same project with another default stack (``None`` keeps this one)."""
        return self if stack is None else replace(self, stack=stack)

    def command(self) -> list[str]:
        """The app command as arguments; a leading ``python`` (or ``python3``) is the interpreter running the tests."""
        args = shlex.split(self.app) if isinstance(self.app, str) else list(self.app)
        if not args:
            raise SourceError(f"the app command of {self.directory} is empty")
        if args[0] in ("python", "python3"):
            args[0] = sys.executable
        return args

    def describe(self) -> str:
        """``python main.py`` (in ``<directory>``), for messages."""
        shown = self.app if isinstance(self.app, str) else shlex.join(self.app)
        return f"`{shown}` in {self.directory}"
