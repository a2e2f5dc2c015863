"""``make bench`` = ``python -m bench [--quick] [--only SECTION,...]``, from the project directory.

Runs every scenario module in :data:`SCENARIOS`, prints its table and the acceptance ratios (PASS/FAIL), writes
``bench/results/bench.json`` and ``bench/results/bench.md``, and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import cli, cloud, handler, iam, packaging_cache, runtime, scaling, sync, synth_import, testing
from bench.measure import BENCH, ROOT
from bench.report import Table, acceptance_table, cdktn_missing, machine_line, metadata

#: The scenarios, in the order they run; each has ``NAME``, ``run(work, args)``, ``table(result, args)`` and
#: ``checks(result)``.
SCENARIOS: tuple[ModuleType, ...] = (
    synth_import, packaging_cache, scaling, handler, runtime, cli, cloud, testing, sync, iam,
)  # fmt: skip
DEFAULT_OUTPUT = BENCH / "results" / "bench.json"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    names = [scenario.NAME for scenario in SCENARIOS]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute; noisier figures)")
    parser.add_argument("--reps-ordinary", type=int, help="ordinary-import synth runs (default 3; --quick 1)")
    parser.add_argument("--reps-fast", type=int, help="fast-path synth runs (default 5; --quick 2)")
    parser.add_argument(
        "--reps-cdktn", type=int, help="cdktn-flavor synth runs, fast path (default 5; --quick 2; 0 skips cdktn)"
    )
    parser.add_argument("--reps-packaging", type=int, help="cold and warm packaging runs each (default 3; --quick 1)")
    parser.add_argument("--reps-scaling", type=int, help="runs per function count (default 3; --quick 1)")
    parser.add_argument("--functions", default="1,3,30,300", help="function counts of the scaling app")
    parser.add_argument(
        "--only", default=",".join(names), help=f"comma-separated sections (default: {','.join(names)})"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON result file")
    args = parser.parse_args(argv)
    quick = args.quick
    args.reps_ordinary = args.reps_ordinary or (1 if quick else 3)
    args.reps_fast = args.reps_fast or (2 if quick else 5)
    if args.reps_cdktn is None:
        args.reps_cdktn = 2 if quick else 5
    args.reps_packaging = args.reps_packaging or (1 if quick else 3)
    args.reps_scaling = args.reps_scaling or (1 if quick else 3)
    args.functions = sorted({int(n) for n in args.functions.split(",")})
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(names)
    if unknown:
        parser.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; choose from {','.join(names)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    meta = metadata(args)
    results: dict[str, Any] = {}
    tables: list[Table] = []
    checks: list[dict[str, Any]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cdktf-lambda-bench-") as tmp:
        for scenario in SCENARIOS:
            if scenario.NAME not in args.only:
                continue
            section_start = time.perf_counter()
            result = results[scenario.NAME] = scenario.run(Path(tmp) / scenario.NAME, args)
            result["section_s"] = time.perf_counter() - section_start
            tables.append(scenario.table(result, args))
            checks += scenario.checks(result)
    if checks:
        tables.append(acceptance_table(checks))
    meta["duration_s"] = time.perf_counter() - started
    meta["machine"]["loadavg_end"] = os.getloadavg()

    print()
    print("\n\n".join(table.text() for table in tables))
    print(f"\n{machine_line(meta)}; took {meta['duration_s']:.0f} s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"meta": meta, "results": results, "acceptance": checks}, indent=2) + "\n")
    markdown = args.output.with_suffix(".md")
    markdown.write_text("\n\n".join(table.markdown() for table in tables) + f"\n\n{machine_line(meta)}\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"wrote {shown} and {markdown.name}")
    cdktn = results.get("synth", {}).get("cdktn")
    if cdktn and not cdktn["measured"] and (cdktn["missing_packages"] or cdktn["error"]):
        reason = "is not installed" if cdktn["missing_packages"] else "failed to synth"
        print(f"\n*** NOTE: the cdktn flavor {reason}: its column is empty (reported only, not a failure) ***")
    if "synth" in args.only and cdktn_missing():
        print("(install the cdktn flavor with `make setup FLAVOR=cdktn`)")

    failed = [item["name"] for item in checks if not item["passed"]]
    if failed:
        print(f"FAIL: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("PASS: every acceptance target met" if checks else "no acceptance target in the sections run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
