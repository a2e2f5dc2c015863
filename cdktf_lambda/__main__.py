"""``python -m cdktf_lambda``: run the synthesized functions locally.

Commands
--------
``invoke FUNCTION --event FILE``
    Run a function's handler from the synthesized artifacts only (function zip + layers, nothing else on
    ``sys.path``) and print its JSON response. See :mod:`cdktf_lambda.invoke`.
``serve``
    The FastAPI app from ``lambda_src/`` on uvicorn, for development (uvicorn is a dev package).

Examples
--------
::

    python -m cdktf_lambda invoke api_server --event tests/events/apigw_http_v2_get_root.json
    python -m cdktf_lambda invoke practice-dev-worker --event tests/events/sqs_batch_one_bad.json --stack practice-dev
    python -m cdktf_lambda serve --reload --port 8000
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CdktfLambdaError
from .invoke import invoke, parse_assignments, read_event
from .paths import resolve

__all__ = ["main", "serve"]


def serve(
    *,
    source_base_path: str = "lambda_src",
    function: str = "api_server",
    app: str = "app",
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: bool = False,
) -> None:
    """Serve ``<source_base_path>/<function>/<function>.py``'s ASGI ``app`` with uvicorn.

    The imports resolve as on Lambda: the function directory first (its module is top level), then
    ``source_base_path`` (for the shared runtime modules, which are a layer on Lambda).
    """
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - uvicorn is a dev package
        raise SystemExit("cdktf-lambda: serve needs uvicorn (a dev package): run `make setup`") from None
    base = resolve(source_base_path)
    function_dir = base / function
    if not (function_dir / f"{function}.py").is_file():
        raise SystemExit(f"cdktf-lambda: {function_dir / f'{function}.py'} not found (--source-base-path/--function)")
    for path in (str(base), str(function_dir)):  # function_dir ends up first
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    uvicorn.run(f"{function}:{app}", host=host, port=port, reload=reload, reload_dirs=[str(base)] if reload else None)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cdktf_lambda", description="Run the synthesized functions locally."
    )
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
    run.add_argument("--python", default=None, help="interpreter to run with (default: python<runtime version>)")
    run.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="extra environment variable")
    run.add_argument("--timeout", type=int, default=None, help="seconds (default: the function's timeout + 10)")

    srv = commands.add_parser("serve", help="serve the FastAPI app locally with uvicorn (development)")
    srv.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    srv.add_argument("--port", type=int, default=8000, help="default: 8000")
    srv.add_argument("--reload", action="store_true", help="restart on changes under --source-base-path")
    srv.add_argument("--source-base-path", default="lambda_src", help="default: lambda_src")
    srv.add_argument("--function", default="api_server", help="function directory (default: api_server)")
    srv.add_argument("--app", default="app", help="ASGI app attribute of the module (default: app)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (1 when the function failed, 2 for bad input)."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        serve(
            source_base_path=args.source_base_path,
            function=args.function,
            app=args.app,
            host=args.host,
            port=args.port,
            reload=args.reload,
        )
        return 0
    try:
        event = read_event(args.event) if args.event else {}
        result = invoke(
            args.function,
            event,
            outdir=Path(args.outdir),
            stack=args.stack,
            python=args.python,
            environment=parse_assignments(args.env),
            timeout=args.timeout,
        )
    except CdktfLambdaError as exc:
        print(f"cdktf-lambda: {exc}", file=sys.stderr)
        return 2
    if result.ok:
        print(json.dumps(result.response, indent=2))
        return 0
    error = result.error or {}
    if error.get("errorType") == "Runtime.ImportModuleError":
        print(
            "cdktf-lambda: the handler could not be imported (ImportError): a module it needs is in neither the "
            "function zip nor its layers; on Lambda it fails the same way",
            file=sys.stderr,
        )
    print(json.dumps({k: v for k, v in error.items() if k != "stackTrace"}, indent=2))
    return 1


if __name__ == "__main__":
    sys.exit(main())
