"""``cdktf-lambda sync`` and ``cdktf-lambda local sync``: the command lines of :mod:`cdktf_lambda.sync`.

``sync`` targets the account and endpoint of the current AWS settings (boto3's default session: the environment,
``AWS_PROFILE``, ``AWS_ENDPOINT_URL``), reading ``cdktf.out``; ``local sync`` the project's local cloud (its endpoint
and test credentials), reading the synth output of ``local up``. One line per sync; with ``--watch`` until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "local_sync", "sync"]

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``sync`` and ``local sync`` share."""
    parser.add_argument("functions", nargs="*", metavar="FUNCTION", help="function name or construct id (default: all)")
    parser.add_argument("--watch", action="store_true", help="sync on every save until Ctrl-C")
    parser.add_argument("--stack", default=None, help="stack name (default: the only stack)")


def _print_reports(reports: list[Any], *, quiet_unchanged: bool) -> bool:
    """Print one line per report; whether all were ok."""
    for report in reports:
        if quiet_unchanged and report.outcome == "unchanged" and not report.detail:
            continue
        print(report.line(), file=sys.stdout if report.ok else sys.stderr, flush=True)
    return all(report.ok for report in reports)


def _run(syncer: Any, watch: bool, where: str) -> int:
    from cdktf_lambda.errors import EnvironmentFailure
    from cdktf_lambda.sync import watch as watch_sources

    try:
        return _sync_or_watch(syncer, watch, where, watch_sources)
    except EnvironmentFailure as exc:
        print(f"cdktf-lambda: {exc}", file=sys.stderr)
        return 2


def _sync_or_watch(syncer: Any, watch: bool, where: str, watch_sources: Any) -> int:
    if not watch:
        reports = syncer.sync()
        ok = _print_reports(reports, quiet_unchanged=False)
        return 0 if ok else 1

    def ready(roots: list[Path]) -> None:
        shown = ", ".join(str(root) for root in roots)
        names = ", ".join(target.function_name for target in syncer.functions)
        print(f"watching {shown} for {names} ({where}); Ctrl-C stops", flush=True)

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored (in the background)
        signal.signal(signum, lambda *_: stop.set())
    watch_sources(syncer, lambda reports: _print_reports(reports, quiet_unchanged=True), stop=stop, on_ready=ready)
    return 0


def sync(args: argparse.Namespace) -> int:
    """``cdktf-lambda sync``: against the current AWS settings."""
    import boto3

    from cdktf_lambda.paths import project_root
    from cdktf_lambda.sync import LambdaApi, Syncer, read_stack

    project = Path(args.project_dir).absolute() if args.project_dir else project_root()
    stack = read_stack(project / args.outdir, project, args.stack)
    session = boto3.session.Session()
    region = stack.region or session.region_name or "us-east-1"  # where the stack deployed its functions
    api = LambdaApi(session.client("lambda", region_name=region), lambda: session.client("s3", region_name=region))
    syncer = Syncer(stack, api, functions=args.functions)
    return _run(syncer, args.watch, f"stack {stack.name}, region {region}")


def _warmer(endpoint_url: str) -> Callable[[Any], str | None]:
    """Starts a function's new code in the local cloud right after a sync; the import error it reports, if any."""

    def warm(target: Any) -> str | None:
        query = urllib.parse.urlencode({"function": target.function_name, "qualifier": "$LATEST"})
        request = urllib.request.Request(f"{endpoint_url}/_local/warm?{query}", method="POST", data=b"")
        with _NO_PROXY.open(request, timeout=120) as response:
            answer = json.loads(response.read())
        error = answer.get("init_error")
        if not error:
            return None
        return f"the new code fails at init: {error.get('errorType')}: {error.get('errorMessage')}"

    return warm


def local_sync(args: argparse.Namespace, workspace: Any) -> int:
    """``cdktf-lambda local sync``: against the project's local cloud."""
    from cdktf_lambda.emulator.server import aws_client
    from cdktf_lambda.sync import LambdaApi, Syncer, read_stack

    server = workspace.server()
    if server is None:
        print(
            "cdktf-lambda: the local cloud is not running: `cdktf-lambda local up` starts it and deploys",
            file=sys.stderr,
        )
        return 2
    stack = read_stack(workspace.outdir, workspace.project_dir, args.stack)
    endpoint = server.endpoint_url
    region = stack.region or "us-east-1"
    api = LambdaApi(aws_client("lambda", endpoint, region), lambda: aws_client("s3", endpoint, region))
    syncer = Syncer(stack, api, functions=args.functions, after_update=_warmer(endpoint))
    return _run(syncer, args.watch, f"stack {stack.name} in the local cloud at {endpoint}")
