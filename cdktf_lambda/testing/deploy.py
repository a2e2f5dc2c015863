"""Deploy a synthesized stack into a local cloud of its own, then take it all down: :func:`deploy_local_cloud`.

Steps, each timed (:attr:`LocalCloud.timings <cdktf_lambda.testing.cloud.LocalCloud.timings>`):

1. ``start``: a moto server with the local cloud on a free 127.0.0.1 port
   (:func:`cdktf_lambda.emulator.server.start_server`, ``exit_with_parent``: it exits by itself if the test process
   dies), told where the project and its synth output are (dependency layers map to their lock files);
2. ``init``: ``terraform init`` of a copy of the stack's JSON whose backend is a local state file in the work
   directory (the project's own backend, an S3 bucket of the team's say, is never touched), the assets linked;
   providers from the machine's offline mirror when it has one (as ``cdktf-lambda local up`` does), else the
   registry;
3. ``apply``: ``terraform apply`` with every AWS call pointed at the local cloud: faster than ``cdktf deploy``
   (no CLI start-up, no second synth);
4. ``outputs``: ``terraform output -json``;
5. ``prepare``: every function made ready to run (zips unpacked, runtimes provisioned, dependency layers rebuilt if
   the function runs on the host fallback), so the first request does not pay for it.

At the end, whatever happened (a failure, Ctrl-C), the server is stopped by its PID with everything it started
(the functions' runtimes): the local cloud keeps its resources in memory, so nothing of the deployment outlives it,
and its Terraform state is in the work directory.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cdktf_lambda import settings
from cdktf_lambda.deploy.local import local_api
from cdktf_lambda.deploy.mirror import ProviderMirrorNotFound, terraform_env, write_cli_config
from cdktf_lambda.deploy.terraform import run_terraform, terraform_binary
from cdktf_lambda.emulator.server import MotoServer, start_server, stop_server
from cdktf_lambda.errors import DeployError
from cdktf_lambda.testing.cloud import LocalCloud
from cdktf_lambda.testing.stack import SynthesizedStack

__all__ = ["DeployError", "deploy_directory", "deploy_local_cloud", "environment_name"]

#: Entries of a stack directory that belong to an earlier Terraform run, not to the synth output.
_TERRAFORM_FILES = (".terraform", ".terraform.lock.hcl")


def _check_tools() -> None:
    missing = [name for name in ("moto", "boto3") if importlib.util.find_spec(name) is None]
    if missing:
        raise DeployError(
            f"the local cloud needs {' and '.join(missing)}, which this environment lacks: install the library with "
            "its local extra, pip install 'cdktf-lambda[cdktf,local,testing]'"
        )
    terraform_binary()  # TerraformNotFound says what to do


def _cli_config(workdir: Path) -> Path:
    """The Terraform CLI config: the offline provider mirror if the machine has one, else the registry."""
    path = workdir / "cli.tfrc"
    try:
        return write_cli_config(path)
    except ProviderMirrorNotFound:
        path.write_text("# No offline provider mirror here: providers come from the registry.\n")
        return path


def deploy_directory(stack: SynthesizedStack, directory: Path) -> Path:
    """``directory`` with the stack's JSON (its backend a local state file there) and links to its assets."""
    if stack.directory is None:
        raise DeployError(f"stack {stack.name!r} was synthesized in memory: there are no artifacts to deploy")
    directory.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = json.loads(json.dumps(stack.json))
    terraform = config.setdefault("terraform", {})
    terraform.pop("cloud", None)
    terraform["backend"] = {"local": {"path": "terraform.tfstate"}}
    (directory / "cdk.tf.json").write_text(json.dumps(config, indent=2))
    for entry in stack.directory.iterdir():
        if entry.name == "cdk.tf.json" or entry.name in _TERRAFORM_FILES or entry.name.startswith("terraform."):
            continue
        link = directory / entry.name
        if not link.exists():
            link.symlink_to(entry, target_is_directory=entry.is_dir())
    return directory


def _outputs(shown: Mapping[str, Any]) -> dict[str, Any]:
    return {name: output.get("value") for name, output in shown.items()}


@contextmanager
def deploy_local_cloud(
    stack: SynthesizedStack,
    workdir: Path,
    *,
    project_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    name: str = "local-cloud",
) -> Iterator[LocalCloud]:
    """``stack`` deployed into a local cloud of its own for the ``with`` block (see the module docstring).

    Parameters
    ----------
    stack
        A stack synthesized to disk (:func:`cdktf_lambda.testing.synth.synth_app`).
    workdir
        Where the server log, the Terraform CLI config, working directory and state go.
    project_dir
        The project (its package cache; lock files of dependency layers are relative to it). Default: the current
        directory.
    env
        Variables for the server (and so the functions' runtimes), e.g. :data:`~cdktf_lambda.settings.WHEELHOUSE`.
    name
        Names the server's log file (``<name>.moto.log``): the xdist worker, say.

    Raises
    ------
    DeployError, cdktf_lambda.deploy.terraform.TerraformNotFound, cdktf_lambda.deploy.terraform.TerraformError
        What failed, with its output's tail; the server is stopped first.
    cdktf_lambda.errors.EmulatorError
        The local cloud's server did not start.
    """
    if stack.directory is None:
        raise DeployError(f"stack {stack.name!r} was synthesized in memory: there are no artifacts to deploy")
    _check_tools()
    workdir = Path(workdir).absolute()
    workdir.mkdir(parents=True, exist_ok=True)
    outdir = stack.directory.parent.parent
    timings: dict[str, float] = {}
    server_env = {
        **(env or {}),
        settings.PROJECT_DIR.name: str(project_dir or Path.cwd()),
        settings.LOCAL_SYNTH_DIRS.name: str(outdir),
    }
    started = time.monotonic()
    server: MotoServer | None = None
    try:
        server = start_server(log_path=workdir / f"{name}.moto.log", extra_env=server_env, exit_with_parent=True)
        timings["start"] = time.monotonic() - started
        directory = deploy_directory(stack, workdir / stack.name)
        tf_env = terraform_env(_cli_config(workdir), server.endpoint_url, region=LocalCloud.region_of(stack))
        tf_env.pop("TF_LOG", None)
        for phase, args in (("init", ["init", "-input=false"]), ("apply", ["apply", "-input=false", "-auto-approve"])):
            began = time.monotonic()
            run_terraform(args, directory, tf_env, abort_if=server.gone_reason, timeout=1800)
            timings[phase] = time.monotonic() - began
        began = time.monotonic()
        shown = run_terraform(["output", "-json"], directory, tf_env, abort_if=server.gone_reason)
        outputs = _outputs(json.loads(shown.output or "{}"))
        timings["outputs"] = time.monotonic() - began
        began = time.monotonic()
        prepared = local_api(server, "prepare", method="POST")
        errors = prepared.get("errors") or {}
        if errors:
            lines = "\n".join(f"  {function}: {error}" for function, error in sorted(errors.items()))
            raise DeployError(f"the local cloud cannot run these functions:\n{lines}\n(server log: {server.log_path})")
        timings["prepare"] = time.monotonic() - began
        cloud = LocalCloud(server, stack, directory, tf_env, outputs, timings)
        yield cloud
    finally:
        if server is not None:
            stop_server(server)


def environment_name() -> str:
    """``gw0`` under pytest-xdist (its worker id), else ``main``: one deployment per worker."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")
