"""Deploy the app into a local fake AWS (moto on 127.0.0.1) with ``cdktf deploy``, and tear it down again.

Usage (what ``make deploy-local`` / ``make destroy-local`` run)::

    python -m devtools.deploy_local up   [--stack STACK ...] [--port PORT] [--project-dir DIR]
    python -m devtools.deploy_local down [--stack STACK ...] [--project-dir DIR]

``up`` writes the Terraform CLI config (provider mirror), starts a moto server on a free 127.0.0.1 port unless one
is already recorded, runs ``cdktf deploy --auto-approve --skip-provider-lock`` with the environment pointed at it,
prints the stack outputs and leaves the server running. ``down`` runs ``cdktf destroy --auto-approve``, checks that
nothing is left in moto, and stops the server by its PID.

Where things go (all git-ignored):

* ``.terraform.d/``: ``cli.tfrc``, ``moto.json`` (pid/port of the server) and ``moto.log`` -- shared with
  ``python -m devtools.local_aws`` (``status``, ``env``, ``run -- CMD`` work against the same server);
* ``.local-aws/``: the synth output (``cdktf.out/``), the outputs (``outputs.json``) and the Terraform state. The
  stack's local backend keeps state three directories above the stack directory; with the synth output in
  ``.local-aws/cdktf.out`` that is ``.local-aws/terraform.<stack>.tfstate``, so a local deploy never reads or
  overwrites the state of a real deploy (``cdktf.out/``, ``terraform.<stack>.tfstate`` in the project).

The state of a local deploy is only valid while its moto server runs (moto keeps everything in memory): when ``up``
has to start a new server, or ``down`` finds none running, the state files in ``.local-aws/`` are deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda.local import inventory, moto
from cdktf_lambda.local.terraform import ProviderMirrorNotFound
from devtools import local_aws

#: Directory (under the project) for the synth output, outputs and state of local deploys.
WORK_DIR_NAME = ".local-aws"
#: All stacks of the app (a glob ``cdktf`` matches against stack names).
ALL_STACKS = "*"
#: The checkout this module belongs to: where ``.tools/bin/pipenv`` and ``node_modules`` are looked for when the
#: project directory (a copy, in tests) has none of its own.
TOOLS_ROOT = Path(__file__).resolve().parent.parent

#: Variables the Makefile exports for every recipe; set here too (unless already set) so the script also works
#: when run directly. ``pipenv run`` (cdktf.json's ``app``) then uses the project's ``.venv``.
CDKTF_ENV_DEFAULTS = {
    "PIPENV_VENV_IN_PROJECT": "1",
    "PIPENV_VERBOSITY": "-1",
    "PIPENV_IGNORE_VIRTUALENVS": "1",
    "PIPENV_NOSPIN": "1",
    "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
    "DISABLE_VERSION_CHECK": "true",
}


class DeployError(RuntimeError):
    """A ``cdktf`` command failed (the message carries the command and how to tear down)."""


@dataclass(frozen=True)
class Workspace:
    """Paths of local deploys of one project directory."""

    project_dir: Path

    @property
    def harness(self) -> local_aws.Paths:
        return local_aws.Paths(self.project_dir)

    @property
    def work_dir(self) -> Path:
        return self.project_dir / WORK_DIR_NAME

    @property
    def outdir(self) -> Path:
        return self.work_dir / "cdktf.out"

    @property
    def outputs_file(self) -> Path:
        return self.work_dir / "outputs.json"

    def ensure_work_dir(self) -> Path:
        return local_aws.ensure_ignored_dir(self.work_dir, "Local deploys (devtools.deploy_local)")

    def state_files(self) -> list[Path]:
        """Terraform state (and backups) of local deploys."""
        if not self.work_dir.is_dir():
            return []
        return sorted(self.work_dir.glob("terraform.*.tfstate*"))

    def forget_state(self) -> list[Path]:
        """Delete the state files (they describe resources of a moto server that is gone)."""
        removed = self.state_files()
        for path in removed:
            path.unlink()
        if self.outputs_file.exists():
            self.outputs_file.unlink()
        return removed


#: The CLI of each flavor (``CDKTF_LAMBDA_FLAVOR``, as in the Makefile), relative to the project.
FLAVOR_CLIS = {
    "cdktf": Path("node_modules/.bin/cdktf"),  # package.json: cdktf-cli 0.21
    "cdktn": Path("flavors/cdktn/node_modules/.bin/cdktn"),  # flavors/cdktn/package.json: cdktn-cli (same cdktf.json)
}


def cli_command(project_dir: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """The pinned CLI of the selected flavor (default ``cdktf``), installed by ``make setup``."""
    env = os.environ if env is None else env
    flavor = env.get("CDKTF_LAMBDA_FLAVOR", "cdktf").strip() or "cdktf"
    if flavor not in FLAVOR_CLIS:
        raise DeployError(f"CDKTF_LAMBDA_FLAVOR={flavor!r} is not a known flavor; allowed: {', '.join(FLAVOR_CLIS)}")
    for root in (project_dir, TOOLS_ROOT):
        candidate = root / FLAVOR_CLIS[flavor]
        if candidate.is_file():
            return [str(candidate)]
    raise DeployError(
        f"{FLAVOR_CLIS[flavor]} is not installed in {project_dir}: run `make setup FLAVOR={flavor}` first"
    )


def cdktf_env(workspace: Workspace, server: moto.MotoServer, base_env: Mapping[str, str] | None = None) -> dict:
    """Environment for ``cdktf``: every AWS call to ``server``, Terraform on the mirror, node 22 and pipenv on PATH."""
    env = local_aws.local_env(workspace.harness, server, base_env=base_env)
    for key, value in CDKTF_ENV_DEFAULTS.items():
        env.setdefault(key, value)
    extra = [root / ".tools" / "bin" for root in (workspace.project_dir, TOOLS_ROOT)]
    path = env["PATH"].split(os.pathsep)
    # The interpreter's bin dir (node 22) stays first; pipenv next.
    for directory in reversed([str(d) for d in extra if d.is_dir()]):
        if directory not in path:
            path.insert(1, directory)
    env["PATH"] = os.pathsep.join(path)
    return env


def run_cdktf(
    args: Sequence[str],
    workspace: Workspace,
    env: Mapping[str, str],
    *,
    timeout: float = 900,
) -> None:
    """Run ``cdktf <args>`` (``cdktn`` for that flavor) in the project directory; raise :class:`DeployError`."""
    cmd = [*cli_command(workspace.project_dir, env), *args]
    print(f"$ {shlex.join([Path(cmd[0]).name, *args])}", flush=True)
    proc = subprocess.Popen(cmd, cwd=workspace.project_dir, env=dict(env), stdin=subprocess.DEVNULL)
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
        raise DeployError(f"`{shlex.join([Path(cmd[0]).name, *args])}` failed with exit code {returncode}")


def deploy(workspace: Workspace, server: moto.MotoServer, stacks: Sequence[str] = (ALL_STACKS,)) -> dict:
    """``cdktf deploy`` into ``server``; returns the outputs by stack."""
    workspace.ensure_work_dir()
    if workspace.outputs_file.exists():
        workspace.outputs_file.unlink()
    run_cdktf(
        [
            "deploy",
            *stacks,
            "--auto-approve",
            "--skip-provider-lock",  # `terraform providers lock` ignores the mirror and goes to the internet
            "--output",
            str(workspace.outdir),
            "--outputs-file",
            str(workspace.outputs_file),
        ],
        workspace,
        cdktf_env(workspace, server),
    )
    try:
        return json.loads(workspace.outputs_file.read_text())
    except (OSError, ValueError) as exc:
        raise DeployError(f"cdktf deploy succeeded but wrote no readable outputs file: {exc}") from exc


def destroy(workspace: Workspace, server: moto.MotoServer, stacks: Sequence[str] = (ALL_STACKS,)) -> None:
    """``cdktf destroy`` of what :func:`deploy` created in ``server``."""
    workspace.ensure_work_dir()
    run_cdktf(
        ["destroy", *stacks, "--auto-approve", "--skip-provider-lock", "--output", str(workspace.outdir)],
        workspace,
        cdktf_env(workspace, server),
    )


def format_outputs(outputs: Mapping[str, Mapping[str, object]]) -> str:
    lines = []
    for stack, values in sorted(outputs.items()):
        lines.append(f"{stack}:")
        width = max((len(k) for k in values), default=0)
        for key, value in sorted(values.items()):
            lines.append(f"  {key:<{width}}  {value}")
    return "\n".join(lines)


def teardown_hint(workspace: Workspace, server: moto.MotoServer) -> str:
    return (
        f"moto keeps running at {server.endpoint_url} (pid {server.pid}, log {server.log_path}).\n"
        f'  inspect:   python -m devtools.local_aws status   |   eval "$(python -m devtools.local_aws env)"\n'
        f"  tear down: make destroy-local   (python -m devtools.deploy_local down: cdktf destroy, then stop moto)"
    )


def up(workspace: Workspace, *, stacks: Sequence[str] = (ALL_STACKS,), port: int | None = None) -> int:
    server, started = local_aws.up(workspace.harness, port=port)
    print(f"moto {'started' if started else 'already running'}: {server.endpoint_url} (pid {server.pid})", flush=True)
    if started:
        stale = workspace.forget_state()
        if stale:
            print(f"removed state of an earlier moto server: {', '.join(p.name for p in stale)}")
    try:
        outputs = deploy(workspace, server, stacks)
    except DeployError as exc:
        print(f"\nerror: {exc}\n{teardown_hint(workspace, server)}", file=sys.stderr)
        return 1
    print(f"\nOutputs (also in {workspace.outputs_file.relative_to(workspace.project_dir)}):")
    print(format_outputs(outputs))
    print(f"\nDeployed into local fake AWS. {teardown_hint(workspace, server)}")
    return 0


def down(workspace: Workspace, *, stacks: Sequence[str] = (ALL_STACKS,)) -> int:
    server = moto.status(workspace.harness.moto_state)
    if server is None:
        local_aws.down(workspace.harness)  # clears a stale record
        removed = workspace.forget_state()
        note = f"; removed its state: {', '.join(p.name for p in removed)}" if removed else ""
        print(f"moto is not running: nothing to destroy{note}")
        return 0
    status = 0
    try:
        destroy(workspace, server, stacks)
        remaining = inventory.leftovers(server.endpoint_url)
        if remaining:
            print(f"error: resources left in moto after destroy:\n{json.dumps(remaining, indent=2)}", file=sys.stderr)
            status = 1
    except DeployError as exc:
        print(f"error: {exc} (moto is stopped anyway: it keeps nothing once stopped)", file=sys.stderr)
        status = 1
    finally:
        stopped = local_aws.down(workspace.harness)
        workspace.forget_state()
    print(f"moto {'stopped' if stopped else 'was not running'} (pid {server.pid})")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.deploy_local", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project-dir", type=Path, default=None, help="project (where cdktf.json is; default: parent of devtools/)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("up", "start moto if needed and cdktf deploy into it"), ("down", "cdktf destroy, stop moto")):
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--stack", action="append", dest="stacks", default=None, help="stack to deploy (repeat; default: all)"
        )
        if name == "up":
            p.add_argument("--port", type=int, default=None, help="port for a new moto server (default: a free one)")
    args = parser.parse_args(argv)
    workspace = Workspace((args.project_dir or local_aws.default_project_dir()).absolute())
    stacks = args.stacks or [ALL_STACKS]
    try:
        if args.command == "up":
            return up(workspace, stacks=stacks, port=args.port)
        return down(workspace, stacks=stacks)
    except (ProviderMirrorNotFound, moto.MotoServerError, DeployError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
