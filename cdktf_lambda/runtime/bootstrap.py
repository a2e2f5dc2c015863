"""Runs one handler invocation in a clean interpreter: ``python -I -S bootstrap.py SPEC_JSON``.

The child of :func:`cdktf_lambda.tools.invoke.invoke`'s host mode. Standard library only, and nothing but the
standard library is importable until it puts the spec's paths (task root, layers) on ``sys.path``: a module the
function zip and its layers do not ship fails with ``Runtime.ImportModuleError``, as on Lambda. The outcome
(``{"response": …}`` or ``{"error": {errorMessage, errorType, requestId, stackTrace}}``, Lambda's error shape) is
written as JSON to the spec's ``result_file``; the function's own output goes to stdout/stderr.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import traceback
from pathlib import Path
from typing import Any


def _load_context_class() -> Any:
    """:class:`cdktf_lambda.runtime.context.LambdaContext`, loaded by path under a private name (the package itself
    is not importable here, and must not be: only the function's code is)."""
    spec = importlib.util.spec_from_file_location("_cdktf_lambda_context", Path(__file__).with_name("context.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks the module up while building the class
    spec.loader.exec_module(module)
    return module.LambdaContext


def _error(error_type: str, message: str, exc: BaseException, request_id: str) -> dict[str, Any]:
    user_frames = exc.__traceback__.tb_next if exc.__traceback__ else None  # without this file's frame, as Lambda
    stack = traceback.format_exception(type(exc), exc, user_frames)
    sys.stderr.write(f"[ERROR] {error_type}: {message}\n" + "".join(stack))
    sys.stderr.flush()
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": traceback.format_list(traceback.extract_tb(user_frames)),
    }


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Import the handler and call it on the event; the outcome as ``{"response"}`` or ``{"error"}``."""
    context_class = _load_context_class()
    sys.path[:0] = spec["paths"]
    request_id = spec["request_id"]
    module_name, _, function_name = spec["handler"].rpartition(".")
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        message = f"Unable to import module '{module_name}': {exc}"
        return {"error": _error("Runtime.ImportModuleError", message, exc, request_id)}
    except SyntaxError as exc:
        message = f"Syntax error in module '{module_name}': {exc}"
        return {"error": _error("Runtime.UserCodeSyntaxError", message, exc, request_id)}
    except Exception as exc:
        return {"error": _error(type(exc).__name__, str(exc), exc, request_id)}
    handler = getattr(module, function_name, None)
    if not callable(handler):
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        sys.stderr.write(f"[ERROR] Runtime.HandlerNotFound: {message}\n")
        return {"error": {"errorMessage": message, "errorType": "Runtime.HandlerNotFound", "requestId": request_id}}
    event = json.loads(Path(spec["event_file"]).read_text(encoding="utf-8"))
    context = context_class.for_function(
        spec["function_name"],
        region=spec["region"],
        memory_size=spec["memory_size"],
        timeout=spec["timeout"],
        request_id=request_id,
    )
    try:
        response = handler(event, context)
        json.dumps(response)
    except Exception as exc:
        return {"error": _error(type(exc).__name__, str(exc), exc, request_id)}
    return {"response": response}


def main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    outcome = run(spec)
    sys.stdout.flush()
    sys.stderr.flush()
    Path(spec["result_file"]).write_text(json.dumps(outcome), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
