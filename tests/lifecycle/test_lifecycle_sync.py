"""Edit, save, see it answer: ``cdktf-lambda local sync --watch`` against the API deployed into the local cloud, and
the Terraform drift a sync leaves, which the next deploy converges.

A small app with the reference app's API (``api_server`` with the ``practice_util`` runtime layer and the dependency
layer, published versions and the alias ``live``, behind an HTTP API) is synthesized into the workspace of a copy of
the project and applied with Terraform into its local cloud. Then, with the watcher in the background: five saves of
the API's source are each answered by the local HTTP API; a save with a syntax error keeps the last good code
answering and the watcher says why. Then, after a sync, a plan of the synth from before it shows no changes, the plan of
a new synth (what ``cdktf deploy`` runs) shows the code update of that function, and an apply converges it (the next
plan is empty).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdktf_lambda.deploy.mirror import terraform_env
from cdktf_lambda.deploy.terraform import run_terraform
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator import recorded
from cdktf_lambda.emulator import server as moto
from devtools.watcher import Watcher
from tests._synth import synth
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.terraform

STACK = "sync-dev"
FUNCTION = "sync-dev-api-server"
MAIN = '''"""A small app with the reference app's API (written by tests/lifecycle/test_lifecycle_sync.py)."""
from cdktf_lambda import (
    DependencyLayer, ExecutionRole, HttpApi, LambdaFastapiServer, RuntimeCodeModules, add_aws_provider,
    add_local_backend, cdk,
)

app = cdk.App()
stack = cdk.TerraformStack(app, "sync-dev")
add_aws_provider(stack, region="us-east-1")
add_local_backend(stack)
code = RuntimeCodeModules(
    stack, "code", source_base_path="lambda_src", functions=("api_server",), packaging_mode="synth",
    name_prefix="sync-dev-",
)
deps = DependencyLayer(stack, "deps", lock_file="lambda_src/Pipfile.lock", layer_name="sync-dev-dependencies")
role = ExecutionRole(stack, "api_role", role_name="sync-dev-api-role")
api = LambdaFastapiServer(
    stack, "api_server", function_name="sync-dev-api-server", package=code.api_server, role=role,
    layers=[deps.info], publish=True, alias_name="live",
)
role.allow_logging(api.log_group_arn)
HttpApi(stack, "http_api", api_name="sync-dev-api", function=api)
app.synth()
'''
API_SOURCE = Path("lambda_src") / "api_server" / "api_server.py"
ROOT_MESSAGE = re.compile(r'return \{"message": "[^"]*"\}')
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Deployed:
    project: Path
    workspace: Workspace
    server: moto.MotoServer
    env: dict[str, str]
    url: str

    @property
    def stack_dir(self) -> Path:
        return self.workspace.outdir / "stacks" / STACK

    def synth(self) -> None:
        synth(self.project, self.workspace.outdir)

    def terraform(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> str:
        result = run_terraform(
            list(args), self.stack_dir, self.env, ok_codes=ok_codes, abort_if=self.server.gone_reason
        )
        return result.output

    def set_message(self, text: str) -> None:
        path = self.project / API_SOURCE
        source, count = ROOT_MESSAGE.subn(f'return {{"message": "{text}"}}', path.read_text())
        assert count == 1
        path.write_text(source)

    def message(self) -> str | None:
        try:
            with _OPENER.open(self.url + "/", timeout=60) as answer:
                return json.loads(answer.read()).get("message")
        except OSError:
            return None


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, terraform_cli_config: Path) -> Iterator[Deployed]:
    project = tmp_path_factory.mktemp("sync-project")
    shutil.copytree(PROJECT_ROOT / "lambda_src", project / "lambda_src", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
    (project / "main.py").write_text(MAIN)
    workspace = Workspace(project)
    workspace.ensure()
    server, _ = recorded.start(
        workspace.moto_state, log_path=workspace.moto_log, extra_env=workspace.server_env(), exit_with_parent=True
    )
    try:
        env = terraform_env(terraform_cli_config, server.endpoint_url)
        ready = Deployed(project, workspace, server, env, "")
        ready.synth()
        ready.terraform("init", "-input=false")
        ready.terraform("apply", "-input=false", "-auto-approve")
        with _OPENER.open(f"{server.endpoint_url}/_local/endpoints", timeout=60) as answer:
            ready.url = json.loads(answer.read())["http_apis"]["sync-dev-api"]
        assert ready.message() == "Hello World", "the deployed API answers"
        yield ready
    finally:
        moto.stop_server(server)


def answered(deployed: Deployed, text: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if deployed.message() == text:
            return True
        time.sleep(0.02)
    return False


def test_five_saves_are_answered_and_a_syntax_error_keeps_the_last_good_code(deployed):
    watcher = Watcher(deployed.project, {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"})
    try:
        watcher.expect(r"^watching .*lambda_src for sync-dev-api-server \(stack sync-dev in the local cloud at ")
        for index in range(5):
            text = f"saved {index}"
            deployed.set_message(text)
            assert answered(deployed, text), f"save {index} was not answered; the watcher said {watcher.seen}"
            _, line = watcher.expect(rf"^synced {FUNCTION}: ")
            assert re.fullmatch(
                rf"synced {FUNCTION}: code \(api_server\.py\), [0-9.]+ KiB, version {index + 2} → alias live, "
                r"[0-9.]+ s",
                line,
            ), line
        path = deployed.project / API_SOURCE
        good = path.read_text()
        path.write_text(good + "\ndef broken(:\n")
        _, line = watcher.expect(rf"^not synced: {FUNCTION}: ")
        lines = good.count("\n") + 2
        assert line == (
            f"not synced: {FUNCTION}: lambda_src/api_server/api_server.py:{lines}:12: SyntaxError: invalid syntax "
            "(nothing uploaded: the last good code keeps running)"
        )
        assert deployed.message() == "saved 4", "the last good code keeps answering"
        path.write_text(good)
        assert watcher.expect(rf"^up to date: {FUNCTION}: ")[1] == (
            f"up to date: {FUNCTION}: the sources build the deployed code again"
        )
    finally:
        assert watcher.stop() == 0, "the watcher stops on SIGTERM"


def test_the_plan_after_a_sync_shows_the_code_update_and_an_apply_converges(deployed):
    resources = json.loads((deployed.stack_dir / "cdk.tf.json").read_text())["resource"]
    (function_id,) = resources["aws_lambda_function"]
    (alias_id,) = resources["aws_lambda_alias"]
    function_address, alias_address = f"aws_lambda_function.{function_id}", f"aws_lambda_alias.{alias_id}"
    deployed.set_message("synced, then deployed")
    command = [sys.executable, "-m", "cdktf_lambda", "local", "--project-dir", str(deployed.project), "sync"]
    synced = subprocess.run(command, cwd=deployed.project, capture_output=True, text=True, timeout=300)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert answered(deployed, "synced, then deployed")
    code_sha256 = moto.aws_client("lambda", deployed.server.endpoint_url).get_function_configuration(
        FunctionName=FUNCTION
    )["CodeSha256"]

    # The synth from before the sync still names the old zip and hash, as the state does: no changes, and the synced
    # code is left deployed (the aws provider compares source_code_hash with the configuration, not with Lambda).
    deployed.terraform("plan", "-input=false", "-detailed-exitcode")
    deployed.synth()  # what `cdktf deploy` does first: now the configuration names the synced code
    deployed.terraform("plan", "-input=false", "-out=sync.tfplan")
    plan = json.loads(deployed.terraform("show", "-json", "sync.tfplan"))
    changes = {
        rc["address"]: rc["change"]
        for rc in plan["resource_changes"]
        if rc["change"]["actions"] not in (["no-op"], ["read"])
    }
    assert sorted(changes) == [alias_address, function_address], sorted(changes)
    change = changes[function_address]
    known = {key for key in change["after"] if key in change["before"]}
    changed = sorted(key for key in known if change["after"][key] != change["before"][key])
    assert (change["actions"], changed) == (["update"], ["filename", "source_code_hash"]), "the code update only"
    assert change["after"]["source_code_hash"] == code_sha256, "to the very code sync uploaded: a synth's bytes"
    assert change["before"]["source_code_hash"] != code_sha256, "the state still held the code deployed before"
    alias = changes[alias_address]
    assert alias["actions"] == ["update"] and "function_version" in alias["after_unknown"], (
        "the alias follows the version the apply publishes"
    )

    deployed.terraform("apply", "-input=false", "sync.tfplan")
    deployed.terraform("plan", "-input=false", "-detailed-exitcode")  # exit 0: no changes (2 would fail it)
    assert deployed.message() == "synced, then deployed"
