"""Artifacts on S3 (store_on_s3): one aws_s3_object per zip, keyed by content; functions and layers deploy from it."""

from __future__ import annotations

import os

import pytest

from cdktf_lambda import (
    DependencyLayer,
    InvalidParameterError,
    LambdaPythonFunction,
    LambdaPythonPackage,
    PackageTooLargeError,
    RuntimeCodeModules,
)
from tests.cdktf_lambda._builders import ROLE_ARN, stack
from tests.conftest import PROJECT_ROOT, only, resources, synth_json

S3 = {"store_on_s3": True, "s3_bucket": "acme-artifacts"}


@pytest.fixture
def source(make_source):
    return make_source(
        {
            "api_server/__init__.py": "",
            "api_server/api_server.py": "def lambda_handler(event, context):\n    return {}\n",
            "practice_util/__init__.py": "",
        }
    )


def test_synth_mode_uploads_the_zip_under_a_content_key(source):
    scope = stack()
    package = LambdaPythonPackage(scope, "pkg", source_dir=source / "api_server", packaging_mode="synth", **S3)
    synthesized = synth_json(scope)
    artifact = only(resources(synthesized, "aws_s3_object"))
    assert (artifact["bucket"], artifact["key"], artifact["source_hash"]) == (
        "acme-artifacts",
        f"builds/{package.built.path.name}",
        package.zip_hash,
    )
    assert artifact["source"].startswith("assets/") and artifact["source"].endswith(package.built.path.name)
    assert package.built.path.name.startswith("api_server-"), "the name carries the content hash"


def test_a_function_from_an_s3_package_deploys_from_the_object(source):
    scope = stack()
    code = RuntimeCodeModules(
        scope,
        "code",
        source_base_path=source,
        functions=("api_server",),
        packaging_mode="synth",
        s3_prefix="lambda/",
        **S3,
    )
    LambdaPythonFunction(scope, "fn", function_name="f", package=code.api_server, execution_role_arn=ROLE_ARN)
    synthesized = synth_json(scope)
    objects = {o["key"].split("/")[1].split("-")[0]: k for k, o in resources(synthesized, "aws_s3_object").items()}
    assert sorted(objects) == ["api_server", "practice_util"]
    function = only(resources(synthesized, "aws_lambda_function"))
    assert "filename" not in function
    assert (function["s3_bucket"], function["s3_key"]) == (
        f"${{aws_s3_object.{objects['api_server']}.bucket}}",
        f"${{aws_s3_object.{objects['api_server']}.key}}",
    )
    layer = only(resources(synthesized, "aws_lambda_layer_version"))
    assert "filename" not in layer and layer["s3_key"] == f"${{aws_s3_object.{objects['practice_util']}.key}}"


def test_archive_file_mode_uploads_the_archive_output(source):
    scope = stack()
    LambdaPythonPackage(scope, "pkg", source_dir=source / "api_server", packaging_mode="archive_file", **S3)
    synthesized = synth_json(scope)
    (archive_id,) = synthesized["data"]["archive_file"]
    artifact = only(resources(synthesized, "aws_s3_object"))
    assert artifact["key"] == "builds/api_server.zip"
    assert artifact["source"] == f"${{data.archive_file.{archive_id}.output_path}}"
    assert artifact["source_hash"] == f"${{data.archive_file.{archive_id}.output_base64sha256}}"


def test_a_zip_over_50_mb_is_accepted_from_s3(source):
    (source / "api_server" / "blob.bin").write_bytes(os.urandom(52 * 2**20))
    scope = stack()
    package = LambdaPythonPackage(scope, "pkg", source_dir=source / "api_server", packaging_mode="synth", **S3)
    assert package.built.size > 50 * 2**20
    assert only(resources(synth_json(scope), "aws_s3_object"))["source_hash"] == package.zip_hash


def test_without_store_on_s3_a_52_mb_zip_is_refused_naming_store_on_s3(source):
    (source / "api_server" / "blob.bin").write_bytes(os.urandom(52 * 2**20))
    with pytest.raises(PackageTooLargeError, match=r"at most 50 MiB for a direct upload\. Pass store_on_s3=True"):
        LambdaPythonPackage(stack(), "pkg", source_dir=source / "api_server", packaging_mode="synth")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"store_on_s3": True}, "Invalid s3_bucket: None. Allowed: an S3 bucket name when store_on_s3=True"),
        (
            {"s3_bucket": "acme-artifacts"},
            "Invalid s3_bucket: 'acme-artifacts'. Allowed: a bucket only with store_on_s3=True",
        ),
        ({"store_on_s3": True, "s3_bucket": "Acme_Artifacts"}, "Invalid s3_bucket: 'Acme_Artifacts'"),
        ({**S3, "s3_prefix": "/builds/"}, "Invalid s3_prefix: '/builds/'"),
        ({"store_on_s3": "yes", "s3_bucket": "acme-artifacts"}, "Invalid store_on_s3: 'yes'"),
    ],
)
def test_bad_s3_options_are_refused(source, options, message):
    scope = stack()
    with pytest.raises(InvalidParameterError, match=message):
        LambdaPythonPackage(scope, "pkg", source_dir=source / "api_server", packaging_mode="synth", **options)
    assert synth_json(scope).get("resource", {}) == {}


@pytest.mark.slow
def test_dependency_layer_from_s3():
    scope = stack()
    deps = DependencyLayer(scope, "deps", lock_file=PROJECT_ROOT / "lambda_src" / "Pipfile.lock", layer_name="d", **S3)
    synthesized = synth_json(scope)
    ((object_id, artifact),) = resources(synthesized, "aws_s3_object").items()
    assert (artifact["key"], artifact["source_hash"]) == (f"builds/{deps.zip_file.name}", deps.zip_hash)
    layer = only(resources(synthesized, "aws_lambda_layer_version"))
    assert "filename" not in layer and layer["s3_key"] == f"${{aws_s3_object.{object_id}.key}}"
