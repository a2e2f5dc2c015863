"""One sync against a Lambda API (moto on 127.0.0.1): what changed is uploaded, with a synth's bytes; bad input and
changes only Terraform can make upload nothing; a layer change publishes a version and moves its functions."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cdktf_lambda.cli.main import main
from cdktf_lambda.emulator.server import MotoServer, aws_client, running_server
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE
from cdktf_lambda.packaging.package_source import PackageSource, build_package
from cdktf_lambda.sync import LambdaApi, Syncer
from cdktf_lambda.sync.package import package_cache, package_code
from cdktf_lambda.sync.stack import parse_stack

pytestmark = pytest.mark.slow

HANDLER = 'import util\n\n\ndef lambda_handler(event, context):\n    return {"v": 1, "util": util.WHERE}\n'
API = PackageSource("src/api", "api", "function", ("python3.13",))
UTIL = PackageSource("src/util", "util", "layer", ("python3.13",))
ROLE_POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'  # noqa: E501


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[MotoServer]:
    with running_server(log_path=tmp_path_factory.mktemp("moto") / "moto.log") as started:
        yield started


@dataclass
class Deployed:
    project: Path
    name: str
    layer: str
    client: Any
    resource: dict[str, Any]

    def stack_json(self) -> dict[str, Any]:
        return {
            "provider": {"aws": [{"region": "us-east-1"}]},
            "resource": {
                "aws_lambda_function": {"api_fn": self.resource},
                "aws_lambda_alias": {
                    "api_alias": {"function_name": "${aws_lambda_function.api_fn.function_name}", "name": "live"}
                },
                "aws_lambda_layer_version": {
                    "util_layer": {
                        "//": {PACKAGE: UTIL.metadata()},
                        "layer_name": self.layer,
                        "compatible_runtimes": ["python3.13"],
                    }
                },
            },
        }

    def syncer(self, **kwargs: Any) -> Syncer:
        stack = parse_stack("demo", self.project, self.stack_json())
        return Syncer(stack, LambdaApi(self.client, lambda: aws_client("s3", self.client.meta.endpoint_url)), **kwargs)

    def config(self) -> dict[str, Any]:
        return self.client.get_function_configuration(FunctionName=self.name)

    def alias_version(self) -> str:
        return self.client.get_alias(FunctionName=self.name, Name="live")["FunctionVersion"]

    def edit(self, relative: str, text: str) -> Path:
        path = self.project / relative
        path.write_text(text)
        return path


def built(project: Path, source: PackageSource):
    return package_code(source.list_files(project), source, project, on_s3=False)


@pytest.fixture
def deployed(server, make_source, tmp_path) -> Deployed:
    """A function with a runtime-module layer and the alias ``live``, deployed from zips built as by a synth."""
    project = make_source(
        {"src/api/__init__.py": "", "src/api/api.py": HANDLER, "src/util/__init__.py": "", "src/util/util.py": ""},
        tmp_path / "project",
    )
    (project / "src/util/__init__.py").write_text("WHERE = 'layer 1'\n")
    client = aws_client("lambda", server.endpoint_url)
    suffix = uuid.uuid4().hex[:8]
    role = aws_client("iam", server.endpoint_url).create_role(
        RoleName=f"role-{suffix}", AssumeRolePolicyDocument=ROLE_POLICY
    )["Role"]["Arn"]
    layer = client.publish_layer_version(
        LayerName=f"util-{suffix}",
        Content={"ZipFile": built(project, UTIL).path.read_bytes()},
        CompatibleRuntimes=["python3.13"],
    )["LayerVersionArn"]
    name = f"api-{suffix}"
    client.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="api.lambda_handler",
        Code={"ZipFile": built(project, API).path.read_bytes()},
        Layers=[layer],
        Publish=True,
    )
    client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    resource = {
        "//": {"metadata": {"path": "demo/api/function"}, PACKAGE: API.metadata()},
        "function_name": name,
        "handler": "api.lambda_handler",
        "runtime": "python3.13",
        "memory_size": 128,
        "layers": ["${aws_lambda_layer_version.util_layer.arn}"],
    }
    return Deployed(project, name, f"util-{suffix}", client, resource)


def test_nothing_changed_is_up_to_date(deployed):
    reports = deployed.syncer().sync()
    assert [(r.outcome, r.subject) for r in reports] == [("unchanged", deployed.layer), ("unchanged", deployed.name)]
    assert [r.line() for r in reports] == [f"up to date: {deployed.layer}", f"up to date: {deployed.name}"]
    assert deployed.alias_version() == "1"


def test_a_code_change_is_uploaded_with_a_synths_bytes_and_the_alias_moves(deployed):
    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 2'))
    (report,) = deployed.syncer().sync({path})
    expected = build_package(API.list_files(deployed.project), API, package_cache(deployed.project))
    assert (report.outcome, report.size, report.version, report.alias) == ("synced", expected.size, "2", "live")
    assert report.line().startswith(f"synced {deployed.name}: code (api.py), ")
    assert report.line().endswith(" s") and ", version 2 → alias live, " in report.line()
    assert deployed.config()["CodeSha256"] == expected.zip_hash
    assert deployed.alias_version() == "2"
    with zipfile.ZipFile(io.BytesIO(expected.path.read_bytes())) as archive:
        assert "__pycache__/api.cpython-313.pyc" in archive.namelist(), "the synth's bytecode is in the upload"


def test_a_syntax_error_uploads_nothing_and_says_where(deployed):
    before = deployed.config()["CodeSha256"]
    path = deployed.edit("src/api/api.py", HANDLER + "\ndef broken(:\n")
    (report,) = deployed.syncer().sync({path})
    assert report.outcome == "invalid" and not report.ok
    assert report.line() == (
        f"not synced: {deployed.name}: src/api/api.py:7:12: SyntaxError: invalid syntax "
        "(nothing uploaded: the last good code keeps running)"
    )
    assert deployed.config()["CodeSha256"] == before and deployed.alias_version() == "1"


def test_undoing_a_bad_change_says_the_deployed_code_is_back(deployed):
    syncer = deployed.syncer()
    path = deployed.edit("src/api/api.py", HANDLER + "\ndef broken(:\n")
    assert [r.outcome for r in syncer.sync({path})] == ["invalid"]
    deployed.edit("src/api/api.py", HANDLER)
    (report,) = syncer.sync({path})
    assert report.line() == f"up to date: {deployed.name}: the sources build the deployed code again"
    assert syncer.sync({path})[0].line() == f"up to date: {deployed.name}", "said once"


def test_a_renamed_handler_function_uploads_nothing(deployed):
    path = deployed.edit("src/api/api.py", HANDLER.replace("def lambda_handler", "def handle"))
    (report,) = deployed.syncer().sync({path})
    assert report.outcome == "invalid" and "src/api/api.py: no top-level 'lambda_handler'" in report.detail


def test_a_handler_file_renamed_to_the_other_convention_needs_a_deploy(deployed):
    old = deployed.project / "src/api/api.py"
    new = deployed.project / "src/api/lambda_handler.py"
    old.rename(new)
    (report,) = deployed.syncer().sync({old, new})
    assert report.outcome == "needs-deploy"
    assert report.line() == (
        f"needs cdktf deploy: {deployed.name}: the handler is now lambda_handler.lambda_handler (lambda_handler.py), "
        "deployed api.lambda_handler: a changed handler needs `cdktf deploy` (nothing uploaded)"
    )


def test_a_layer_change_publishes_a_version_and_moves_its_functions(deployed):
    path = deployed.edit("src/util/__init__.py", "WHERE = 'layer 2'\n")
    layer_report, function_report = deployed.syncer().sync({path})
    expected = built(deployed.project, UTIL)
    arn = deployed.config()["Layers"][0]["Arn"]
    assert arn.endswith(f":layer:{deployed.layer}:2")
    assert deployed.client.get_layer_version(LayerName=deployed.layer, VersionNumber=2)["Content"]["CodeSha256"] == (
        expected.zip_hash
    )
    assert layer_report.line().startswith(f"synced {deployed.layer}: layer version 2 (__init__.py), ")
    assert function_report.line().startswith(f"synced {deployed.name}: layers ({deployed.layer}:2), version 2 →")
    assert deployed.alias_version() == "2"


def test_a_configuration_drift_is_reported_and_the_code_still_synced(deployed):
    deployed.resource["memory_size"] = 512
    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 3'))
    syncer = deployed.syncer()
    drift, synced = syncer.sync({path})
    assert drift.line() == (
        f"note: {deployed.name}: memory_size is 512 in the synthesized stack, 128 deployed "
        "(configuration changes need `cdktf deploy`)"
    )
    assert synced.outcome == "synced" and deployed.config()["MemorySize"] == 128
    deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 9'))
    assert [r.outcome for r in syncer.sync({path})] == ["synced"], "the drift is said once"


def test_a_new_function_directory_needs_a_deploy(deployed):
    (deployed.project / "src/newfn").mkdir()
    (deployed.project / "src/newfn/newfn.py").write_text("def lambda_handler(event, context): ...\n")
    syncer = deployed.syncer()
    (report,) = syncer.sync({deployed.project / "src/newfn"})
    assert report.line() == (
        "needs cdktf deploy: src/newfn: not part of any function or layer of stack demo: a new function or layer is "
        "made by `cdktf deploy` (after adding it to the stack)"
    )
    assert syncer.sync({deployed.project / "src/newfn"}) == [], "said once"


def test_only_the_functions_named_are_synced(deployed):
    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 4'))
    with pytest.raises(ValueError, match="Invalid FUNCTION: 'other'"):
        deployed.syncer(functions=["other"])
    assert [r.outcome for r in deployed.syncer(functions=["api"]).sync({path})] == ["synced"]


def test_the_after_update_hook_runs_before_the_alias_moves_and_its_note_is_reported(deployed):
    seen = []

    def hook(target):
        seen.append((target.function_name, deployed.alias_version()))
        return "the new code fails at init: Runtime.ImportModuleError: no module named 'x'"

    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 5'))
    synced, note = deployed.syncer(after_update=hook).sync({path})
    assert seen == [(deployed.name, "1")], "the hook ran while the alias still named the old version"
    assert synced.outcome == "synced" and deployed.alias_version() == "2"
    assert (
        note.line()
        == f"note: {deployed.name}: the new code fails at init: Runtime.ImportModuleError: no module named 'x'"
    )


def test_a_function_not_deployed_fails_with_the_apis_error(deployed):
    deployed.resource["function_name"] = "never-deployed"
    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 6'))
    (report,) = deployed.syncer().sync({path})
    assert report.outcome == "failed"
    assert report.detail.startswith("get_function_configuration of never-deployed failed: ResourceNotFoundException")


def test_a_package_stored_on_s3_is_put_there_and_deployed_from_there(deployed, server):
    s3 = aws_client("s3", server.endpoint_url)
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    first = built(deployed.project, API)
    s3.put_object(Bucket=bucket, Key=f"builds/{first.path.name}", Body=first.path.read_bytes())
    deployed.resource.update(s3_bucket="${aws_s3_object.api_obj.bucket}", s3_key="${aws_s3_object.api_obj.key}")
    stack = deployed.stack_json()
    stack["resource"]["aws_s3_object"] = {"api_obj": {"bucket": bucket, "key": f"builds/{first.path.name}"}}
    deployed.stack_json = lambda: stack  # type: ignore[method-assign]
    path = deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 7'))
    (report,) = deployed.syncer().sync({path})
    second = built(deployed.project, API)
    assert report.outcome == "synced" and second.path.name != first.path.name
    assert s3.get_object(Bucket=bucket, Key=f"builds/{second.path.name}")["Body"].read() == second.path.read_bytes()
    assert deployed.config()["CodeSha256"] == second.zip_hash


def test_the_sync_command_targets_the_current_aws_settings(deployed, server, monkeypatch, capsys):
    stack_dir = deployed.project / "cdktf.out" / "stacks" / "demo"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps(deployed.stack_json()))
    deployed.edit("src/api/api.py", HANDLER.replace('"v": 1', '"v": 8'))
    for key, value in {
        "AWS_ENDPOINT_URL": server.endpoint_url,  # what `eval "$(cdktf-lambda local env)"` sets; on AWS: unset
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["sync", "--project-dir", str(deployed.project), "api"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"up to date: {deployed.layer}"
    assert out[1].startswith(f"synced {deployed.name}: code (rebuilt), ") and ", version 2 → alias live, " in out[1]
    assert deployed.alias_version() == "2"
    deployed.edit("src/api/api.py", HANDLER + "\ndef broken(:\n")
    assert main(["sync", "--project-dir", str(deployed.project)]) == 1
    assert "src/api/api.py:7:12: SyntaxError: invalid syntax" in capsys.readouterr().err
