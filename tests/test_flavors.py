"""The same app on CDK for Terraform (``cdktf``) and on CDK Terrain (``cdktn``): equal Terraform, equal addresses."""

from __future__ import annotations

import copy
import importlib.util
import json

import pytest

from tests._synth import synth, tree_bytes
from tests.conftest import PROJECT_ROOT

#: Runs pip, a subprocess synth or an external tool.
pytestmark = pytest.mark.slow

STACK = "practice-dev"


def _require_cdktn() -> None:
    if importlib.util.find_spec("cdktn") is None or importlib.util.find_spec("cdktn_provider_aws") is None:
        pytest.fail("the cdktn flavor is not installed: run `make setup FLAVOR=cdktn` (make test does it)")


def normalize(stack_json: dict) -> dict:
    """Drop exactly what may differ between flavors: cdktf's metadata version and the provider source/version."""
    result = copy.deepcopy(stack_json)
    result.get("//", {}).get("metadata", {}).pop("version", None)
    for provider in result.get("terraform", {}).get("required_providers", {}).values():
        provider.pop("source", None)
        provider.pop("version", None)
    return result


def addresses(stack_json: dict) -> set[str]:
    found = {f"{t}.{n}" for t, items in stack_json.get("resource", {}).items() for n in items}
    found |= {f"data.{t}.{n}" for t, items in stack_json.get("data", {}).items() for n in items}
    return found


@pytest.fixture(scope="module")
def flavors(tmp_path_factory):
    _require_cdktn()
    base = tmp_path_factory.mktemp("flavors")
    out = {}
    for flavor in ("cdktf", "cdktn"):
        outdir = synth(PROJECT_ROOT, base / flavor, CDKTF_LAMBDA_FLAVOR=flavor)
        out[flavor] = (json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text()), tree_bytes(outdir))
    return out


def test_json_is_equal_once_metadata_version_and_provider_source_are_set_aside(flavors):
    assert normalize(flavors["cdktf"][0]) == normalize(flavors["cdktn"][0])


@pytest.mark.parametrize("section", ["resource", "data", "output"])
def test_every_block_matches(flavors, section):
    assert flavors["cdktf"][0].get(section) == flavors["cdktn"][0].get(section)


def test_depends_on_match(flavors):
    def depends(stack_json):
        return {
            f"{t}.{n}": r.get("depends_on")
            for t, items in stack_json["resource"].items()
            for n, r in items.items()
            if "depends_on" in r
        }

    assert depends(flavors["cdktf"][0]) == depends(flavors["cdktn"][0]) != {}


def test_resource_addresses_are_equal_so_state_needs_no_migration(flavors):
    assert addresses(flavors["cdktf"][0]) == addresses(flavors["cdktn"][0])
    assert len(addresses(flavors["cdktf"][0])) > 20


def test_what_differs_is_only_the_provider_source_and_metadata(flavors):
    cdktf_providers = flavors["cdktf"][0]["terraform"]["required_providers"]
    cdktn_providers = flavors["cdktn"][0]["terraform"]["required_providers"]
    assert cdktf_providers["aws"] == {"source": "aws", "version": ">= 5.100, < 7"}
    assert cdktn_providers["aws"] == {"source": "hashicorp/aws", "version": ">= 5.100, < 7"}
    assert flavors["cdktf"][0]["//"]["metadata"]["version"] == "0.21.0"
    assert flavors["cdktn"][0]["//"]["metadata"]["version"].startswith("0.24")


def test_assets_are_byte_identical(flavors):
    cdktf_assets = {k: v for k, v in flavors["cdktf"][1].items() if "/assets/" in k}
    cdktn_assets = {k: v for k, v in flavors["cdktn"][1].items() if "/assets/" in k}
    assert cdktf_assets == cdktn_assets and len(cdktf_assets) >= 4
