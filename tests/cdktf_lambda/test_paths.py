"""Paths in any project directory: relative inputs resolve against the app's project (where its cdktf.json is),
absolute inputs are accepted everywhere, and the Terraform JSON only ever holds paths relative to the stack
directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdktf_lambda import RuntimeCodeModules, add_local_backend, cdk, settings
from cdktf_lambda.paths import project_root, stack_dir_to_project, terraform_path
from tests.conftest import PROJECT_ROOT, synth_json

FILES = {"fn/__init__.py": "", "fn/fn.py": "def lambda_handler(e, c):\n    return e\n", "util/__init__.py": ""}


@pytest.fixture
def client_project(tmp_path: Path, make_source, monkeypatch) -> Path:
    """A project of its own (cdktf.json, lambda code) in a temporary directory, entered from a subdirectory."""
    project = tmp_path / "shop"
    make_source(FILES, root=project / "functions")
    (project / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
    (project / "infra").mkdir()
    monkeypatch.chdir(project / "infra")
    return project


def _modules(**kwargs) -> tuple[RuntimeCodeModules, dict]:
    stack = cdk.TerraformStack(cdk.Testing.app(), "shop-dev")
    modules = RuntimeCodeModules(stack, "code", functions=("fn",), runtime_modules=("util",), **kwargs)
    return modules, synth_json(stack)


def test_the_project_is_the_nearest_directory_with_a_cdktf_json(client_project):
    assert project_root() == client_project


def test_this_repository_is_the_project_of_its_own_tests():
    assert project_root() == PROJECT_ROOT


def test_the_environment_names_the_project_when_set(client_project, tmp_path, monkeypatch):
    monkeypatch.setenv(settings.PROJECT_DIR.name, str(tmp_path))
    assert project_root() == tmp_path


def test_relative_source_resolves_against_the_project_not_the_working_directory(client_project):
    _, synthesized = _modules(source_base_path="functions")
    (archive,) = [a for a in synthesized["data"]["archive_file"].values() if a.get("source_dir")]
    assert archive["source_dir"] == "../../../functions/fn"


def test_absolute_paths_are_accepted_and_written_relative_to_the_stack_directory(client_project):
    _, synthesized = _modules(
        source_base_path=client_project / "functions", output_dir=str(client_project / "build" / "zips")
    )
    text = json.dumps(synthesized)
    assert str(client_project) not in text
    outputs = {a["output_path"] for a in synthesized["data"]["archive_file"].values()}
    assert outputs == {"../../../build/zips/fn.zip", "../../../build/zips/util.zip"}


def test_the_stack_directory_depth_follows_the_output_of_cdktf_json(client_project):
    (client_project / "cdktf.json").write_text(json.dumps({"app": "python main.py", "output": "build/cdktf.out"}))
    assert stack_dir_to_project() == "../../../.."
    assert terraform_path(client_project / "functions" / "fn") == "../../../../functions/fn"


def test_local_backend_is_relative_and_in_cdktf_default_place(client_project):
    stack = cdk.TerraformStack(cdk.Testing.app(), "shop-dev")
    add_local_backend(stack)
    assert synth_json(stack)["terraform"]["backend"] == {"local": {"path": "../../../terraform.shop-dev.tfstate"}}
