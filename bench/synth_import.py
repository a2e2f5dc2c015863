"""Full-app synth of ``main.py`` (warm package cache), each run a fresh process, interleaved: the cdktf ordinary import
(``CDKTF_LAMBDA_FAST_IMPORT=0``), the cdktf fast path, and the fast path on the cdktn flavor (reported only; skipped
with a note when it is not installed). The cdktf outputs are compared byte for byte; the cdktn output byte for byte
with an untimed cdktn ordinary-import run, and with the cdktf output once the flavor's version and provider source
are set aside (:func:`normalized_tree`)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.measure import ROOT, SAMPLE_INTERVAL_S, Run, app_context, base_env, progress, run_measured, tree_bytes
from bench.report import MIB, Table, cdktn_missing, flag_check, fmt_ratio, fmt_stat, ratio, ratio_check, summary

NAME = "synth"


def normalized_tree(tree: dict[str, bytes]) -> dict[str, Any]:
    """A synth output with what may differ between the flavors set aside; JSON files parsed, other files as bytes.

    Set aside: the library version (``//.metadata.version`` of each stack, ``version`` of ``manifest.json``) and
    ``terraform.required_providers.*.source`` (``aws`` for cdktf, ``hashicorp/aws`` for cdktn), as in
    ``tests/test_flavors.py``. Everything else, every zip included, must be equal.
    """
    result: dict[str, Any] = {}
    for name, content in tree.items():
        if not name.endswith(".json"):
            result[name] = content
            continue
        document = json.loads(content)
        if name == "manifest.json":
            document.pop("version", None)
        if isinstance(document.get("//"), dict):
            document["//"].get("metadata", {}).pop("version", None)
        for provider in document.get("terraform", {}).get("required_providers", {}).values():
            provider.pop("source", None)
        result[name] = document
    return result


def bench_synth(work: Path, reps_ordinary: int, reps_fast: int, reps_cdktn: int, warm_ordinary: bool) -> dict[str, Any]:
    """Full-app synth of main.py: cdktf ordinary import, cdktf fast path, cdktn fast path; warm cache, interleaved."""
    cache = work / "cache-synth"
    logs = work / "logs"
    context = app_context()
    missing = cdktn_missing() if reps_cdktn else []
    if missing:
        progress(
            "NOTE: the cdktn flavor is not installed (no " + ", ".join(missing) + "): its column is skipped. "
            "Install it with `make setup FLAVOR=cdktn`."
        )
        reps_cdktn = 0

    def env_for(mode: str, outdir: Path) -> dict[str, str]:
        return base_env(
            CDKTF_OUTDIR=str(outdir),
            CDKTF_LAMBDA_CACHE_DIR=str(cache),
            CDKTF_LAMBDA_FAST_IMPORT="0" if mode in ("ordinary", "cdktn-ordinary") else "1",
            CDKTF_LAMBDA_FLAVOR="cdktn" if mode.startswith("cdktn") else "cdktf",
            CDKTF_CONTEXT_JSON=context,
        )

    # The cdktn warm-up uses the ordinary import: its output is the reference the cdktn fast-path runs must match.
    warmups = ["fast"] + (["ordinary"] if warm_ordinary else []) + (["cdktn-ordinary"] if reps_cdktn else [])
    outputs: dict[str, dict[str, bytes]] = {}
    cdktn_error = None
    for mode in warmups:
        progress(f"synth: warm-up run ({mode}: package cache, jsii cache, page cache)")
        outdir = work / f"out-warmup-{mode}"
        try:
            run_measured(f"synth-warmup-{mode}", ROOT / "main.py", cwd=ROOT, env=env_for(mode, outdir), logs=logs)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            if not mode.startswith("cdktn"):
                raise
            cdktn_error, reps_cdktn = str(exc), 0
            progress(f"NOTE: the cdktn flavor failed, its column is skipped:\n{exc}")
            continue
        if mode == "cdktn-ordinary":
            outputs["cdktn-ordinary"] = tree_bytes(outdir)
        shutil.rmtree(outdir)

    runs: dict[str, list[Run]] = {"ordinary": [], "fast": [], "cdktn": []}
    identical = True
    cdktn_identical = True
    for index in range(max(reps_ordinary, reps_fast, reps_cdktn)):
        for mode, reps in (("ordinary", reps_ordinary), ("fast", reps_fast), ("cdktn", reps_cdktn)):
            if index >= reps:
                continue
            progress(f"synth: {mode} run {index + 1}/{reps}")
            outdir = work / f"out-{mode}-{index}"
            try:
                run = run_measured(
                    f"synth-{mode}-{index}", ROOT / "main.py", cwd=ROOT, env=env_for(mode, outdir), logs=logs
                )
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                if mode != "cdktn":
                    raise
                cdktn_error, reps_cdktn = str(exc), index
                progress(f"NOTE: the cdktn flavor failed, no more cdktn runs:\n{exc}")
                continue
            runs[mode].append(run)
            tree = tree_bytes(outdir)
            if mode == "cdktn":
                cdktn_identical = cdktn_identical and tree == outputs.setdefault("cdktn-ordinary", tree)
                outputs.setdefault("cdktn", tree)
            else:
                identical = identical and tree == outputs.setdefault("reference", tree)
            shutil.rmtree(outdir)

    stats = {mode: _synth_stats(mode_runs) for mode, mode_runs in runs.items()}
    cdktn_result: dict[str, Any] = {
        "measured": bool(runs["cdktn"]),
        "missing_packages": missing,
        "error": cdktn_error,
        "provider_package": runs["cdktn"][0].data.get("provider_package") if runs["cdktn"] else None,
        "fast_path_active": bool(runs["cdktn"])
        and all(r.provider_modules is not None and r.provider_modules < 50 for r in runs["cdktn"]),
        "outputs_identical_to_cdktn_ordinary": cdktn_identical if runs["cdktn"] else None,
        "outputs_equal_to_cdktf_normalized": (
            normalized_tree(outputs["cdktn"]) == normalized_tree(outputs["reference"])
            if "cdktn" in outputs and "reference" in outputs
            else None
        ),
    }
    fast_ok = all(r.provider_modules is not None and r.provider_modules < 50 for r in runs["fast"])
    return {
        "runs": {mode: [asdict(r) for r in mode_runs] for mode, mode_runs in runs.items()},
        "stats": stats,
        "outputs_identical": identical,
        "output_files": len(outputs.get("reference", {})),
        "fast_path_active": fast_ok,
        "cdktn": cdktn_result,
        "ratios": _synth_ratios(stats, "fast"),
        "ratios_cdktn": _synth_ratios(stats, "cdktn"),
    }


def _synth_ratios(stats: dict[str, Any], mode: str) -> dict[str, float | None]:
    """``mode`` against the cdktf ordinary import, medians."""
    mine, base = stats[mode], stats["ordinary"]
    return {
        "wall": ratio(mine["wall_s"]["median"], base["wall_s"]["median"]),
        "rss_python_node": ratio(mine["python_node_kib"]["median"], base["python_node_kib"]["median"]),
        "rss_tree_sampled": ratio(mine["tree_peak_kib"]["median"], base["tree_peak_kib"]["median"]),
        "rss_python": ratio(mine["python_kib"]["median"], base["python_kib"]["median"]),
        "rss_node": ratio(mine["node_kib"]["median"], base["node_kib"]["median"]),
    }


def _synth_stats(runs: list[Run]) -> dict[str, Any]:
    return {
        "wall_s": summary(r.wall_s for r in runs),
        "python_kib": summary(r.python_kib for r in runs),
        "node_kib": summary(r.node_kib for r in runs),
        "python_node_kib": summary(r.python_node_kib for r in runs),
        "tree_peak_kib": summary(r.tree_peak_kib for r in runs),
        "provider_modules": summary(r.provider_modules for r in runs),
        "cdktn_modules": summary(r.cdktn_modules for r in runs),
    }


def synth_table(result: dict[str, Any], reps: tuple[int, int, int]) -> Table:
    stats, ratios, ratios_n = result["stats"], result["ratios"], result["ratios_cdktn"]
    o, f, n = stats["ordinary"], stats["fast"], stats["cdktn"]
    cdktn = result["cdktn"]
    measured = cdktn["measured"]

    def row(label: str, key: str, ratio_key: str | None, scale: float = 1.0, digits: int = 2) -> list[str]:
        cells = [fmt_stat(stat[key], scale, digits) for stat in (o, f, n)]
        if not measured:
            cells[2] = "not measured"
        if ratio_key is None:
            return [label, *cells, "", ""]
        return [label, *cells, fmt_ratio(ratios[ratio_key]), fmt_ratio(ratios_n[ratio_key]) if measured else "n/a"]

    rows = [
        row("wall time (s)", "wall_s", "wall"),
        row("peak RSS python + node (MiB)", "python_node_kib", "rss_python_node", MIB, 0),
        row("  python (MiB)", "python_kib", "rss_python", MIB, 0),
        row("  node (MiB)", "node_kib", "rss_node", MIB, 0),
        row("peak RSS process tree, sampled (MiB)", "tree_peak_kib", "rss_tree_sampled", MIB, 0),
        row("aws provider package modules imported", "provider_modules", None, digits=0),
    ]
    notes = [
        f"cdktf synthesized output byte-identical across all runs: {'yes' if result['outputs_identical'] else 'NO'}"
        f" ({result['output_files']} files)",
    ]
    if measured:
        normalized_equal = cdktn["outputs_equal_to_cdktf_normalized"]
        notes += [
            "cdktn: CDKTF_LAMBDA_FLAVOR=cdktn, fast path; reported only (no acceptance target); "
            f"modules counted: {cdktn['provider_package']}.*",
            "cdktn output byte-identical to a cdktn ordinary-import run: "
            f"{'yes' if cdktn['outputs_identical_to_cdktn_ordinary'] else 'NO'}; "
            "equal to the cdktf output once the library version and provider source are set aside: "
            f"{'yes' if normalized_equal else 'NO'}",
        ]
    elif cdktn["missing_packages"]:
        notes.append(
            "NOTE: cdktn not measured, the flavor is not installed (no "
            + ", ".join(cdktn["missing_packages"])
            + "): `make setup FLAVOR=cdktn`"
        )
    elif cdktn["error"]:
        notes.append("NOTE: cdktn not measured, its synth failed (see the JSON result for the error)")
    else:
        notes.append("cdktn not measured (--reps-cdktn 0)")
    notes += [
        "python + node: peak RSS (getrusage ru_maxrss) of the Python process + of its largest child, jsii's node",
        f"process tree: sum of VmRSS over all processes of a run, sampled every {SAMPLE_INTERVAL_S * 1000:.0f} ms",
    ]
    if not result["fast_path_active"]:
        notes.append("WARNING: a cdktf fast-path run imported 50 or more provider modules: the fast path was off")
    if measured and not cdktn["fast_path_active"]:
        notes.append("WARNING: a cdktn run imported 50 or more provider modules: the fast path was off")

    def runs(count: int) -> str:
        return f"{count} run{'s' * (count != 1)}"

    return Table(
        title=(
            f"Full-app synth (main.py, warm package cache): {runs(reps[0])} cdktf ordinary import, "
            f"{runs(reps[1])} cdktf fast path, {runs(len(result['runs']['cdktn']))} cdktn"
        ),
        header=[
            "median (min-max)",
            "cdktf, ordinary import",
            "cdktf, fast path",
            "cdktn (fast path)",
            "fast / ordinary",
            "cdktn / ordinary",
        ],
        rows=rows,
        notes=notes,
    )


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_synth(work, args.reps_ordinary, args.reps_fast, args.reps_cdktn, warm_ordinary=not args.quick)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    return synth_table(result, (args.reps_ordinary, args.reps_fast, args.reps_cdktn))


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        ratio_check(
            "synth_wall", "full-app synth wall time, fast / ordinary (medians)", result["ratios"]["wall"], 0.25
        ),
        ratio_check(
            "synth_rss",
            "full-app synth peak RSS python+node, fast / ordinary (medians)",
            result["ratios"]["rss_python_node"],
            0.50,
        ),
        flag_check(
            "synth_identical", "synthesized output byte-identical, fast vs ordinary", result["outputs_identical"]
        ),
    ]
