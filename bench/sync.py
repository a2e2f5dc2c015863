"""Edit, save, see it answer: ``cdktf-lambda local sync --watch`` against the same change through a synth and
``cdktf deploy``, into the local cloud, side by side in one run.

In a copy of the project (``node_modules`` and ``.venv`` linked, a package cache of its own), the app is deployed
into a fresh local cloud (``cdktf-lambda local up``; pip builds its dependency layer). Then, with ``local sync
--watch`` running in the background:

* five saves of the API's source, each changing what ``GET /`` answers: each is timed from just before the file is
  written to the first answer of the local HTTP API with the new text (asked every 5 ms from the watcher's line on:
  the alias moves just before it);
* a save with a syntax error: the API must keep answering the last good text, and the watcher must say why;
* a lock-file change (``six`` added to ``lambda_src/Pipfile.lock``): timed from the save to the watcher's lines for
  the dependency layer and for the three functions that use it (pip builds the layer again).

The watcher is stopped; then the same kind of change to the API goes through ``cdktf-lambda local up`` (``cdktf
deploy``, which synthesizes first, into the running local cloud), timed the same way, save to answer. The local cloud
is stopped by its PID at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.measure import ROOT, base_env, progress, run_process
from bench.report import Table, flag_check, fmt_ratio, fmt_stat, ratio, ratio_check, summary
from devtools.watcher import Watcher

NAME = "sync"
TARGET_S = 1.0
SAVES = 5
APP_FILES = ("main.py", "cdktf.json", "stacks", "lambda_src", "package.json")
LINKS = (".venv", "node_modules")
API_SOURCE = Path("lambda_src") / "api_server" / "api_server.py"
LOCK = Path("lambda_src") / "Pipfile.lock"
ROOT_MESSAGE = re.compile(r'return \{"message": "[^"]*"\}')
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in APP_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    for name in LINKS:
        (dest / name).symlink_to(ROOT / name, target_is_directory=True)
    return dest


def _cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cdktf_lambda", "local", "--project-dir", str(project), *args]


def _set_message(project: Path, text: str) -> None:
    path = project / API_SOURCE
    source, count = ROOT_MESSAGE.subn(f'return {{"message": "{text}"}}', path.read_text())
    assert count == 1, f"{API_SOURCE}: the root route's return was not found"
    path.write_text(source)


def _message(url: str) -> str | None:
    try:
        with _OPENER.open(url + "/", timeout=30) as answer:
            return json.loads(answer.read()).get("message")
    except (OSError, ValueError):
        return None


def _answered(url: str, text: str, started: float, timeout: float) -> float | None:
    """Seconds from ``started`` to the first answer with ``text`` (None: not within ``timeout``)."""
    while time.perf_counter() - started < timeout:
        if _message(url) == text:
            return time.perf_counter() - started
        time.sleep(0.005)
    return None


@contextmanager
def _watching(project: Path, env: dict[str, str]) -> Iterator[Watcher]:
    watcher = Watcher(project, env)
    try:
        watcher.expect(r"^watching ", timeout=120)
        yield watcher
    finally:
        watcher.stop()


def _saves(project: Path, url: str, watcher: Watcher) -> list[dict[str, Any]]:
    saves = []
    for index in range(SAVES):
        text = f"sync bench {index} {uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        _set_message(project, text)
        # The alias moves just before the watcher prints its line: the API is asked from then on (asking from the
        # save on, every 5 ms, loaded the local cloud with a hundred requests per save and slowed the sync it timed).
        _, line = watcher.expect(r"^synced practice-dev-api-server: ", timeout=300)
        seconds = _answered(url, text, started, timeout=120)
        reported = re.search(r", ([0-9.]+) s$", line)
        saves.append(
            {"seconds": seconds, "line": line, "sync_s": float(reported.group(1)) if reported else None, "text": text}
        )
        progress(f"sync: save {index + 1}/{SAVES} answered in {seconds if seconds is None else round(seconds, 3)} s")
    return saves


def _bad_input(project: Path, url: str, watcher: Watcher, last_good: str) -> dict[str, Any]:
    path = project / API_SOURCE
    good = path.read_text()
    path.write_text(good + "\ndef broken(:\n")
    _, line = watcher.expect(r"^not synced: practice-dev-api-server: ", timeout=300)
    answering = _message(url)
    path.write_text(good)
    _, back = watcher.expect(r"^up to date: practice-dev-api-server: ", timeout=300)
    return {"line": line, "answering": answering, "kept": answering == last_good, "back": back}


def _lock_change(project: Path, url: str, watcher: Watcher) -> dict[str, Any]:
    lock = json.loads((project / LOCK).read_text())
    six = json.loads((ROOT / "Pipfile.lock").read_text())["default"]["six"]
    lock["default"]["six"] = six
    started = time.perf_counter()
    (project / LOCK).write_text(json.dumps(lock, indent=4, sort_keys=True) + "\n")
    _, layer = watcher.expect(r"^synced practice-dev-dependencies: ", timeout=900)
    functions = []
    for _ in range(3):
        at, line = watcher.expect(r"^synced practice-dev-[a-z-]+: .*layers", timeout=300)
        functions.append(line)
    return {"seconds": at - started, "layer_line": layer, "function_lines": functions, "answering": _message(url)}


def _through_deploy(project: Path, url: str, env: dict[str, str], logs: Path, index: int) -> float | None:
    text = f"deploy bench {index} {uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    _set_message(project, text)
    run_process(f"sync-deploy-{index}", _cli(project, "up"), cwd=project, env=env, logs=logs, sample_rss=False)
    return _answered(url, text, started, timeout=120)


def bench_sync(work: Path, deploy_reps: int) -> dict[str, Any]:
    from cdktf_lambda.deploy.workspace import Workspace

    project = _copy_project(work / "project")
    logs = work / "logs"
    # A cache of its own: the lock-file change must rebuild the layer with pip (the first deploy builds it too).
    env = base_env(CDKTF_LAMBDA_CACHE_DIR=str(work / "cache"))
    env.pop("TF_CLI_CONFIG_FILE", None)  # local up writes the project's own
    workspace = Workspace(project)
    progress("sync: local up (the first deploy of the app into a fresh local cloud)")
    try:
        first_deploy, _ = run_process("sync-up", _cli(project, "up"), cwd=project, env=env, logs=logs, sample_rss=False)
        status = json.loads(subprocess.run(_cli(project, "status", "--json"), env=env, capture_output=True).stdout)
        url = status["http_apis"]["practice-dev-api"]
        with _watching(project, env) as watcher:
            saves = _saves(project, url, watcher)
            bad = _bad_input(project, url, watcher, saves[-1]["text"])
            progress("sync: lock-file change (pip builds the dependency layer)")
            lock = _lock_change(project, url, watcher)
        deploys = []
        for index in range(deploy_reps):
            progress(f"sync: the same change through cdktf deploy, run {index + 1}/{deploy_reps}")
            deploys.append(_through_deploy(project, url, env, logs, index))
    finally:
        workspace.stop_server()
    answered = [save["seconds"] for save in saves]
    stats = summary(answered)
    deploy = summary(deploys)
    return {
        "first_deploy_s": first_deploy,
        "saves": saves,
        "answer": stats,
        "sync": summary([save["sync_s"] for save in saves]),
        "all_answered": all(value is not None for value in answered),
        "bad_input": bad,
        "lock_change": lock,
        "deploy": deploy,
        "ratio": ratio(stats["median"], deploy["median"]),
    }


def run(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return bench_sync(work, 1 if args.quick else 2)


def table(result: dict[str, Any], args: argparse.Namespace) -> Table:
    bad, lock = result["bad_input"], result["lock_change"]
    rows = [
        ["save → answer, local sync --watch (s)", fmt_stat(result["answer"]), "1.00"],
        ["  of which the sync itself, as the watcher reports it (s)", fmt_stat(result["sync"]), ""],
        ["save → answer, synth + cdktf deploy into the local cloud (s)", fmt_stat(result["deploy"]), ""],
        ["local sync / cdktf deploy (medians)", fmt_ratio(result["ratio"]), ""],
        ["lock-file change → layer and its 3 functions synced (s)", f"{lock['seconds']:.2f}", ""],
        ["first deploy of the app (local up, s)", f"{result['first_deploy_s']:.1f}", ""],
    ]
    notes = [f"save {i + 1}: {save['line']}" for i, save in enumerate(result["saves"])]
    notes += [
        f"syntax error: {bad['line']}",
        f"  the API kept answering the last good text: {'yes' if bad['kept'] else 'NO: ' + str(bad['answering'])}",
        f"  fixed: {bad['back']}",
        f"lock change: {lock['layer_line']}",
        *[f"  {line}" for line in lock["function_lines"]],
        "the new code is started by the watcher while its version is published (/_local/warm), so the alias moves to "
        "a warm runtime: its cold start is inside the save → answer figure",
    ]
    return Table(
        title="Edit, save, see it answer: local sync --watch vs synth + cdktf deploy (local cloud, the app's API)",
        header=["median (min-max)", "value", "target"],
        rows=rows,
        notes=notes,
    )


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    median = result["answer"]["median"]
    bad = result["bad_input"]
    return [
        ratio_check("sync_answer", "local sync --watch: save → answer, median of 5 saves (s)", median, TARGET_S),
        flag_check(
            "sync_answered", "each save answered with the new code by the local HTTP API", result["all_answered"]
        ),
        flag_check(
            "sync_bad_input",
            "a syntax error keeps the last good code answering and the watcher says why",
            bad["kept"] and "SyntaxError" in bad["line"],
        ),
    ]
