"""Shared fixtures: run from the project directory, with a private package cache."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: pytester runs pytest sessions inside tests (the toolkit's plugin, tests/cdktf_lambda/testing).
pytest_plugins = ["pytester"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_SRC = PROJECT_ROOT / "lambda_src"

#: Fixtures that run pip (a dependency layer, the session's wheelhouse) or a subprocess synth: a test using one is
#: marked ``slow`` here, so ``pytest -m "not slow and not terraform"`` stays a fast inner loop.
SLOW_FIXTURES = frozenset(
    {"wheelhouse", "x86_build", "offline_env", "no_fastapi_out", "app_stack", "first_synth"}
    | {"cdktf_project", "cdktf_app", "cdktf_stack", "lambda_invoke", "local_cloud"}  # the toolkit's (subprocess synth)
)


#: The longest test files, longest first (test-seconds of each file in one run on four workers): handed out first.
#: Only the order of the run depends on this list; ``tests/test_repository.py`` checks every path exists.
LONG_FILES = (
    "tests/cloud/test_cloud_e2e.py",  # 153 s (with the S3 lock test and the destroy, before they moved out)
    "tests/cloud/test_cloud_s3_lock.py",  # its own deployment: synth, two applies at once, destroy
    "tests/cloud/test_cloud_iam_statements.py",  # 110 s on the session's local cloud, after e2e (SHARED_DEPLOYMENT)
    "tests/lifecycle/test_lifecycle_terraform.py",  # 107 s
    "tests/lifecycle/test_lifecycle_cli.py",  # 92 s
    "tests/test_client_project.py",  # 86 s
    "tests/cdktf_lambda/tools/test_invoke.py",  # 62 s
    "tests/cdktf_lambda/packaging/test_layer_formats.py",  # 57 s
    "tests/cdktf_lambda/packaging/test_layer_build.py",  # 46 s
    "tests/cdktf_lambda/test_fast_import.py",  # 44 s
    "tests/cdktf_lambda/code/test_dependency_layer.py",  # 42 s
    "tests/cdktf_lambda/packaging/test_sdists.py",  # 36 s
)


#: Test files that only use the session's deployment of the app (the toolkit's ``local_cloud``, one per xdist worker):
#: one work unit under ``--dist loadfile``, so the app is deployed once for them, not once per worker that drew one.
SHARED_DEPLOYMENT = ("tests/cloud/test_cloud_e2e.py", "tests/cloud/test_cloud_iam_statements.py")


#: What the cdktn pass of ``make test`` runs again under ``CDKTF_LAMBDA_FLAVOR=cdktn`` (marker ``flavor``): the tests
#: whose synth output depends on the flavor (every construct, the app's snapshot, ``main.py``). The other rooms use no
#: CDK (packaging, runtime, emulator...), and ``test_fast_import.py``/``test_flavors.py`` run both flavors themselves.
FLAVOR_PATHS = (
    "tests/cdktf_lambda/function/",
    "tests/cdktf_lambda/triggers/",
    "tests/cdktf_lambda/code/",
    "tests/cdktf_lambda/storage/",
    "tests/cdktf_lambda/test_tokens.py",
    "tests/cdktf_lambda/test_paths.py",
    "tests/cdktf_lambda/test_lazy_imports.py",
    "tests/stacks/",
    "tests/test_main.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--relock",
        action="store_true",
        help="also run the tests marked relock (they lock the fixture projects again from the package registry; "
        "`make relock-check`); without it they are deselected",
    )


@pytest.hookimpl(optionalhook=True)  # xdist's hook: pytest -p no:xdist must still run
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, with the :data:`SHARED_DEPLOYMENT` files handed out together (other modes: xdist's own)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedDeploymentScheduling(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            scope: str = super()._split_scope(nodeid)
            return SHARED_DEPLOYMENT[0] if scope in SHARED_DEPLOYMENT else scope

    return SharedDeploymentScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--relock"):
        relock = [item for item in items if item.get_closest_marker("relock")]
        if relock:
            config.hook.pytest_deselected(items=relock)
            items[:] = [item for item in items if not item.get_closest_marker("relock")]
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if item.nodeid.startswith(FLAVOR_PATHS):
            item.add_marker(pytest.mark.flavor)
    # Long files first: under `--dist loadfile` files are handed to the workers in this order (round robin at the
    # start), so a long file started last stretches the run by its whole length. The sort is stable (a file keeps
    # its tests' order) and the same on every worker.
    position = {path: index for index, path in enumerate(LONG_FILES)}
    rank: dict[str, tuple[int, int]] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        kind = 0 if item.get_closest_marker("terraform") else 1 if item.get_closest_marker("slow") else 2
        rank[path] = min(rank.get(path, (len(LONG_FILES), 2)), (position.get(path, len(LONG_FILES)), kind))
    items.sort(key=lambda item: rank[item.nodeid.split("::", 1)[0]])


@pytest.fixture(scope="session", autouse=True)
def _project_cwd_and_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Paths in Terraform JSON are computed relative to the project directory; zips go to a test-only cache."""
    previous_cwd = Path.cwd()
    previous_cache = os.environ.get("CDKTF_LAMBDA_CACHE_DIR")
    os.chdir(PROJECT_ROOT)
    os.environ["CDKTF_LAMBDA_CACHE_DIR"] = str(tmp_path_factory.mktemp("package-cache"))
    yield
    os.chdir(previous_cwd)
    if previous_cache is None:
        os.environ.pop("CDKTF_LAMBDA_CACHE_DIR", None)
    else:
        os.environ["CDKTF_LAMBDA_CACHE_DIR"] = previous_cache


def synth_json(stack: Any) -> dict[str, Any]:
    """The stack's Terraform JSON as a dict (``cdktf.Testing.synth``)."""
    from cdktf_lambda import cdk

    return json.loads(cdk.Testing.synth(stack))


def flavor_neutral(stack_json: dict[str, Any]) -> dict[str, Any]:
    """The stack JSON with the two things ``cdktf.Testing`` writes differently per flavor made flavor-neutral.

    * provider sources as full registry addresses (cdktf writes ``aws``, cdktn ``hashicorp/aws``);
    * asset paths without the asset-hash directory: ``Testing.synth`` under cdktn derives that directory name
      differently (a real synth gives equal paths under both flavors, ``tests/test_flavors.py``). The file name
      keeps our own content key, and ``source_code_hash`` the zip's SHA-256, so the snapshot still pins the bytes.
    """
    text = re.sub(r"(assets/[^/\"]+)/[0-9A-F]{32}/", r"\1/", json.dumps(stack_json))
    result = json.loads(text)
    for provider in result.get("terraform", {}).get("required_providers", {}).values():
        if "/" not in provider.get("source", "/"):
            provider["source"] = f"hashicorp/{provider['source']}"
    return result


def resources(synthesized: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """All resources of one type, by logical id (empty when none)."""
    return synthesized.get("resource", {}).get(resource_type, {})


def only(mapping: dict[str, Any]) -> Any:
    """The single value of ``mapping``; fails when there are zero or several."""
    assert len(mapping) == 1, f"expected exactly one, got {sorted(mapping)}"
    return next(iter(mapping.values()))


@pytest.fixture(scope="session")
def cdktf_project(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app under test for the toolkit's fixtures (``cdktf_app``, ``lambda_invoke``, ``local_cloud``): the
    reference app with the tests' configuration (tests/_app_project.py), as a client project overrides it."""
    from tests._app_project import app_project
    from tests.fixtures.layers import session_wheelhouse

    return app_project(tmp_path_factory.mktemp("app") / "project", session_wheelhouse(tmp_path_factory))


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Terraform CLI config installing hashicorp/aws from the offline mirror, for the Terraform tests.

    Fails (never skips) when terraform or the mirror is missing: those tests are the proof that the JSON deploys,
    and a silent skip would hide that (deselect them with ``-m "not terraform"``).
    """
    from cdktf_lambda.deploy.mirror import ProviderMirrorNotFound, find_provider_mirror, write_cli_config

    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH: the Terraform tests need Terraform >= 1.10 (or -m 'not terraform')")
    try:
        mirror = find_provider_mirror()
    except ProviderMirrorNotFound as exc:
        pytest.fail(f"no offline provider mirror for hashicorp/aws:\n{exc}")
    return write_cli_config(tmp_path_factory.mktemp("tfcli") / "cli.tfrc", mirror)


@pytest.fixture
def make_source(tmp_path: Path):
    """Create a small source tree: ``make_source({"a/b.py": "x = 1"})`` returns its root."""

    def _make(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        base = root or tmp_path / "src"
        for relative, content in files.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        return base

    return _make
