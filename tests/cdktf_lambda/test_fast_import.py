"""The fast provider import (``cdktf_lambda._fast_import``, through ``cdktf_lambda.cdk``): the same synth output as
the ordinary import, far fewer modules, and a failure (not a silent fallback) when either side cannot be fast.

``main.py`` is synthesized twice, each in a fresh interpreter as ``cdktf synth`` runs it: once with the fast path
(the default) and once with ``CDKTF_LAMBDA_FAST_IMPORT=0`` (the provider package's own eager ``__init__``). The
context is ``cdktf.json``'s with two environments, so the app has more than one stack. Both runs share the
session's package cache, so the zips are built once. The ordinary import takes about 15 s here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests._synth import tree_bytes
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

#: Runs main.py as `python main.py` would, then (after jsii has stopped) records which modules were imported.
RUN_MAIN_AND_REPORT_MODULES = """
import atexit, json, os, runpy, sys

def report():
    from cdktf_lambda import _fast_import, cdk
    package = cdk.FLAVOR_PACKAGES[cdk.flavor()]["aws"]
    modules = sorted(sys.modules)
    with open(os.environ["TEST_MODULES_REPORT"], "w") as handle:
        json.dump(
            {
                "fast_import": cdk.fast_import_enabled(),
                "python_fallbacks": list(_fast_import.fallbacks()),
                "provider_package": package,
                "provider_package_loaded": package in sys.modules,
                "provider_modules": [m for m in modules if m.startswith(package + ".")],
                "cdktn_modules": [m for m in modules if m == "cdktn" or m.startswith("cdktn_")],
            },
            handle,
        )

atexit.register(report)
sys.argv = ["main.py"]
runpy.run_path("main.py", run_name="__main__")
"""

#: Selection switches that must not leak in from the developer's shell.
SWITCHES = ("CDKTF_LAMBDA_FAST_IMPORT", "CDKTF_LAMBDA_FLAVOR", "CDKTF_OUTDIR", "CDKTF_CONTEXT_JSON")


def synth_in_subprocess(outdir: Path, report: Path, **env: str) -> dict[str, Any]:
    """One synth of main.py; its Python module report, plus ``"node"``: what the node-side loader deferred (None when
    it was not preloaded). A fallback of the Python side is an error here (``-W error``), not a warning."""
    context = json.loads((PROJECT_ROOT / "cdktf.json").read_text())["context"] | {"environments": ["dev", "prod"]}
    base = {name: value for name, value in os.environ.items() if name not in SWITCHES}
    node_report = report.with_suffix(".node.json")
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::cdktf_lambda._fast_import.FastImportFallback",
            "-c",
            RUN_MAIN_AND_REPORT_MODULES,
        ],
        cwd=PROJECT_ROOT,
        env={
            **base,
            "CDKTF_OUTDIR": str(outdir),
            "CDKTF_CONTEXT_JSON": json.dumps(context),
            "TEST_MODULES_REPORT": str(report),
            "CDKTF_LAMBDA_FAST_IMPORT_REPORT": str(node_report),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(report.read_text()) | {
        "node": json.loads(node_report.read_text()) if node_report.exists() else None
    }


@pytest.fixture(scope="module")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """``{"fast": (cdktf.out, modules report), "ordinary": (…)}``; the package cache is the session's."""
    base = tmp_path_factory.mktemp("cdk-imports")
    runs = {}
    modes = (
        ("fast", {}),
        ("ordinary", {"CDKTF_LAMBDA_FAST_IMPORT": "0"}),
        ("cdktn-fast", {"CDKTF_LAMBDA_FLAVOR": "cdktn"}),
        ("cdktn-ordinary", {"CDKTF_LAMBDA_FLAVOR": "cdktn", "CDKTF_LAMBDA_FAST_IMPORT": "0"}),
    )
    for mode, switch in modes:
        outdir = base / f"out-{mode}"
        runs[mode] = (outdir, synth_in_subprocess(outdir, base / f"modules-{mode}.json", **switch))
    return runs


def test_fast_and_ordinary_import_synthesize_byte_identical_output(synths):
    fast, ordinary = tree_bytes(synths["fast"][0]), tree_bytes(synths["ordinary"][0])
    stacks = sorted({name.split("/")[1] for name in fast if name.startswith("stacks/")})
    assert stacks == ["practice-dev", "practice-prod"]
    assert sorted(fast) == sorted(ordinary)
    differing = [name for name in fast if fast[name] != ordinary[name]]
    assert not differing, f"files that differ between the fast and the ordinary import: {differing}"


def test_cdktn_fast_path_is_byte_identical_to_its_ordinary_import(synths):
    """The node preload also rewrites @cdktn/provider-aws's ``__importStar`` layout; that must change nothing."""
    fast, ordinary = tree_bytes(synths["cdktn-fast"][0]), tree_bytes(synths["cdktn-ordinary"][0])
    assert sorted(fast) == sorted(ordinary) and len(fast) > 5
    assert [name for name in fast if fast[name] != ordinary[name]] == []


def test_each_run_used_the_import_path_it_was_asked_for(synths):
    assert synths["fast"][1]["fast_import"] is True
    assert synths["ordinary"][1]["fast_import"] is False


def test_fast_path_imports_only_the_bindings_the_app_uses(synths):
    report = synths["fast"][1]
    assert report["provider_package"] == "cdktf_cdktf_provider_aws"
    assert report["provider_package_loaded"]
    assert 0 < len(report["provider_modules"]) < 50, report["provider_modules"]
    assert f"{report['provider_package']}.lambda_function" in report["provider_modules"]


def test_ordinary_import_loads_every_binding(synths):
    assert len(synths["ordinary"][1]["provider_modules"]) > 2000


@pytest.mark.parametrize("mode", ["fast", "ordinary"])
def test_default_flavor_never_imports_cdktn(synths, mode):
    assert synths[mode][1]["cdktn_modules"] == []


@pytest.mark.parametrize(("mode", "package"), [("fast", "@cdktf/provider-aws"), ("cdktn-fast", "@cdktn/provider-aws")])
def test_node_loader_deferred_the_provider_modules(synths, mode, package):
    """Fails when the fast path silently falls back on the node side (e.g. a provider bump with a new layout)."""
    node = synths[mode][1]["node"]
    assert node is not None, "no provider index was rewritten (loader not preloaded, or the package path changed)"
    counts = node["packages"][package]
    assert counts["deferred"] > 2000, f"{package}: only {counts['deferred']} exports were made lazy"
    assert 0 < counts["loaded"] < 50, counts


@pytest.mark.parametrize("mode", ["fast", "cdktn-fast"])
def test_python_side_did_not_fall_back(synths, mode):
    assert synths[mode][1]["python_fallbacks"] == []


def test_ordinary_import_does_not_preload_the_node_loader(synths):
    assert synths["ordinary"][1]["node"] is None
