"""The API function on its own runtime (python3.13, awslambdaric, Lambda's layout): cold import of the handler as
shipped (with bytecode) against the same artifacts without bytecode and against a bare ``import fastapi, mangum``
from the same layer, then first and warm invocation latency through the runtime client.

Each import figure is measured inside a fresh runtime process (a module wrapping the import times it with
``perf_counter``), the three variants interleaved run by run, in the same sandbox, after one discarded round that
brings the files into the page cache; medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.measure import ROOT, app_context, base_env, progress
from bench.report import Table, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "runtime"
EVENT = ROOT / "tests" / "events" / "apigw_http_v2_get_root.json"
WRAPPER = """import time
_started = time.perf_counter()
import {modules}
IMPORT_S = time.perf_counter() - _started


def handler(event, context):
    return {{"import_s": IMPORT_S}}
"""


def _synth(work: Path) -> Path:
    outdir, cache = work / "cdktf.out", work / "cache"
    env = base_env(CDKTF_OUTDIR=str(outdir), CDKTF_LAMBDA_CACHE_DIR=str(cache), CDKTF_CONTEXT_JSON=app_context())
    subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    return outdir


def _rezip(source: Path, dest: Path, *, drop_bytecode: bool, extra: dict[str, str] | None = None) -> Path:
    """A copy of ``source`` (without its ``__pycache__`` entries, or with ``extra`` files added)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if not (drop_bytecode and "__pycache__/" in info.filename):
                copy.writestr(info, original.read(info))
        for name, text in (extra or {}).items():
            copy.writestr(name, text)
    return dest


def _variants(code: Any, work: Path) -> dict[str, Any]:
    """``shipped`` / ``no_bytecode`` / ``bare``: the FunctionCode of each, with the timing wrapper as handler."""
    import dataclasses

    module = code.handler.rpartition(".")[0]
    wrap = {"_bench_import.py": WRAPPER.format(modules=module)}
    bare = {"_bench_import.py": WRAPPER.format(modules="fastapi, mangum")}
    stripped = tuple(_rezip(z, work / f"nobc-{i}.zip", drop_bytecode=True) for i, z in enumerate(code.layer_zips))
    handler = "_bench_import.handler"
    return {
        "shipped": dataclasses.replace(
            code, handler=handler, code_zip=_rezip(code.code_zip, work / "shipped.zip", drop_bytecode=False, extra=wrap)
        ),
        "no_bytecode": dataclasses.replace(
            code,
            handler=handler,
            code_zip=_rezip(code.code_zip, work / "nobc.zip", drop_bytecode=True, extra=wrap),
            layer_zips=stripped,
        ),
        "bare": dataclasses.replace(
            code, handler=handler, code_zip=_rezip(code.code_zip, work / "bare.zip", drop_bytecode=False, extra=bare)
        ),
    }


def bench_runtime(work: Path, reps: int, warm_requests: int) -> dict[str, Any]:
    from cdktf_lambda.runtime.runner import RuntimeRunner
    from cdktf_lambda.tools.invoke import function_code
    from cdktf_lambda.tools.synthesized import find_function, load_stack

    work.mkdir(parents=True, exist_ok=True)
    progress("runtime: synthesizing the app (zips with python3.13 bytecode)")
    os.environ.setdefault("CDKTF_LAMBDA_PROJECT_DIR", str(ROOT))
    stack_dir, stack_json = load_stack(_synth(work))
    code = function_code(find_function(stack_dir, stack_json, "api_server"))
    variants = _variants(code, work)
    imports: dict[str, list[float]] = {name: [] for name in variants}
    describe = ""
    for index in range(-1, reps):  # round -1: page cache warm-up, not counted
        for name, variant in variants.items():
            progress(f"runtime: cold import, {name} {index + 1}/{reps}")
            with RuntimeRunner() as runner:
                describe = runner.describe(variant)
                result = runner.invoke(variant, {})
                assert result.ok, result.error
                if index >= 0:
                    imports[name].append(result.response["import_s"])
    event = json.loads(EVENT.read_text())
    first: list[float] = []
    warm: list[float] = []
    for index in range(reps):
        progress(f"runtime: first and {warm_requests} warm invocations {index + 1}/{reps}")
        with RuntimeRunner() as runner:
            runner.prepare(code)
            started = time.perf_counter()
            assert runner.invoke(code, event).ok
            first.append(time.perf_counter() - started)
            for _ in range(warm_requests if index == 0 else warm_requests // 5):
                started = time.perf_counter()
                assert runner.invoke(code, event).ok
                warm.append(time.perf_counter() - started)
    stats = {name: summary(values) for name, values in imports.items()}
    return {
        "runtime": describe,
        "import_s": stats,
        "first_s": summary(first),
        "warm_s": summary(warm),
        "warm_p95_s": statistics.quantiles(warm, n=20)[-1] if len(warm) >= 20 else None,
        "ratio_bytecode": ratio(stats["shipped"]["median"], stats["no_bytecode"]["median"]),
        "ratio_bare": ratio(stats["shipped"]["median"], stats["bare"]["median"]),
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_runtime(work, 5 if args.quick else 11, 50 if args.quick else 200)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    stats = result["import_s"]
    rows = [
        ["cold import of api_server, as shipped (bytecode)", fmt_stat(stats["shipped"], 1000, 0)],
        ["cold import of api_server, same artifacts without bytecode", fmt_stat(stats["no_bytecode"], 1000, 0)],
        ["cold import of bare fastapi + mangum (same layer, bytecode)", fmt_stat(stats["bare"], 1000, 0)],
        ["first invocation: start, init, GET / (ms)", fmt_stat(result["first_s"], 1000, 0)],
        ["warm invocation through the runtime client (ms)", fmt_stat(result["warm_s"], 1000, 2)],
    ]
    return Table(
        title=f"API function on its own runtime: {result['runtime']}",
        header=["", "median (ms)"],
        rows=rows,
        notes=[
            f"imports: a fresh runtime process per run, {stats['shipped']['n']} runs per variant, interleaved; "
            f"warm: {result['warm_s']['n']} invocations",
            f"shipped / no bytecode: {fmt_ratio(result['ratio_bytecode'], 2)}; "
            f"shipped / bare fastapi + mangum: {fmt_ratio(result['ratio_bare'], 2)}",
        ],
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        ratio_check(
            "runtime_bytecode",
            "cold import of the API handler on python3.13: shipped bytecode / no bytecode",
            result["ratio_bytecode"],
            0.6,
        ),
        ratio_check(
            "runtime_vs_bare",
            "cold import of the API handler on python3.13: shipped / bare fastapi + mangum",
            result["ratio_bare"],
            1.15,
        ),
    ]
