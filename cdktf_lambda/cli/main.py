"""The ``cdktf-lambda`` command (also ``python -m cdktf_lambda``): run the synthesized functions locally.

Commands
--------
``invoke FUNCTION --event FILE``
    Run a function's handler from the synthesized artifacts only (function zip + layers, nothing else on
    ``sys.path``) on its own runtime (CPython of its version, AWS's runtime client, Lambda's layout; ``--host``: on
    this machine's interpreter) and print its JSON response. See :mod:`cdktf_lambda.tools.invoke`.
``doctor [STACK]``
    Check every function of a synthesized stack against Lambda's limits, architecture and glibc, and import each
    handler on its runtime; one line per problem, exit 1 when any. See :mod:`cdktf_lambda.tools.doctor`.
``runtime install RUNTIME...`` / ``runtime list``
    Provision a runtime's CPython (and its runtime client) into the runtime cache now; list what is there.
``serve``
    A function's ASGI app on uvicorn, for development.
``local up | down | status [--json] | logs FUNCTION | fire RULE | env | sync``
    The local cloud: deploy the project into moto on 127.0.0.1 (``cdktf deploy``) where the functions run, SQS
    queues deliver, HTTP APIs answer and schedules fire; look at it, drive it, tear it down.
    See :mod:`cdktf_lambda.deploy.local` and :mod:`cdktf_lambda.deploy.status`.
``sync [FUNCTION...] [--watch]`` / ``local sync [FUNCTION...] [--watch]``
    Upload what changed in the functions' sources (code, or a layer whose sources or lock file changed) through the
    Lambda API, without Terraform: to AWS (the current AWS settings), or to the local cloud. See
    :mod:`cdktf_lambda.sync`.

Examples
--------
::

    cdktf-lambda invoke api_server --event tests/events/apigw_http_v2_get_root.json
    cdktf-lambda invoke practice-dev-worker --event tests/events/sqs_batch_one_bad.json --stack practice-dev
    cdktf-lambda doctor practice-dev
    cdktf-lambda runtime install python3.13
    cdktf-lambda serve --reload --port 8000
    cdktf-lambda local up && curl "$(cdktf-lambda local status --json | jq -r '.http_apis[]')"
    cdktf-lambda local sync --watch

Output: what a command answers (invoke's JSON response, ``local status --json``, ``runtime list`` ...) goes to
stdout; notes, progress lines and errors to stderr, as ``cdktf-lambda: <message>`` (:mod:`cdktf_lambda.logs`). The
global options ``-v``/``--verbose`` (debug records too, each with its logger's name) and ``-q``/``--quiet``
(warnings and errors only) choose which notes are shown.

Nothing here loads jsii: the command starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdktf_lambda import __version__
from cdktf_lambda.cli import sync as sync_cli
from cdktf_lambda.errors import CdktfLambdaError, ProvisionError
from cdktf_lambda.logs import logging_to

if TYPE_CHECKING:
    from cdktf_lambda.deploy.local import Outcome

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cdktf-lambda", description="Run the synthesized functions locally.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="show debug notes, with the logger's name")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="show only warnings and errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "invoke",
        help="run a synthesized function's handler from its zip and layers only",
        description="Run a function from the synth output (function zip + layers only) and print its JSON response.",
    )
    run.add_argument("function", help="function name (practice-dev-api-server) or construct id (api_server)")
    run.add_argument("--event", default=None, help="event JSON file, '-' for stdin (default: {})")
    run.add_argument("--outdir", default="cdktf.out", help="synth output directory (default: cdktf.out)")
    run.add_argument("--stack", default=None, help="stack name (default: the only, or first, stack)")
    run.add_argument("--host", action="store_true", help="run on this machine's interpreter (the host fallback)")
    run.add_argument("--python", default=None, help="host fallback with this interpreter (implies --host)")
    run.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="extra environment variable")
    run.add_argument("--timeout", type=int, default=None, help="seconds (default: the function's timeout + 10)")

    doc = commands.add_parser(
        "doctor",
        help="check a synthesized stack's functions: sizes, ELF architecture, glibc, handler imports",
        description="Check every function of a synthesized stack; one line per problem, exit 1 when any.",
    )
    doc.add_argument("stack", nargs="?", default=None, help="stack name (default: the only, or first, stack)")
    doc.add_argument("--outdir", default="cdktf.out", help="synth output directory (default: cdktf.out)")
    doc.add_argument("--no-import", action="store_true", help="skip importing each handler on its runtime")

    rt = commands.add_parser("runtime", help="provision Lambda runtimes (CPython of the target version) locally")
    rt_commands = rt.add_subparsers(dest="runtime_command", required=True, metavar="ACTION")
    install = rt_commands.add_parser("install", help="provision runtimes now (once; later runs reuse them)")
    install.add_argument("runtimes", nargs="+", metavar="RUNTIME", help="e.g. python3.13")
    rt_commands.add_parser("list", help="the provisioned runtimes and the runtime cache directory")

    srv = commands.add_parser("serve", help="serve a function's ASGI app locally with uvicorn (development)")
    srv.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    srv.add_argument("--port", type=int, default=8000, help="default: 8000")
    srv.add_argument("--reload", action="store_true", help="restart on changes under --source-base-path")
    srv.add_argument("--source-base-path", default="lambda_src", help="default: lambda_src")
    srv.add_argument("--function", default="api_server", help="function directory (default: api_server)")
    srv.add_argument("--app", default="app", help="ASGI app attribute of the module (default: app)")
    syn = commands.add_parser(
        "sync",
        help="upload changed function code and layers through the Lambda API (the current AWS settings)",
        description="Repackage what changed since the deploy and update only that through the Lambda API.",
    )
    sync_cli.add_arguments(syn)
    syn.add_argument("--outdir", default="cdktf.out", help="synth output directory (default: cdktf.out)")
    syn.add_argument("--project-dir", default=None, help="the project (default: where cdktf.json is)")
    _local_parser(commands)
    return parser


def _local_parser(commands: Any) -> None:
    local = commands.add_parser(
        "local",
        help="the local cloud: deploy into moto on 127.0.0.1, where the deployed app runs",
        description="The local cloud of the project (where cdktf.json is): moto on 127.0.0.1 running the functions.",
    )
    local.add_argument("--project-dir", default=None, help="the project (default: where cdktf.json is)")
    sub = local.add_subparsers(dest="local_command", required=True, metavar="COMMAND")
    up = sub.add_parser("up", help="start the local cloud if needed and cdktf deploy into it")
    up.add_argument("--stack", action="append", dest="stacks", default=None, help="stack to deploy (repeat; all)")
    up.add_argument("--port", type=int, default=None, help="port of a new moto server (default: a free one)")
    up.add_argument("--no-deploy", action="store_true", help="only start the local cloud")
    down = sub.add_parser("down", help="cdktf destroy, check nothing is left, stop the local cloud")
    down.add_argument("--stack", action="append", dest="stacks", default=None, help="stack to destroy (repeat; all)")
    status = sub.add_parser("status", help="what runs where: endpoints, local URLs, schedules, outputs")
    status.add_argument("--json", action="store_true", help="as JSON")
    logs = sub.add_parser("logs", help="a function's CloudWatch log in the local cloud")
    logs.add_argument("function", help="function name or construct id (api_server)")
    logs.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
    logs.add_argument("--since", default=None, help="only lines newer than this (30s, 10m, 2h, 1d)")
    fire = sub.add_parser("fire", help="fire a schedule (EventBridge rule or Scheduler schedule) now")
    fire.add_argument("rule", help="rule or schedule name (or ARN)")
    fire.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the outcome (0: do not wait)")
    env = sub.add_parser("env", help="print the variables that point the AWS CLI/boto3/Terraform at the local cloud")
    env.add_argument("--format", choices=("shell", "dotenv", "json"), default="shell")
    sync_cli.add_arguments(sub.add_parser("sync", help="sync changed code and layers into the local cloud"))


def _invoke(args: argparse.Namespace) -> int:
    from cdktf_lambda.tools.invoke import invoke, parse_assignments, read_event

    event = read_event(args.event) if args.event else {}
    result = invoke(
        args.function,
        event,
        outdir=Path(args.outdir),
        stack=args.stack,
        python=args.python,
        environment=parse_assignments(args.env),
        timeout=args.timeout,
        prefer="host" if args.host else "target",
    )
    sys.stderr.write(result.logs)  # the function's own output
    sys.stderr.flush()
    if result.ok:
        print(json.dumps(result.response, indent=2))
        return 0
    error: dict[str, object] = dict(result.error or {})
    if error.get("errorType") == "Runtime.ImportModuleError":
        print(
            "cdktf-lambda: the handler could not be imported (ImportError): a module it needs is in neither the "
            "function zip nor its layers; on Lambda it fails the same way",
            file=sys.stderr,
        )
    print(json.dumps({k: v for k, v in error.items() if k != "stackTrace"}, indent=2))
    return 1


def _serve(args: argparse.Namespace) -> int:
    from cdktf_lambda.tools.serve import serve

    serve(
        source_base_path=args.source_base_path,
        function=args.function,
        app=args.app,
        host=args.host,
        port=args.port,
        reload=args.reload,
    )
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from cdktf_lambda.tools.doctor import doctor

    problems = doctor(args.stack, outdir=Path(args.outdir), import_handlers=not args.no_import)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def _runtime(args: argparse.Namespace) -> int:
    from cdktf_lambda.runtime.install import install_runtime, list_runtimes

    if args.runtime_command == "list":
        print(list_runtimes())
        return 0
    status = 0
    for runtime in args.runtimes:  # each: one line saying what it runs on and how long it took, or why not
        try:
            print(install_runtime(runtime), flush=True)
        except ProvisionError as exc:
            print(f"cdktf-lambda: {exc}", file=sys.stderr, flush=True)
            status = 1
    return status


def _local(args: argparse.Namespace) -> int:
    from cdktf_lambda.emulator.server import MotoServerError

    try:
        outcome = _local_command(args)
        for line in outcome.lines:  # `logs --follow`: as they come
            print(line, flush=True)
        return outcome.status
    except (MotoServerError, ValueError) as exc:  # ValueError: also every CdktfLambdaError
        print(f"cdktf-lambda: {exc}", file=sys.stderr)
        return 2


def _local_command(args: argparse.Namespace) -> Outcome:
    from cdktf_lambda.deploy import local as deploy
    from cdktf_lambda.deploy import status as commands
    from cdktf_lambda.deploy.workspace import Workspace

    workspace = Workspace.find(args.project_dir)
    action = args.local_command
    if action == "up":
        return deploy.up(workspace, stacks=args.stacks or ["*"], port=args.port, deploy=not args.no_deploy)
    if action == "down":
        return deploy.Outcome(deploy.down(workspace, stacks=args.stacks or ["*"]))
    if action == "status":
        return commands.status(workspace, as_json=args.json)
    if action == "logs":
        return commands.logs(workspace, args.function, follow=args.follow, since=args.since)
    if action == "fire":
        return commands.fire(workspace, args.rule, wait=args.wait)
    if action == "sync":  # prints its own lines as each sync happens
        return deploy.Outcome(sync_cli.local_sync(args, workspace))
    return commands.env(workspace, fmt=args.format)


COMMANDS = {
    "invoke": _invoke,
    "doctor": _doctor,
    "runtime": _runtime,
    "serve": _serve,
    "local": _local,
    "sync": sync_cli.sync,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (1 when the function failed, 2 for bad input)."""
    args = _parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    with logging_to(sys.stderr, level, verbose=args.verbose):
        try:
            return COMMANDS[args.command](args)
        except CdktfLambdaError as exc:
            print(f"cdktf-lambda: {exc}", file=sys.stderr)
            return 2
