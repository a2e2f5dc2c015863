"""Statistics, tables (text and Markdown) and acceptance checks of a benchmark run, and the machine it ran on."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import CDKTN_MODULES, ROOT

MIB = 1 / 1024

#: Package versions recorded with every run.
PACKAGES = (
    "cdktf",
    "cdktf-cdktf-provider-aws",
    "cdktf-cdktf-provider-archive",
    "cdktn",
    "cdktn-provider-aws",
    "cdktn-provider-archive",
    "constructs",
    "jsii",
    "mangum",
)


def summary(values: Iterable[float | int | None]) -> dict[str, Any]:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return {"n": 0, "median": None, "min": None, "max": None, "values": []}
    return {
        "n": len(numbers),
        "median": statistics.median(numbers),
        "min": min(numbers),
        "max": max(numbers),
        "values": numbers,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt_stat(stat: dict[str, Any], scale: float = 1.0, digits: int = 2) -> str:
    """``median (min-max)``, or just the value for one sample."""
    if not stat["n"]:
        return "n/a"
    median, low, high = (stat[k] * scale for k in ("median", "min", "max"))
    if stat["n"] == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def fmt_ratio(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [max(len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]
        lines = [self.title, "-" * len(self.title)]
        for index, row in enumerate([self.header, *self.rows]):
            cells = [
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("  ".join("-" * width for width in widths))
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "|".join([" --- "] + [" ---: "] * (len(self.header) - 1)) + "|")
        for row in self.rows:
            first = row[0]
            indent = len(first) - len(first.lstrip())
            cells = ["&emsp;" * (indent // 2) + first.lstrip(), *row[1:]]
            lines.append("| " + " | ".join(cells) + " |")
        if self.notes:
            lines.append("")
            lines += [f"{note}  " for note in self.notes]
        return "\n".join(lines)


MIB = 1 / 1024


def ratio_check(name: str, description: str, value: float | None, target: float) -> dict[str, Any]:
    """An acceptance check: ``value`` (a ratio measured side by side) must be at most ``target``."""
    return {
        "name": name,
        "description": description,
        "value": value,
        "target": target,
        "passed": value is not None and value <= target,
    }


def flag_check(name: str, description: str, value: bool | None) -> dict[str, Any]:
    """An acceptance check that must hold (e.g. "the outputs are byte-identical")."""
    return {"name": name, "description": description, "value": value, "target": True, "passed": bool(value)}


def acceptance_table(checks: list[dict[str, Any]]) -> Table:
    rows = []
    for item in checks:
        if isinstance(item["target"], bool):
            value, target = ("yes" if item["value"] else "no"), "yes"
        else:
            value, target = fmt_ratio(item["value"]), f"<= {item['target']:.2f}"
        rows.append([item["description"], value, target, "PASS" if item["passed"] else "FAIL"])
    return Table(title="Acceptance", header=["ratio", "measured", "target", "result"], rows=rows)


def cdktn_missing() -> list[str]:
    """The cdktn flavor's Python packages that are not installed (none: the flavor can be measured)."""
    return [name for name in CDKTN_MODULES if importlib.util.find_spec(name) is None]


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    node = os.environ.get("JSII_NODE") or str(Path(sys.executable).parent / "node")
    try:
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        node_version = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = None, None
    return {
        "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(_memory_bytes() / 2**30, 1),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "node": node_version,
            "loadavg_start": os.getloadavg(),
        },
        "packages": versions,
        "flavors": {"cdktf": "always", "cdktn": "not installed" if cdktn_missing() else "installed"},
        "git": {"commit": commit, "dirty": dirty},
        "args": vars(args) | {"output": str(args.output)},
    }


def _memory_bytes() -> int:
    import psutil

    return psutil.virtual_memory().total


def machine_line(meta: dict[str, Any]) -> str:
    """One line naming the machine a run was measured on."""
    machine = meta["machine"]
    return (
        f"machine: {machine['cpus']} CPUs, {machine['memory_gib']} GiB, {machine['platform']}, Python "
        f"{machine['python']}, node {machine['node']}; load average {machine['loadavg_start'][0]:.2f} at start, "
        f"{machine['loadavg_end'][0]:.2f} at end"
    )
