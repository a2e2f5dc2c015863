"""The CLI preload (``cdktf_lambda/_fast_import/node_lazy_cli.js``): the HCL converter a CLI bundle requires is a
stand-in until first used, behaves as the package itself when used, and is loaded eagerly (names recorded) the
first time, so a cold cache changes nothing but speed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from cdktf_lambda._fast_import import NODE_LAZY_CLI
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

REAL_PACKAGE = PROJECT_ROOT / "node_modules" / "@cdktf" / "hcl2cdk"
#: As the CLI's bundle imports it: esbuild's __toESM copies the export names, then a function is used or not.
PROBE = """
const toESM = (mod) => { const out = {}; for (const k of Object.getOwnPropertyNames(mod)) if (k !== "default")
  Object.defineProperty(out, k, { get: () => mod[k], enumerable: true }); out.default = mod; return out; };
const direct = require("@cdktf/hcl2cdk");
const wrapped = toESM(require("@cdktf/hcl2cdk"));
const result = { names: Object.keys(wrapped).sort(), esModule: Boolean(direct.__esModule) };
if (process.argv[2] === "use") result.converted = wrapped.attributeNameToCdktfName("some_attribute");
console.log(JSON.stringify(result));
"""


def node() -> str:
    from cdktf_lambda._fast_import import use_bundled_node

    use_bundled_node()
    return os.environ["JSII_NODE"]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A CLI-bundle-shaped directory whose probe requires the real @cdktf/hcl2cdk."""
    assert REAL_PACKAGE.is_dir(), "node_modules/@cdktf/hcl2cdk is missing: run `make setup`"
    (tmp_path / "node_modules" / "@cdktf").mkdir(parents=True)
    (tmp_path / "node_modules" / "@cdktf" / "hcl2cdk").symlink_to(REAL_PACKAGE, target_is_directory=True)
    probe = tmp_path / "node_modules" / "cdktf-cli" / "bundle" / "probe.js"
    probe.parent.mkdir(parents=True)
    probe.write_text(PROBE)
    return probe


def run(probe: Path, cache: Path, report: Path, *args: str, preload: bool = True) -> tuple[dict, dict | None]:
    env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
    if preload:
        env.update(
            NODE_OPTIONS=f'--require "{NODE_LAZY_CLI}"',
            CDKTF_LAMBDA_CLI_CACHE=str(cache),
            CDKTF_LAMBDA_CLI_REPORT=str(report),
        )
    report.unlink(missing_ok=True)
    result = subprocess.run([node(), str(probe), *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # the package prints (terraform) warnings of its own at import: the probe's line is the JSON one
    printed = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    return printed, (json.loads(report.read_text()) if report.exists() else None)


def test_a_cold_cache_loads_the_package_and_records_its_names(bundle, tmp_path):
    plain, _ = run(bundle, tmp_path / "cache", tmp_path / "r.json", "use", preload=False)
    first, report = run(bundle, tmp_path / "cache", tmp_path / "r.json", "use")
    assert first == plain and "convert" in first["names"]
    assert len(list((tmp_path / "cache").glob("exports-*.json"))) == 1
    assert report is None or report["cli"]["deferred"] != []  # the second require in the process is deferred


def test_with_names_recorded_an_unused_converter_is_never_loaded(bundle, tmp_path):
    run(bundle, tmp_path / "cache", tmp_path / "r.json")
    result, report = run(bundle, tmp_path / "cache", tmp_path / "r.json")
    plain, _ = run(bundle, tmp_path / "cache", tmp_path / "r.json", preload=False)
    assert result == plain
    assert report == {"cli": {"deferred": ["@cdktf/hcl2cdk", "@cdktf/hcl2cdk"], "loaded": []}}


def test_a_used_converter_is_loaded_on_first_use_and_answers_as_itself(bundle, tmp_path):
    run(bundle, tmp_path / "cache", tmp_path / "r.json")
    result, report = run(bundle, tmp_path / "cache", tmp_path / "r.json", "use")
    plain, _ = run(bundle, tmp_path / "cache", tmp_path / "r.json", "use", preload=False)
    assert result == plain and result["converted"] == "someAttribute"
    assert report["cli"]["loaded"] == ["@cdktf/hcl2cdk"]


def test_requires_from_outside_a_cli_bundle_are_left_alone(tmp_path):
    probe = tmp_path / "elsewhere.js"
    probe.write_text(f'require({json.dumps(str(REAL_PACKAGE))}); console.log("{{}}")')
    _, report = run(probe, tmp_path / "cache", tmp_path / "r.json")
    assert report is None and not (tmp_path / "cache").exists()
