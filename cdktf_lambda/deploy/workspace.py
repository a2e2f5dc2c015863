"""Where a project's local cloud lives: ``<project>/.cdktf-lambda/local/`` (git-ignored by its own ``.gitignore``).

============================  ===================================================================================
``moto.json``, ``moto.log``    the local cloud's moto server (pid, port) and its output
``cli.tfrc``                   the Terraform CLI config (the machine's offline provider mirror, if it has one)
``cdktf.out/``                 the synth output of local deploys
``outputs.json``               the stack outputs of the last ``up``
``terraform.<stack>.tfstate``  Terraform state of local deploys: the stack's local backend keeps state three
                               directories above the stack directory (``cdktf.out/stacks/<stack>``), which is
                               here, so a local deploy never touches the project's own state
============================  ===================================================================================

The state is only valid while that moto server runs (moto keeps everything in memory): starting a new server
forgets it (:meth:`Workspace.forget_state`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.deploy.mirror import ProviderMirrorNotFound, terraform_env, write_cli_config
from cdktf_lambda.emulator import recorded
from cdktf_lambda.emulator import server as moto
from cdktf_lambda.paths import project_root

__all__ = ["STATE_DIR", "Workspace", "ensure_ignored_dir"]

#: The local cloud's directory, relative to the project.
STATE_DIR = Path(".cdktf-lambda") / "local"


def ensure_ignored_dir(directory: Path, what: str) -> Path:
    """Create ``directory`` with a ``.gitignore`` of ``*`` in it, so nothing there is ever committed."""
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(f"# {what}; never committed.\n*\n")
    return directory


@dataclass(frozen=True)
class Workspace:
    """The local cloud of one project directory (see the module docstring)."""

    project_dir: Path

    @classmethod
    def find(cls, project_dir: str | os.PathLike[str] | None = None) -> Workspace:
        """The workspace of ``project_dir``, default the current project (:func:`~cdktf_lambda.paths.project_root`)."""
        return cls(Path(project_dir).absolute() if project_dir is not None else project_root())

    @property
    def state_dir(self) -> Path:
        return self.project_dir / STATE_DIR

    @property
    def cli_config(self) -> Path:
        return self.state_dir / "cli.tfrc"

    @property
    def moto_state(self) -> Path:
        return self.state_dir / "moto.json"

    @property
    def moto_log(self) -> Path:
        return self.state_dir / "moto.log"

    @property
    def outdir(self) -> Path:
        return self.state_dir / "cdktf.out"

    @property
    def outputs_file(self) -> Path:
        return self.state_dir / "outputs.json"

    def ensure(self) -> Path:
        """The state directory, created with its ``.gitignore`` (the parent ``.cdktf-lambda/`` ignores itself too)."""
        ensure_ignored_dir(self.project_dir / STATE_DIR.parent, "cdktf-lambda's local files")
        return ensure_ignored_dir(self.state_dir, "The local cloud (cdktf-lambda local)")

    def state_files(self) -> list[Path]:
        """Terraform state (and backups) of local deploys."""
        return sorted(self.state_dir.glob("terraform.*.tfstate*")) if self.state_dir.is_dir() else []

    def forget_state(self) -> list[Path]:
        """Delete the state files and outputs (they describe resources of a moto server that is gone)."""
        removed = self.state_files()
        for path in removed:
            path.unlink()
        self.outputs_file.unlink(missing_ok=True)
        return removed

    def write_cli_config(self) -> str | None:
        """Write :attr:`cli_config`; a note when the machine has no provider mirror (Terraform uses the registry)."""
        self.ensure()
        try:
            write_cli_config(self.cli_config)
        except ProviderMirrorNotFound:
            self.cli_config.write_text("# No offline provider mirror here: providers come from the registry.\n")
            return "no offline provider mirror found: Terraform downloads providers from the registry"
        return None

    def server(self) -> moto.MotoServer | None:
        """The workspace's moto server if it runs and answers."""
        return recorded.status(self.moto_state)

    def server_env(self) -> dict[str, str]:
        """What the local cloud's server is told: the project (its package cache) and where the deployed stacks are
        synthesized (to map dependency layers to their lock files)."""
        return {settings.PROJECT_DIR.name: str(self.project_dir), settings.LOCAL_SYNTH_DIRS.name: str(self.outdir)}

    def start_server(self, *, port: int | None = None, timeout: float = 30.0) -> tuple[moto.MotoServer, bool]:
        """The running server, or a new one with the local cloud (``(server, started_now)``)."""
        self.ensure()
        return recorded.start(
            self.moto_state, port=port, log_path=self.moto_log, timeout=timeout, extra_env=self.server_env()
        )

    def stop_server(self) -> bool:
        """Stop the workspace's moto server by its PID (True if one was stopped)."""
        return recorded.stop(self.moto_state)

    def env(self, server: moto.MotoServer | None, base_env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for terraform, cdktf and the AWS CLI against ``server`` (offline config when None).

        This interpreter's directory comes first on ``PATH``: the ``node`` a ``cdktf-lambda[cdktf]`` install brings
        (jsii and the cdktf CLI need node 22) and the project's Python for ``cdktf.json``'s app.
        """
        env = terraform_env(self.cli_config, server.endpoint_url if server else None, base_env=base_env)
        bindir = str(Path(sys.executable).parent)
        parts = [part for part in env.get("PATH", "").split(os.pathsep) if part and part != bindir]
        env["PATH"] = os.pathsep.join([bindir, *parts])
        return env
