"""The team's S3 backend in the local cloud: the reference app (its own ``main.py``, the backend chosen in the context
as a team chooses it in ``cdktf.json``) deployed from two working directories by two ``terraform apply`` started
together: one waits for the other's lock; the state is intact and a re-plan is clean. Then a destroy leaves moto
empty but for the state bucket and its (empty) state.

This needs a deployment of its own (the shared ``local_cloud`` keeps a local state and must not be destroyed), made
with the toolkit's :func:`~cdktf_lambda.testing.synth_app` and a moto server of its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.deploy.mirror import terraform_env
from cdktf_lambda.deploy.terraform import run_terraform
from cdktf_lambda.emulator.contents import leftovers
from cdktf_lambda.emulator.server import MotoServer, aws_client, running_server
from cdktf_lambda.testing import Project, synth_app, wait_for
from tests._checkout import copy_checkout
from tests.cloud._e2e import (
    STATE_BUCKET,
    STATE_KEY,
    TwoApplies,
    apply_twice_at_once,
    backend_config,
    second_working_dir,
)
from tests.lifecycle._lifecycle import Phases, echo, state_and_outputs

pytestmark = pytest.mark.terraform

#: The S3 backend as main.py reads it from the context (docs/ci.md: cdktf.json's "backend").
BACKEND = {"type": "s3", "bucket": STATE_BUCKET, "key": STATE_KEY}


@dataclass
class Deployed:
    server: MotoServer
    stack_dir: Path
    env: dict[str, str]
    applies: TwoApplies
    resources: int


@pytest.fixture(scope="module")
def deployed(
    tmp_path_factory: pytest.TempPathFactory,
    terraform_cli_config: Path,
    cdktf_project: Project,
    request: pytest.FixtureRequest,
) -> Iterator[Deployed]:
    """The app with the S3 backend, applied twice at once into a moto server of its own; stopped by PID."""
    phases = Phases("the app with the team's S3 backend (two applies at once)")
    directory = copy_checkout(tmp_path_factory.mktemp("s3-lock") / "project")
    project = Project(directory, app=[sys.executable, "main.py"], context={"backend": BACKEND}, env=cdktf_project.env)
    with phases("synth"):
        stack = synth_app(project, directory / "cdktf.out").stack("practice-dev")
    assert stack.json["terraform"]["backend"]["s3"]["bucket"] == STATE_BUCKET
    assert stack.directory is not None
    extra = {settings.PROJECT_DIR.name: str(directory), settings.LOCAL_SYNTH_DIRS.name: str(directory / "cdktf.out")}
    with running_server(log_path=directory.parent / "moto.log", extra_env={**project.env, **extra}) as server:
        try:
            aws_client("s3", server.endpoint_url).create_bucket(Bucket=STATE_BUCKET)
            env = terraform_env(terraform_cli_config, server.endpoint_url)
            directories = [stack.directory, second_working_dir(stack.directory)]
            with phases("init x2"):
                for working_dir in directories:
                    config = backend_config(working_dir, server.endpoint_url)
                    run_terraform(["init", "-input=false", f"-backend-config={config}"], working_dir, env)
            with phases("two applies at once"):
                applies = apply_twice_at_once(directories, env, server)
            shown = run_terraform(["show", "-json"], stack.directory, env, abort_if=server.gone_reason)
            state, _ = state_and_outputs(json.loads(shown.output))
            yield Deployed(server, stack.directory, env, applies, len(state))
        finally:
            with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
                echo("\n" + phases.report())


def test_s3_backend_two_applies_started_together_one_waits_for_the_lock(deployed: Deployed) -> None:
    first, second = deployed.applies.results
    assert (first.returncode, second.returncode) == (0, 0), first.output[-3000:] + second.output[-3000:]
    created = [r for r in (first, second) if f"Apply complete! Resources: {deployed.resources} added" in r.output]
    waited = [r for r in (first, second) if "No changes." in r.output]
    assert len(created) == 1 and len(waited) == 1, "one apply created everything, the other found nothing to do"
    assert waited[0].duration >= created[0].duration - 5, "the second one waited for the first one's lock"
    assert deployed.applies.lock_seen, f"no {STATE_KEY}.tflock in s3://{STATE_BUCKET} while the applies ran"
    s3 = aws_client("s3", deployed.server.endpoint_url)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET)["Contents"]]
    assert keys == [STATE_KEY], "the lock is released, the state is there"
    state = json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read())
    assert len([r for r in state["resources"] if r["mode"] == "managed"]) == deployed.resources
    plan = run_terraform(
        ["plan", "-input=false", "-detailed-exitcode"], deployed.stack_dir, deployed.env, ok_codes=(0, 2)
    )
    assert plan.returncode == 0, f"re-plan after the two applies is not clean:\n{plan.output[-3000:]}"


def test_destroy_leaves_moto_empty(deployed: Deployed) -> None:
    run_terraform(["destroy", "-input=false", "-auto-approve"], deployed.stack_dir, deployed.env)
    only_the_state = {"s3_buckets": [STATE_BUCKET], "s3_objects": [f"{STATE_BUCKET}/{STATE_KEY}"]}
    # The SQS pollers and the HTTP fronts notice a deleted resource within a tick of their loop.
    wait_for(
        lambda: leftovers(deployed.server.endpoint_url) == only_the_state, timeout=10, what="nothing but the state"
    )
    state = json.loads(
        aws_client("s3", deployed.server.endpoint_url).get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read()
    )
    assert state["resources"] == []
    endpoints = f"{deployed.server.endpoint_url}/_local/endpoints"
    wait_for(lambda: _json(endpoints) == {"http_apis": {}, "function_urls": {}}, timeout=10, what="no local endpoint")


def _json(url: str) -> object:
    from cdktf_lambda.testing.http import request

    return request("GET", url).json()
