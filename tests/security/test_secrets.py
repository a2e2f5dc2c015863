"""Secrets never reach a function zip, the synthesized JSON or a snapshot."""

from __future__ import annotations

import json
import zipfile

import pytest

from cdktf_lambda import InvalidParameterError, LambdaPythonFunction, LambdaPythonPackage, RuntimeCodeModules, cdk
from cdktf_lambda.packaging import base64_sha256, build_zip, list_files
from cdktf_lambda.paths import cache_dir
from tests.conftest import resources, synth_json

SECRET = "s3cr3t-planted-value-7f9a"
PLANTED = {
    ".env": f"API_TOKEN={SECRET}",
    ".env.production": f"API_TOKEN={SECRET}",
    "server.pem": f"-----BEGIN PRIVATE KEY-----{SECRET}",
    "deploy.key": SECRET,
    "id_rsa": SECRET,
    ".git/config": f"[remote] token={SECRET}",
    ".npmrc": f"//registry/:_authToken={SECRET}",
    ".pypirc": f"password={SECRET}",
    "prod.tfvars": f'token = "{SECRET}"',
    "terraform.tfstate": SECRET,
    "tests/test_secret.py": f"TOKEN = '{SECRET}'",
    "conftest.py": f"TOKEN = '{SECRET}'",
    ".vscode/settings.json": SECRET,
}


def function(stack, **kwargs) -> LambdaPythonFunction:
    return LambdaPythonFunction(
        stack,
        "fn",
        function_name="svc",
        package_zip_path="a.zip",
        package_zip_hash="aA==",
        handler="worker.lambda_handler",
        execution_role_arn="arn:aws:iam::123456789012:role/r",
        **kwargs,
    )


@pytest.fixture
def planted_tree(make_source, tmp_path):
    files = {
        "api_server/__init__.py": "",
        "api_server/api_server.py": "def lambda_handler(event, context):\n    return {}\n",
        "practice_util/__init__.py": "",
    }
    for relative, content in PLANTED.items():
        files[f"api_server/{relative}"] = content
        files[f"practice_util/{relative}"] = content
    return make_source(files, root=tmp_path / "src")


def test_planted_secret_files_are_not_packaged(planted_tree, monkeypatch):
    monkeypatch.setenv("API_TOKEN", SECRET)  # nothing from the environment is packaged either
    stack = cdk.TerraformStack(cdk.Testing.app(), "test")
    modules = RuntimeCodeModules(
        stack, "code", source_base_path=planted_tree, functions=("api_server",), packaging_mode="synth"
    )
    assert SECRET not in cdk.Testing.synth(stack)
    packages = [c for c in modules.node.children if isinstance(c, LambdaPythonPackage)]
    assert sorted(p.name for p in packages) == ["api_server", "practice_util"]
    for package in packages:
        (zip_file,) = [z for z in cache_dir().glob(f"{package.name}-*.zip") if base64_sha256(z) == package.zip_hash]
        with zipfile.ZipFile(zip_file) as archive:
            names = archive.namelist()
            assert all(SECRET.encode() not in archive.read(name) for name in names)
        assert SECRET.encode() not in zip_file.read_bytes()
        sources = [name for name in names if not name.endswith(".cpython-313.pyc")]  # + each source's bytecode
        assert len(sources) == (2 if package.name == "api_server" else 1), names


def test_zip_bytes_never_contain_the_planted_secret(planted_tree):
    for relative, prefix in (("api_server", ""), ("practice_util", "python/practice_util/")):
        built = build_zip(list_files(planted_tree / relative, prefix=prefix), cache_dir(), f"planted-{relative}")
        data = built.path.read_bytes()
        with zipfile.ZipFile(built.path) as archive:
            names = archive.namelist()
            contents = b"".join(archive.read(n) for n in names)
        assert SECRET.encode() not in data and SECRET.encode() not in contents
        assert not any(n.rsplit("/", 1)[-1] in {".env", "server.pem", "id_rsa", "conftest.py"} for n in names)


def test_secret_environment_variables_become_sensitive_terraform_variables(monkeypatch):
    monkeypatch.setenv("TF_VAR_svc_API_TOKEN", SECRET)
    stack = cdk.TerraformStack(cdk.Testing.app(), "test")
    function(stack, environment_variables={"LOG_LEVEL": "INFO"}, secret_environment_variables=["API_TOKEN"])
    synthesized = synth_json(stack)
    assert SECRET not in json.dumps(synthesized)
    variable = synthesized["variable"]["svc_API_TOKEN"]
    assert variable["sensitive"] is True and variable["type"] == "string"
    assert "TF_VAR_svc_API_TOKEN" in variable["description"]
    (deployed,) = resources(synthesized, "aws_lambda_function").values()
    assert deployed["environment"]["variables"] == {"API_TOKEN": "${var.svc_API_TOKEN}", "LOG_LEVEL": "INFO"}


@pytest.mark.parametrize(
    ("secret_names", "plain", "message"),
    [
        (["AWS_SECRET_ACCESS_KEY"], {}, "Invalid environment_variables key: 'AWS_SECRET_ACCESS_KEY'"),
        (["API_TOKEN"], {"API_TOKEN": "x"}, "Invalid secret_environment_variables: \\['API_TOKEN'\\]"),
    ],
)
def test_bad_secret_names(secret_names, plain, message):
    stack = cdk.TerraformStack(cdk.Testing.app(), "test")
    with pytest.raises(InvalidParameterError, match=message):
        function(stack, environment_variables=plain, secret_environment_variables=secret_names)


def test_snapshots_hold_no_secret_looking_values():
    from tests.conftest import PROJECT_ROOT

    for snapshot in (PROJECT_ROOT / "tests").rglob("__snapshots__/*"):
        text = snapshot.read_text()
        for marker in ("BEGIN PRIVATE KEY", "aws_secret_access_key", "AKIA", SECRET):
            assert marker not in text, f"{snapshot.name} contains {marker!r}"
