"""``cdktf-lambda doctor``: the reference app passes; each planted problem is caught with a clear line."""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.interpreters.python import target_python
from cdktf_lambda.tools.doctor import doctor, largest_packages
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

LS = Path(shutil.which("ls") or "/bin/ls").resolve()


def shared_object(machine: int = 62) -> bytes:
    """A real x86_64 ELF file (``ls``), its ``e_machine`` set to ``machine`` (183: aarch64)."""
    data = bytearray(LS.read_bytes())
    struct.pack_into("<H", data, 18, machine)
    return bytes(data)


def write_zip(path: Path, files: dict[str, bytes | str], *, stored: bool = False) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def planted_stack(root: Path, function_zip: dict, layer_zip: dict, *, handler: str = "app.handler") -> Path:
    """A synth output with one x86_64 python3.13 function and one layer, as ``cdktf synth`` lays it out."""
    stack_dir = root / "stacks" / "planted"
    (stack_dir / "assets").mkdir(parents=True)
    write_zip(stack_dir / "assets" / "code.zip", function_zip)
    write_zip(stack_dir / "assets" / "layer.zip", layer_zip)
    stack = {
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {
            "aws_lambda_layer_version": {"deps": {"layer_name": "planted-deps", "filename": "assets/layer.zip"}},
            "aws_lambda_function": {
                "fn": {
                    "function_name": "planted-fn",
                    "handler": handler,
                    "runtime": "python3.13",
                    "architectures": ["x86_64"],
                    "filename": "assets/code.zip",
                    "layers": ["${aws_lambda_layer_version.deps.arn}"],
                }
            },
        },
    }
    (stack_dir / "cdk.tf.json").write_text(json.dumps(stack))
    return root


GOOD_CODE = {"app.py": "import lib\n\ndef handler(event, context):\n    return lib.VALUE\n"}
GOOD_LAYER = {"python/lib/__init__.py": "VALUE = 1\n", "python/lib/_speedups.so": shared_object()}


@pytest.fixture
def run_doctor(caplog):
    """``doctor(outdir, ...)``: its problems, and the report it logged (one line per note)."""

    def run(outdir: Path, **kwargs) -> tuple[list[str], str]:
        caplog.set_level(logging.INFO, logger="cdktf_lambda.tools")
        caplog.clear()
        problems = doctor(outdir=outdir, **kwargs)
        return problems, "".join(record.getMessage() + "\n" for record in caplog.records)

    return run


def test_the_reference_app_passes(cdktf_app):
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_lambda", "doctor", "practice-dev", "--outdir", str(cdktf_app.outdir)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "", "no problem line"
    for name in ("api-server", "cron-server", "worker"):
        assert f"practice-dev-{name}: zip " in result.stderr and "(limit 50.0 MiB)" in result.stderr
        assert f"practice-dev-{name}: handler " in result.stderr and "imports on python3.13" in result.stderr
    assert "largest: " in result.stderr


def test_a_clean_planted_stack_passes(tmp_path, run_doctor):
    problems, report = run_doctor(planted_stack(tmp_path, GOOD_CODE, GOOD_LAYER))
    assert problems == [], report
    assert "planted-fn: handler app.handler imports on python3.13" in report


def test_an_aarch64_shared_object_in_an_x86_64_layer_is_caught(tmp_path, run_doctor):
    layer = {**GOOD_LAYER, "python/lib/_speedups.so": shared_object(183)}
    problems, _ = run_doctor(planted_stack(tmp_path, GOOD_CODE, layer), import_handlers=False)
    assert problems == [
        "planted-fn: python/lib/_speedups.so in the layer planted-deps is built for aarch64; the function runs on "
        "x86_64"
    ]


def test_a_shared_object_needing_a_newer_glibc_than_lambdas_is_caught(tmp_path, run_doctor):
    """The planted library is Debian trixie's python3.13 (glibc 2.41, needs GLIBC_2.38)."""
    target = target_python("python3.13")
    newer = target.rootfs.root / "usr/bin/python3.13" if target.rootfs else Path(str(target.executable)).resolve()
    layer = {**GOOD_LAYER, "python/lib/_new.so": newer.read_bytes()}
    problems, _ = run_doctor(planted_stack(tmp_path, GOOD_CODE, layer), import_handlers=False)
    assert len(problems) == 1
    assert problems[0].startswith("planted-fn: python/lib/_new.so in the layer planted-deps needs GLIBC_2.")
    assert problems[0].endswith("; python3.13 on Lambda has glibc 2.34")


def test_a_handler_importing_a_package_that_is_not_shipped_is_caught(tmp_path, run_doctor):
    code = {"app.py": "import lib\nimport requests\n\ndef handler(event, context):\n    return 1\n"}
    problems, _ = run_doctor(planted_stack(tmp_path, code, GOOD_LAYER))
    assert problems == [
        "planted-fn: handler app.handler does not import on python3.13: Runtime.ImportModuleError: Unable to import "
        "module 'app': No module named 'requests'"
    ]


def test_a_package_over_the_limit_is_caught_largest_first(tmp_path, run_doctor):
    layer = {**GOOD_LAYER, "python/huge/__init__.py": "", "python/huge/blob.bin": bytes(251 * 2**20)}
    outdir = planted_stack(tmp_path, GOOD_CODE, layer)
    problems, report = run_doctor(outdir, import_handlers=False)
    assert len(problems) == 1, problems
    assert problems[0].startswith("planted-fn: 251.1 MiB unzipped with its layers; Lambda allows 250.0 MiB")
    assert "(largest: huge (layer planted-deps) 251.0 MiB" in problems[0]
    assert "largest: huge (layer planted-deps) 251.0 MiB" in report


def test_the_cli_prints_one_line_per_problem_and_exits_1(tmp_path):
    layer = {**GOOD_LAYER, "python/lib/_speedups.so": shared_object(183)}
    outdir = planted_stack(tmp_path, GOOD_CODE, layer)
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_lambda", "doctor", "--outdir", str(outdir), "--no-import"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [line for line in result.stdout.splitlines() if line.startswith("planted-fn:")]
    assert len(result.stdout.splitlines()) == 1


def test_largest_packages_groups_by_top_level_package(tmp_path):
    layer = write_zip(
        tmp_path / "l.zip",
        {"python/a/x.py": "x" * 10, "python/a-1.0.dist-info/METADATA": "m", "python/b.py": "y" * 5},
    )
    assert largest_packages([("layer l", layer)]) == [("a (layer l)", 11), ("b (layer l)", 5)]
