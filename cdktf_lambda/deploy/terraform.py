"""Run ``terraform``: find the binary, run a command with an exact environment, report failures readably.

The environment comes from :func:`cdktf_lambda.deploy.mirror.terraform_env` (provider mirror, local AWS
emulator). Output is captured (and optionally streamed); a failure raises :class:`TerraformError` with the tail
of the output; a timeout, an ``abort_if`` reason or Ctrl-C stops terraform with SIGINT (it releases its state
lock), then kills its process group.

Examples
--------
>>> env = terraform_env(cli_config, server.endpoint_url)  # doctest: +SKIP
>>> run_terraform(["init", "-input=false"], stack_dir, env, abort_if=server.gone_reason)  # doctest: +SKIP
TerraformResult(args=['init', '-no-color', '-input=false'], returncode=0, ...)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.errors import EnvironmentFailure
from cdktf_lambda.processes import tail

_POLL_SECONDS = 0.5
#: After SIGINT, how long an aborted terraform may take to stop before it is killed. Its provider keeps
#: retrying a dead endpoint, so waiting for a graceful stop would cost the 30-60 s the abort saves.
_ABORT_GRACE_SECONDS = 5.0
#: After SIGINT on a timeout or Ctrl-C: time to release the state lock.
_GRACE_SECONDS = 30.0

_NO_COLOR_COMMANDS = frozenset(
    {"init", "validate", "plan", "apply", "destroy", "refresh", "output", "show", "import", "get", "test"}
)


class TerraformNotFound(EnvironmentFailure, FileNotFoundError):
    """The terraform binary is not on PATH (nor named by :data:`~cdktf_lambda.settings.TERRAFORM`)."""


class TerraformError(EnvironmentFailure):
    """A terraform command exited with an unexpected status, timed out or was stopped.

    Parameters
    ----------
    args, returncode, output, cwd
        The command (without ``terraform``), its exit status (-1 when stopped), its merged output and directory.
    tail_lines
        How many of the last lines of ``output`` the message shows.
    reason
        Why the harness stopped terraform (``abort_if`` of :func:`run_terraform`), else None.
    """

    def __init__(
        self,
        args: Sequence[str],
        returncode: int,
        output: str,
        cwd: Path,
        tail_lines: int = 40,
        *,
        reason: str | None = None,
    ):
        self.args_ = list(args)
        self.returncode = returncode
        self.output = output
        self.cwd = cwd
        self.reason = reason
        what = f"was stopped: {reason}" if reason else f"failed with exit code {returncode}"
        super().__init__(
            f"`terraform {' '.join(args)}` {what} (in {cwd}).\n"
            f"--- last {tail_lines} lines of output ---\n{tail(output, tail_lines)}"
        )


@dataclass
class TerraformResult:
    """Outcome of :func:`run_terraform`: the arguments as run, exit status, merged output, seconds."""

    args: list[str]
    returncode: int
    output: str
    duration: float

    @property
    def changes_present(self) -> bool:
        """For ``plan -detailed-exitcode``: exit code 2 means there is a diff."""
        return self.returncode == 2


def terraform_binary(env: Mapping[str, str] | None = None) -> str:
    """Path of the terraform executable: :data:`~cdktf_lambda.settings.TERRAFORM`, else the first on ``PATH``.

    Parameters
    ----------
    env
        Where both variables are read (default: ``os.environ``).

    Raises
    ------
    TerraformNotFound
        The override is not an executable file, or terraform is not on ``PATH``.
    """
    env = os.environ if env is None else env
    override = settings.TERRAFORM.get(env)
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override
        raise TerraformNotFound(f"${settings.TERRAFORM.name}={override!r} is not an executable file")
    found = shutil.which("terraform", path=env.get("PATH"))
    if not found:
        raise TerraformNotFound(f"terraform is not on PATH (set ${settings.TERRAFORM.name} to its path)")
    return found


def run_terraform(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    *,
    ok_codes: Iterable[int] = (0,),
    stream: bool | None = None,
    timeout: float | None = 900,
    tail_lines: int = 40,
    binary: str | None = None,
    abort_if: Callable[[], str | None] | None = None,
) -> TerraformResult:
    """Run ``terraform <args>`` in ``cwd`` with exactly ``env``; capture (and stream) its output.

    stdout and stderr are merged; ``-no-color`` is added to subcommands that accept it.

    Parameters
    ----------
    args
        The subcommand and its arguments, e.g. ``["plan", "-detailed-exitcode"]``.
    cwd
        The configuration directory.
    env
        The whole environment of terraform (see :func:`cdktf_lambda.deploy.mirror.terraform_env`).
    ok_codes
        Exit statuses that are not failures; ``(0, 2)`` with ``plan -detailed-exitcode``.
    stream
        Echo each line to ``sys.stderr`` as it arrives (default: when :data:`~cdktf_lambda.settings.TF_STREAM` is
        ``1``).
    timeout
        Seconds before terraform is stopped (None: no limit).
    tail_lines
        Lines of output in the message of a :class:`TerraformError`.
    binary
        The terraform executable (default: :func:`terraform_binary` of ``env``).
    abort_if
        Polled about twice a second while terraform runs; when it returns a reason (e.g. "the moto server at
        http://127.0.0.1:PORT is gone"), terraform is stopped. Without it, the aws provider retries a dead
        endpoint for 30-60 s per call.

    Returns
    -------
    TerraformResult
        The exit status is one of ``ok_codes``.

    Raises
    ------
    TerraformError
        Another exit status, the timeout, or an ``abort_if`` reason (first in the message, and in ``reason``).
    TerraformNotFound
        No ``binary`` given and none found.
    """
    args = list(args)
    if args and args[0] in _NO_COLOR_COMMANDS and "-no-color" not in args:
        args.insert(1, "-no-color")
    if stream is None:
        stream = settings.TF_STREAM.get()
    exe = binary or terraform_binary(env)
    cwd = Path(cwd)
    lines: list[str] = []
    started = time.monotonic()
    proc = subprocess.Popen(
        [exe, *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=True,
    )

    def _pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if stream:
                sys.stderr.write(line)
                sys.stderr.flush()

    reader = threading.Thread(target=_pump, daemon=True)
    reader.start()
    deadline = None if timeout is None else started + timeout
    try:
        while True:
            try:
                proc.wait(timeout=_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            if deadline is not None and time.monotonic() >= deadline:
                _stop(proc, grace=_GRACE_SECONDS)
                reader.join(timeout=5)
                output = "".join(lines)
                raise TerraformError(args, -1, output + f"\n[timed out after {timeout}s]", cwd, tail_lines) from None
            reason = abort_if() if abort_if else None
            if reason:
                _stop(proc, grace=_ABORT_GRACE_SECONDS)
                reader.join(timeout=5)
                output = "".join(lines)
                raise TerraformError(args, -1, output + f"\n[stopped: {reason}]", cwd, tail_lines, reason=reason)
    except BaseException:
        # e.g. KeyboardInterrupt: do not leave terraform running.
        _stop(proc, grace=_GRACE_SECONDS)
        raise
    reader.join(timeout=10)
    output = "".join(lines)
    result = TerraformResult(args, proc.returncode, output, time.monotonic() - started)
    if proc.returncode not in set(ok_codes):
        raise TerraformError(args, proc.returncode, output, cwd, tail_lines)
    return result


def _stop(proc: subprocess.Popen[str], grace: float) -> None:
    """SIGINT (terraform stops gracefully and releases its state lock), then SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        # terraform leads its own process group (start_new_session): its provider plugins go too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()
