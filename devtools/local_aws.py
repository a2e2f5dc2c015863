"""Local fake AWS for ``make deploy-local`` / ``make destroy-local``.

Usage::

    python -m devtools.local_aws up       # start moto (if not running), write the CLI config,
                                          # print `export ...` lines for the environment
    eval "$(python -m devtools.local_aws up)"
    python -m devtools.local_aws env [--format shell|dotenv|json] [--offline]
    python -m devtools.local_aws run -- npx cdktf deploy --auto-approve --skip-provider-lock STACK
    python -m devtools.local_aws status [--json]
    python -m devtools.local_aws down [--require-empty]

Everything lives in ``<project>/.terraform.d/`` (which ignores itself for git):
``cli.tfrc`` (Terraform CLI config using the local provider mirror), ``moto.json``
(pid/port/log of the server) and ``moto.log``. The project directory is the parent
of this package, or ``$CDKTF_LAMBDA_PROJECT_DIR`` / ``--project-dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda.local import inventory, moto
from cdktf_lambda.local.terraform import (
    DEFAULT_REGION,
    ProviderMirrorNotFound,
    env_delta,
    terraform_env,
    write_cli_config,
)

PROJECT_DIR_ENV_VAR = "CDKTF_LAMBDA_PROJECT_DIR"
STATE_DIR_NAME = ".terraform.d"


@dataclass(frozen=True)
class Paths:
    """Files of the local harness under one project directory."""

    project_dir: Path

    @property
    def state_dir(self) -> Path:
        return self.project_dir / STATE_DIR_NAME

    @property
    def cli_config(self) -> Path:
        return self.state_dir / "cli.tfrc"

    @property
    def moto_state(self) -> Path:
        return self.state_dir / "moto.json"

    @property
    def moto_log(self) -> Path:
        return self.state_dir / "moto.log"

    def ensure_state_dir(self) -> Path:
        return ensure_ignored_dir(self.state_dir, "Local harness state (devtools.local_aws)")


def ensure_ignored_dir(directory: Path, what: str) -> Path:
    """Create ``directory`` with a ``.gitignore`` of ``*`` in it, so nothing there is ever committed."""
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(f"# {what}; never committed.\n*\n")
    return directory


def default_project_dir() -> Path:
    override = os.environ.get(PROJECT_DIR_ENV_VAR)
    if override:
        return Path(override).expanduser().absolute()
    return Path(__file__).resolve().parent.parent


def _venv_path(env: Mapping[str, str]) -> str:
    """PATH with this interpreter's bin dir first (node 22 of the venv, cdktf's python)."""
    bindir = str(Path(sys.executable).parent)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    if parts and parts[0] == bindir:
        return os.pathsep.join(parts)
    return os.pathsep.join([bindir, *[p for p in parts if p != bindir]])


def local_env(
    paths: Paths,
    server: moto.MotoServer | None,
    *,
    region: str = DEFAULT_REGION,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Full environment for terraform/cdktf against ``server`` (or offline if None)."""
    base = dict(os.environ if base_env is None else base_env)
    env = terraform_env(paths.cli_config, server.endpoint_url if server else None, region=region, base_env=base)
    env["PATH"] = _venv_path(env)
    return env


def up(paths: Paths, *, port: int | None = None, timeout: float = 30.0) -> tuple[moto.MotoServer, bool]:
    """Write the CLI config and make sure a moto server is running. Returns (server, started_now)."""
    paths.ensure_state_dir()
    write_cli_config(paths.cli_config)
    return moto.start(paths.moto_state, port=port, log_path=paths.moto_log, timeout=timeout)


def down(paths: Paths) -> bool:
    """Stop the recorded moto server by PID. Returns True if one was stopped."""
    return moto.stop(paths.moto_state)


def format_env(delta: Mapping[str, str | None], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({k: v for k, v in delta.items() if v is not None}, indent=2, sort_keys=True)
    lines = []
    for key, value in delta.items():
        if fmt == "dotenv":
            if value is not None:
                lines.append(f"{key}={value}")
        elif value is None:
            lines.append(f"unset {key}")
        else:
            lines.append(f"export {key}={shlex.quote(value)}")
    return "\n".join(lines)


def _print_env(paths: Paths, server, fmt: str) -> None:
    env = local_env(paths, server)
    print(format_env(env_delta(env), fmt))


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.local_aws", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-dir", type=Path, default=None, help="project root (default: parent of devtools/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p_up = sub.add_parser("up", help="start moto if needed, write the CLI config, print the env")
    p_up.add_argument("--port", type=int, default=None, help="port for a new server (default: a free one)")
    p_up.add_argument("--timeout", type=float, default=30.0)
    p_up.add_argument("--format", choices=("shell", "dotenv", "json"), default="shell")

    p_down = sub.add_parser("down", help="stop the moto server by PID")
    p_down.add_argument(
        "--require-empty",
        action="store_true",
        help="exit 1 (after stopping) if resources were still present in the server",
    )

    p_env = sub.add_parser("env", help="print the environment to use")
    p_env.add_argument("--format", choices=("shell", "dotenv", "json"), default="shell")
    p_env.add_argument("--offline", action="store_true", help="only the terraform CLI config, no AWS endpoint")

    p_status = sub.add_parser("status", help="is moto running, and what exists in it")
    p_status.add_argument("--json", action="store_true")

    p_run = sub.add_parser("run", help="run a command with the environment (moto must be up)")
    p_run.add_argument("cmd", nargs=argparse.REMAINDER, help="command (after --)")

    args = parser.parse_args(argv)
    paths = Paths((args.project_dir or default_project_dir()).absolute())

    try:
        if args.command == "up":
            server, started = up(paths, port=args.port, timeout=args.timeout)
            _err(
                f"moto {'started' if started else 'already running'}: {server.endpoint_url} "
                f"(pid {server.pid}, log {server.log_path})\nTerraform CLI config: {paths.cli_config}"
            )
            _print_env(paths, server, args.format)
            return 0

        if args.command == "down":
            remaining: dict[str, list[str]] = {}
            if args.require_empty:
                server = moto.status(paths.moto_state)
                if server is not None:
                    remaining = inventory.leftovers(server.endpoint_url)
            stopped = down(paths)
            _err("moto stopped" if stopped else "moto was not running")
            if remaining:
                _err("resources still present before stop:\n" + json.dumps(remaining, indent=2))
                return 1
            return 0

        if args.command == "env":
            if args.offline:
                paths.ensure_state_dir()
                write_cli_config(paths.cli_config)
                _print_env(paths, None, args.format)
                return 0
            server = moto.status(paths.moto_state)
            if server is None:
                _err("moto is not running: run `python -m devtools.local_aws up` first (or use --offline)")
                return 1
            write_cli_config(paths.cli_config)
            _print_env(paths, server, args.format)
            return 0

        if args.command == "status":
            server = moto.status(paths.moto_state)
            info: dict = {"running": server is not None, "cli_config": str(paths.cli_config)}
            if server is not None:
                info.update(server.to_dict())
                info["resources"] = inventory.resource_counts(server.endpoint_url)
            if args.json:
                print(json.dumps(info, indent=2))
            elif server is None:
                print("moto: not running")
            else:
                print(f"moto: running at {server.endpoint_url} (pid {server.pid}, log {server.log_path})")
                for kind, n in info["resources"].items():
                    print(f"  {kind:30} {n}")
            return 0 if server is not None else 3

        if args.command == "run":
            cmd = list(args.cmd)
            if cmd and cmd[0] == "--":
                cmd = cmd[1:]
            if not cmd:
                parser.error("run needs a command after --")
            server = moto.status(paths.moto_state)
            if server is None:
                _err("moto is not running: run `python -m devtools.local_aws up` first")
                return 1
            write_cli_config(paths.cli_config)
            return subprocess.call(cmd, env=local_env(paths, server))
    except (ProviderMirrorNotFound, moto.MotoServerError) as exc:
        _err(f"error: {exc}")
        return 2
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
