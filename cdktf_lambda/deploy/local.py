"""``cdktf-lambda local up`` / ``down``: deploy a project into its local cloud with ``cdktf deploy``, and tear it down.

``up`` writes the Terraform CLI config, starts the local cloud (a moto server on a free 127.0.0.1 port, with
:mod:`cdktf_lambda.emulator.cloud`) unless it already runs, runs ``cdktf deploy '*' --auto-approve
--skip-provider-lock`` with every AWS call pointed at it, makes every function ready to run (zips, dependency layers
for the local runtime), and ends with the stack outputs and the local URLs (its :class:`Outcome`, which the CLI
prints). The server keeps running. ``down`` runs ``cdktf destroy``, checks that nothing is left in moto, and stops
the server by its PID. What they do on the way is logged (the ``cdktf_lambda.deploy`` logger). Files: see
:mod:`.workspace`.

The CLI: :data:`~cdktf_lambda.settings.CDKTF_CLI` (e.g. a ``cdktn`` binary), else the project's
``node_modules/.bin/cdktf``, else ``cdktf`` on ``PATH``.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda import settings
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator import contents as inventory
from cdktf_lambda.emulator import server as moto
from cdktf_lambda.errors import DeployError
from cdktf_lambda.logs import room_logger

__all__ = ["DeployError", "Outcome", "cdktf_cli", "down", "local_api", "up"]

log = room_logger(__name__)

#: Names the CDK for Terraform CLI to run (a path, or a command on PATH).
#: All stacks of the app (a glob ``cdktf`` matches against stack names).
ALL_STACKS = "*"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Outcome:
    """How a ``local`` command ended: its exit status, and the lines of its result (what the CLI prints on stdout;
    a generator for ``logs --follow``). What it did on the way, and why it failed, is logged."""

    status: int
    lines: Iterable[str] = ()


def cdktf_cli(project_dir: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """The command of the CDK for Terraform CLI (see the module docstring)."""
    env = os.environ if env is None else env
    configured = settings.CDKTF_CLI.get(env) or ""
    if configured:
        return shlex.split(configured)
    local = project_dir / "node_modules" / ".bin" / "cdktf"
    if local.is_file():
        return [str(local)]
    found = shutil.which("cdktf", path=env.get("PATH"))
    if found:
        return [found]
    raise DeployError(
        f"no cdktf CLI: not in {local} nor on PATH (install it with `npm install cdktf-cli@0.21`, "
        f"or set {settings.CDKTF_CLI.name})"
    )


def run_cdktf(args: Sequence[str], workspace: Workspace, env: Mapping[str, str], *, timeout: float = 1800) -> None:
    """``cdktf <args>`` in the project directory; :class:`DeployError` when it fails."""
    command = [*cdktf_cli(workspace.project_dir, env), *args]
    shown = shlex.join([Path(command[0]).name, *command[1:]])
    log.info("$ %s", shown)
    proc = subprocess.Popen(command, cwd=workspace.project_dir, env=dict(env), stdin=subprocess.DEVNULL)
    try:
        returncode = proc.wait(timeout=timeout)
    except BaseException:  # timeout or Ctrl-C: cdktf stops its terraform on SIGINT
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    if returncode != 0:
        raise DeployError(f"`{shown}` failed with exit code {returncode}")


def local_api(server: moto.MotoServer, path: str, *, method: str = "GET", timeout: float = 600) -> Any:
    """The JSON answer of the local cloud's ``/_local/<path>`` endpoint."""
    request = urllib.request.Request(
        f"{server.endpoint_url}/_local/{path}", method=method, data=b"" if method == "POST" else None
    )
    try:
        with _NO_PROXY.open(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read() or b"{}")


def format_outputs(outputs: Mapping[str, Mapping[str, object]]) -> str:
    lines = []
    for stack, values in sorted(outputs.items()):
        lines.append(f"{stack}:")
        width = max((len(key) for key in values), default=0)
        lines += [f"  {key:<{width}}  {value}" for key, value in sorted(values.items())]
    return "\n".join(lines)


def format_endpoints(endpoints: Mapping[str, Mapping[str, str]]) -> str:
    lines = []
    for kind, title in (("http_apis", "HTTP APIs"), ("function_urls", "Function URLs")):
        for name, url in sorted((endpoints.get(kind) or {}).items()):
            lines.append(f"  {title[:-1]:<13} {name}  {url}")
    return "\n".join(lines) or "  (no HTTP API or function URL)"


def _hints(server: moto.MotoServer) -> str:
    return (
        f"The local cloud keeps running at {server.endpoint_url} (pid {server.pid}, log {server.log_path}).\n"
        '  inspect:   cdktf-lambda local status [--json]   |   eval "$(cdktf-lambda local env)"  (AWS CLI, boto3)\n'
        "  run:       cdktf-lambda local logs FUNCTION   |   cdktf-lambda local fire RULE\n"
        "  tear down: cdktf-lambda local down   (cdktf destroy, then the server stops)"
    )


def up(
    workspace: Workspace,
    *,
    stacks: Sequence[str] = (ALL_STACKS,),
    port: int | None = None,
    deploy: bool = True,
) -> Outcome:
    """Start the local cloud and deploy into it (see the module docstring); the outputs, local URLs and hints."""
    note = workspace.write_cli_config()
    if note:
        log.warning("%s", note)
    server, started = workspace.start_server(port=port)
    log.info(
        "local cloud %s: %s (pid %d)", "started" if started else "already running", server.endpoint_url, server.pid
    )
    if started:
        stale = workspace.forget_state()
        if stale:
            log.info("removed the state of an earlier server: %s", ", ".join(path.name for path in stale))
    if not deploy:
        return Outcome(0, [_hints(server)])
    workspace.outputs_file.unlink(missing_ok=True)
    args = ["deploy", *stacks, "--auto-approve", "--skip-provider-lock"]  # `providers lock` ignores the mirror
    args += ["--output", str(workspace.outdir), "--outputs-file", str(workspace.outputs_file)]
    try:
        run_cdktf(args, workspace, workspace.env(server))
        outputs = json.loads(workspace.outputs_file.read_text())
    except (DeployError, OSError, ValueError) as exc:
        log.error("%s", exc)
        return Outcome(1, [_hints(server)])
    log.info("preparing the functions (dependency layers for the local runtime) ...")
    prepared = local_api(server, "prepare", method="POST")
    for name, error in (prepared.get("errors") or {}).items():
        log.warning("%s cannot run locally: %s", name, error)
    return Outcome(
        0,
        [
            f"\nOutputs (also in {workspace.outputs_file}):\n{format_outputs(outputs)}",
            f"\nLocal endpoints:\n{format_endpoints(local_api(server, 'endpoints'))}\n\n{_hints(server)}",
        ],
    )


def down(workspace: Workspace, *, stacks: Sequence[str] = (ALL_STACKS,)) -> int:
    """``cdktf destroy``, check nothing is left, stop the server by PID (each step logged); the exit status."""
    server = workspace.server()
    if server is None:
        workspace.stop_server()  # clears a stale record
        removed = workspace.forget_state()
        for path in removed:
            log.debug("removed %s", path)
        removed_text = f" (removed {len(removed)} state files)" if removed else ""
        log.info("the local cloud is not running: nothing to destroy%s", removed_text)
        return 0
    status = 0
    try:
        if workspace.state_files():
            workspace.write_cli_config()
            run_cdktf(
                ["destroy", *stacks, "--auto-approve", "--skip-provider-lock", "--output", str(workspace.outdir)],
                workspace,
                workspace.env(server),
            )
        remaining = inventory.leftovers(server.endpoint_url)
        if remaining:
            log.error("resources left in the local cloud:\n%s", json.dumps(remaining, indent=2))
            status = 1
    except DeployError as exc:
        log.error("%s (the server is stopped anyway: it keeps nothing once stopped)", exc)
        status = 1
    finally:
        stopped = workspace.stop_server()
        workspace.forget_state()
    log.info("local cloud %s (pid %d)", "stopped" if stopped else "was not running", server.pid)
    return status
