"""Synthesize an app as ``cdktf synth`` does, once, and read its stacks back (:class:`SynthesizedApp`).

:func:`synth_app` runs the project's app command (``cdktf.json``'s ``app``, e.g. ``python main.py``) in a
subprocess from the project directory, as the cdktf CLI does: ``CDKTF_OUTDIR`` names the output directory (a
temporary one in tests, never the project's ``cdktf.out``) and ``CDKTF_CONTEXT_JSON`` carries ``cdktf.json``'s
context. The test process loads no jsii: the app's node process, its memory and its module-level state stay in the
subprocess, and an app that fails shows its own error output. :func:`synth_stack` is the in-memory alternative for
a stack a test builds itself (``cdktf.Testing.synth``).

Examples
--------
>>> app = synth_app(Project.find("."), Path("/tmp/out"))  # doctest: +SKIP
>>> app.stack().function("orders").runtime  # doctest: +SKIP
'python3.13'
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import NotInStackError, SynthError
from cdktf_lambda.processes import tail
from cdktf_lambda.testing.project import Project
from cdktf_lambda.testing.stack import SynthesizedStack

__all__ = ["SynthesizedApp", "synth_app", "synth_stack"]

#: The variable the cdktf CLI hands the app its context in.
CONTEXT_ENV = "CDKTF_CONTEXT_JSON"
#: The last line of a Python traceback (``package.module.SomeError: message``), or a bare error line.
_ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b|Error:).*")


@dataclass(frozen=True)
class SynthesizedApp:
    """What one run of the app wrote: its stacks, by name, in ``outdir``; the seconds it took and its output."""

    project: Project
    outdir: Path
    stacks: Mapping[str, SynthesizedStack]
    seconds: float
    output: str

    def stack(self, name: str | None = None) -> SynthesizedStack:
        """The stack ``name``; default the project's stack, else the app's only one.

        Raises
        ------
        NotInStackError
            No such stack, or several and none named.
        """
        __tracebackhide__ = True
        name = name or self.project.stack
        if name is None:
            if len(self.stacks) == 1:
                return next(iter(self.stacks.values()))
            raise NotInStackError(
                f"the app has {len(self.stacks)} stacks ({', '.join(self.stacks)}): name one "
                "(--cdktf-stack, the cdktf_stack ini option, or Project(stack=...))"
            )
        if name not in self.stacks:
            raise NotInStackError(f"the app has no stack {name!r}; its stacks: {', '.join(self.stacks) or 'none'}")
        return self.stacks[name]


def app_environment(project: Project, outdir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The app's environment: ``base`` (default ``os.environ``) with the project's variables, ``CDKTF_OUTDIR``,
    the merged context, and this interpreter's directory first on ``PATH`` (its ``python``, and the node 22 that
    ``cdktf-lambda[cdktf]`` installs there for jsii)."""
    env = dict(os.environ if base is None else base)
    env.update(project.env)
    try:
        context: dict[str, Any] = json.loads(env.get(CONTEXT_ENV) or "{}")
    except ValueError:
        raise SynthError(f"${CONTEXT_ENV} is not JSON: {env[CONTEXT_ENV]!r}") from None
    context.update(project.context)
    env[CONTEXT_ENV] = json.dumps(context)
    env["CDKTF_OUTDIR"] = str(outdir)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, *[p for p in env.get("PATH", "").split(os.pathsep) if p and p != bindir]])
    return env


def _cause(output: str) -> str | None:
    """The line that names the error, from the end of the app's output."""
    for line in reversed(output.splitlines()):
        if _ERROR_LINE.match(line.strip()):
            return line.strip()
    return None


def _failed(project: Project, what: str, output: str) -> SynthError:
    cause = _cause(output)
    return SynthError(
        f"the app did not synthesize: {project.describe()} {what}."
        + (f"\n{cause}" if cause else "")
        + f"\n--- the app's output (last 40 lines) ---\n{tail(output, 40) or '(none)'}",
        output=output,
    )


def synth_app(project: Project, outdir: Path, *, timeout: float = 900) -> SynthesizedApp:
    """Run the app of ``project`` once, writing into ``outdir`` (see the module docstring).

    Raises
    ------
    SynthError
        The app command is missing, fails, times out, or writes no stack; the message has the app's error.
    """
    outdir = Path(outdir).absolute()
    command = project.command()
    started = time.monotonic()
    try:
        result = subprocess.run(
            command,
            cwd=project.directory,
            env=app_environment(project, outdir),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        raise SynthError(f"the app did not synthesize: {project.describe()}: {exc.strerror}: {command[0]!r}") from None
    except subprocess.TimeoutExpired as exc:
        output = "".join(part if isinstance(part, str) else (part or b"").decode() for part in (exc.stdout, exc.stderr))
        raise _failed(project, f"did not finish within {timeout:.0f} s", output) from None
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise _failed(project, f"exited with {result.returncode}", output)
    stacks_dir = outdir / "stacks"
    found = sorted(p for p in stacks_dir.iterdir() if (p / "cdk.tf.json").is_file()) if stacks_dir.is_dir() else []
    if not found:
        raise _failed(project, f"wrote no stack into {stacks_dir} (does it call app.synth()?)", output)
    stacks = {path.name: SynthesizedStack.from_directory(path) for path in found}
    return SynthesizedApp(project, outdir, stacks, time.monotonic() - started, output)


def synth_stack(stack: Any) -> SynthesizedStack:
    """A stack built in this process (``MyStack(cdk.Testing.app(), "shop-dev")``), synthesized in memory with
    ``cdktf.Testing.synth``: the typed view without assets on disk (:attr:`SynthesizedStack.directory` is None)."""
    from cdktf_lambda import cdk

    stack_json = json.loads(cdk.Testing.synth(stack))
    # Testing.synth leaves cdktf's metadata out of the JSON: the construct paths come from the tree.
    paths = {}
    for construct in stack.node.find_all():
        logical_id = getattr(construct, "friendly_unique_id", None)
        if logical_id:
            paths[str(logical_id)] = str(construct.node.path)
    return SynthesizedStack(str(stack.node.id), stack_json, construct_paths=paths)
