"""Bad input keeps the last good code: before anything is uploaded, every Python file of a package is compiled by
CPython of the function's runtime, and the handler is checked to be there.

One process of the target interpreter per package (the compiler ``make synth`` compiles bytecode with, see
:func:`cdktf_lambda.interpreters.bytecode_command`; this machine's Python when none can be had) compiles each file
(``SyntaxError``, ``IndentationError``, a ``return`` outside a function … with file, line and column) and looks for
the handler's name among the handler module's top-level bindings (``def``, ``class``, assignments, imports; a module
with ``__getattr__`` or a ``*`` import is given the benefit of the doubt). An import error that shows only when the
module runs (a missing package, an exception at import) is not caught here: the first invocation reports it
(``Runtime.ImportModuleError``), as on Lambda.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cdktf_lambda.errors import EnvironmentFailure
from cdktf_lambda.interpreters import bytecode_command
from cdktf_lambda.packaging.files import SourceFile

__all__ = ["Problem", "check_package", "handler_file"]

log = logging.getLogger(__name__)

#: Runs in the target interpreter: reads ``{"files": [[path, shown], ...], "handler": [shown, name] | null}`` on
#: stdin, prints ``{"errors": [[shown, line, column, message], ...], "handler_bound": bool}``.
_SCRIPT = r"""
import ast, json, sys

def bound(body, names):
    star = False
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in getattr(node, "targets", None) or [node.target]:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                star = star or alias.name == "*"
                names.add((alias.asname or alias.name).split(".")[0])
        else:  # if/try/with/for/while at top level: what they bind is bound too
            blocks = [getattr(node, part, None) or [] for part in ("body", "orelse", "finalbody")]
            blocks += [handler.body for handler in getattr(node, "handlers", None) or []]
            for block in blocks:
                star = bound(block, names) or star
    return star

request = json.load(sys.stdin)
errors, handler_bound = [], None
wanted = request.get("handler")
for path, shown in request["files"]:
    try:
        with open(path, "rb") as stream:
            tree = ast.parse(stream.read(), shown)
        compile(tree, shown, "exec", dont_inherit=True)
    except SyntaxError as exc:
        errors.append([shown, exc.lineno, exc.offset, type(exc).__name__ + ": " + str(exc.msg)])
        continue
    except (ValueError, UnicodeDecodeError) as exc:
        errors.append([shown, None, None, type(exc).__name__ + ": " + str(exc)])
        continue
    if wanted and shown == wanted[0]:
        names = set()
        star = bound(tree.body, names)
        handler_bound = star or wanted[1] in names or "__getattr__" in names
json.dump({"errors": errors, "handler_bound": handler_bound}, sys.stdout)
"""


@dataclass(frozen=True)
class Problem:
    """Why a package is not uploaded: a file (as shown to the user), a line and column when known, the message."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = (
            self.path
            + (f":{self.line}" if self.line else "")
            + (f":{self.column}" if self.line and self.column else "")
        )
        return f"{where}: {self.message}"


_commands: dict[str, list[str]] = {}


def _interpreter(runtime: str) -> list[str]:
    """The target interpreter's command (found once per runtime and process), else this machine's Python."""
    if runtime not in _commands:
        try:
            _commands[runtime] = list(bytecode_command(runtime)[0])
        except (EnvironmentFailure, ValueError, OSError, ImportError) as exc:
            log.warning("syntax is checked with this machine's Python, not %s: %s", runtime, exc)
            _commands[runtime] = [sys.executable]
    return _commands[runtime]


def handler_file(handler: str, arcnames: Sequence[str]) -> str | None:
    """The archive name of ``handler``'s module (``api_server.py`` for ``api_server.lambda_handler``), if packaged."""
    module = handler.rpartition(".")[0].replace(".", "/")
    names = set(arcnames)
    return next((name for name in (f"{module}.py", f"{module}/__init__.py") if name in names), None)


def check_package(
    files: Sequence[SourceFile],
    runtime: str,
    shown: Callable[[str], str],
    *,
    handler: str | None = None,
    timeout: float = 60.0,
) -> list[Problem]:
    """The problems that keep ``files`` from being uploaded (none: go ahead).

    Parameters
    ----------
    files
        The package's files; every ``.py`` is compiled.
    runtime
        Whose compiler checks them (``"python3.13"``).
    shown
        How a file is named in a problem, from its archive name (e.g. its path relative to the project).
    handler
        A function's handler (``module.function``): its module must be packaged and bind ``function`` at top level.
    """
    wanted: list[str] | None = None
    if handler:
        module_path, _, name = handler.rpartition(".")
        arcname = handler_file(handler, [source.arcname for source in files])
        if arcname is None:
            gone = f"the module of the handler {handler!r} is gone (deleted or renamed?)"
            return [Problem(shown(f"{module_path.replace('.', '/')}.py"), None, None, gone)]
        wanted = [shown(arcname), name]
    sources = [[str(source.path), shown(source.arcname)] for source in files if source.arcname.endswith(".py")]
    result = subprocess.run(
        [*_interpreter(runtime), "-S", "-s", "-c", _SCRIPT],
        input=json.dumps({"files": sources, "handler": wanted}),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"},
        check=False,
    )
    if result.returncode != 0:
        raise EnvironmentFailure(f"the {runtime} syntax check failed: {(result.stderr or result.stdout)[-2000:]}")
    answer = json.loads(result.stdout)
    problems = [Problem(path, line, column, message) for path, line, column, message in answer["errors"]]
    if wanted is not None and answer["handler_bound"] is False:
        gone = f"no top-level {wanted[1]!r} in it: the handler {handler!r} is gone (deleted or renamed?)"
        problems.append(Problem(wanted[0], None, None, gone))
    return problems
