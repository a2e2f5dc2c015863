"""The host runner's options for the local cloud: the runtime's own packages, and code unpacked once."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.runtime.code import FunctionCode
from cdktf_lambda.runtime.host import HostRunner

pytestmark = pytest.mark.slow

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture
def code(tmp_path: Path) -> FunctionCode:
    handler = "import shared, provided\ndef handler(event, context):\n    return [shared.WHO, provided.WHO, __file__]\n"
    layer_dir = f"python/lib/python{VERSION}/site-packages"
    return FunctionCode(
        function_name="probe",
        handler="app.handler",
        runtime=f"python{VERSION}",
        code_zip=_zip(tmp_path / "code.zip", {"app.py": handler}),
        layer_zips=(_zip(tmp_path / "layer.zip", {f"{layer_dir}/shared.py": "WHO = 'layer'\n"}),),
    )


def test_runtime_packages_come_after_the_layers(code: FunctionCode, tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "shared.py").write_text("WHO = 'runtime'\n")  # a layer's copy wins, as over /var/runtime
    (runtime / "provided.py").write_text("WHO = 'runtime'\n")

    result = HostRunner(sys.executable, VERSION, runtime_packages=[runtime]).invoke(code, {})

    assert result.error is None, result.logs
    assert result.response[:2] == ["layer", "runtime"]


def test_without_runtime_packages_a_module_the_runtime_would_give_is_missing(code: FunctionCode) -> None:
    result = HostRunner(sys.executable, VERSION).invoke(code, {})
    assert result.error is not None and result.error["errorType"] == "Runtime.ImportModuleError"


def test_the_unpack_cache_unpacks_each_zip_once(code: FunctionCode, tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "provided.py").write_text("WHO = 'runtime'\n")
    cache = tmp_path / "unpacked"
    runner = HostRunner(sys.executable, VERSION, runtime_packages=[runtime], unpack_cache=cache)

    first, second = runner.invoke(code, {}), runner.invoke(code, {})

    assert first.error is None and second.error is None
    assert first.response[2] == second.response[2], "both events ran the same unpacked task root"
    assert Path(first.response[2]).parent.parent == cache
    assert sorted(path.name.split("-")[0] for path in cache.iterdir()) == ["opt", "task"]


def test_a_killed_run_fails_with_lambdas_exit_error(tmp_path: Path) -> None:
    handler = "import os, signal\ndef handler(event, context):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    code = FunctionCode(
        function_name="killed",
        handler="app.handler",
        runtime=f"python{VERSION}",
        code_zip=_zip(tmp_path / "code.zip", {"app.py": handler}),
    )

    result = HostRunner(sys.executable, VERSION).invoke(code, {}, request_id="req-killed")

    message = "RequestId: req-killed Error: Runtime exited with error: signal: killed"
    assert result.error == {"errorType": "Runtime.ExitError", "errorMessage": message}
    assert result.logs.endswith(f"{message}\nRuntime.ExitError\n")
