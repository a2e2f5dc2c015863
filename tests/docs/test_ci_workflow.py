"""The CI workflow of docs/ci.md (docs/examples/github-actions.yml) is a real one: it parses, every ``make`` target it
calls exists, the plan runs on pull requests and the apply only on main with OIDC credentials, and the app it
synthesizes with the workflow's context has the S3 backend locked by ``use_lockfile``."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
import yaml

from cdktf_lambda.testing import Project, synth_app
from tests._checkout import copy_checkout
from tests.conftest import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / "docs" / "examples" / "github-actions.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def _makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*):", (PROJECT_ROOT / "Makefile").read_text(), re.M))


def test_the_page_shows_the_workflow_file():
    assert "```{literalinclude} examples/github-actions.yml" in (PROJECT_ROOT / "docs/ci.md").read_text()


def test_every_make_target_the_workflow_calls_exists(workflow):
    called = {target for job in workflow["jobs"].values() for target in re.findall(r"\bmake (\w[\w-]*)", _runs(job))}
    assert {"synth", "lint"} <= called
    assert sorted(called - _makefile_targets()) == []


def test_plan_on_pull_requests_apply_on_main(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push"} and triggers["push"]["branches"] == ["main"]
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert "github.ref == 'refs/heads/main'" in apply["if"] and "push" in apply["if"]
    assert "terraform plan" in _runs(plan) and "terraform apply" not in _runs(plan)
    assert "terraform apply" in _runs(apply) and "-lock-timeout" in _runs(apply)
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_credentials_come_by_oidc_never_from_stored_keys(workflow):
    assert workflow["permissions"]["id-token"] == "write"
    for name, job in workflow["jobs"].items():
        aws = [step for step in job["steps"] if "aws-actions/configure-aws-credentials" in step.get("uses", "")]
        assert len(aws) == 1 and aws[0]["with"]["role-to-assume"].startswith("arn:aws:iam::"), name
        assert "aws-access-key-id" not in aws[0]["with"] and "secrets." not in json.dumps(job), name


@pytest.mark.slow
def test_the_workflow_s_context_synthesizes_the_stack_with_s3_state_locked_by_its_lock_file(
    workflow, cdktf_project, tmp_path
):
    context = json.loads(workflow["env"]["CDKTF_CONTEXT_JSON"])
    directory = copy_checkout(tmp_path / "project")
    project = Project(directory, app=[sys.executable, "main.py"], context=context, env=cdktf_project.env)
    app = synth_app(project, directory / "cdktf.out")
    stack = app.stack(workflow["env"]["STACK"])
    backend = stack.json["terraform"]["backend"]["s3"]
    assert backend == {
        "bucket": "acme-terraform-state",
        "key": "practice/prod/terraform.tfstate",
        "region": "eu-west-1",
        "encrypt": True,
        "use_lockfile": True,
    }
    for job in workflow["jobs"].values():  # terraform runs where that stack was written
        directories = {step.get("working-directory") for step in job["steps"] if "terraform" in step.get("run", "")}
        assert directories == {"cdktf.out/stacks/${{ env.STACK }}"}
