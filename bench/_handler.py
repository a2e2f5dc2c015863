"""The API function's cold import time and per-request latency, run by ``python -m bench`` in fresh processes.

The function is imported as on Lambda, where its directory is the zip root and ``practice_util`` comes from a
layer: ``lambda_src/api_server`` and ``lambda_src`` are put on ``sys.path`` and ``import api_server`` loads
``lambda_src/api_server/api_server.py``. Dependencies come from the project's virtualenv (with their bytecode
already compiled), so the import time is a lower bound of a Lambda init.

``import``
    Seconds spent in ``import api_server`` in this (fresh) interpreter.
``latency``
    Per-request latency, in one warm process, of an API Gateway HTTP API (v2) ``GET /hello/Ada?lang=es`` through

    * ``module_adapter``: ``api_server.handler(event, context)``, the module-level ``Mangum(app, lifespan="off")``;
    * ``seed_per_call``: the seed's pattern, ``handler = Mangum(app); return handler(event, context)`` on each call;
    * ``lambda_handler``: the deployed entry point (Powertools context logging, event check, the module adapter).

    The three are called in turn on each round, so drift in machine load hits them alike.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from cdktf_lambda.runtime.context import LambdaContext

PROJECT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = PROJECT / "lambda_src" / "api_server"
LAYER_DIR = PROJECT / "lambda_src"
EVENT = PROJECT / "tests" / "events" / "apigw_http_v2_get_hello_es.json"


def import_function() -> tuple[Any, float]:
    sys.path[:0] = [str(FUNCTION_DIR), str(LAYER_DIR)]
    start = time.perf_counter()
    module = importlib.import_module("api_server")
    return module, time.perf_counter() - start


def summarize_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
        "n": len(ordered),
    }


def measure_latency(requests: int, warmup: int) -> dict[str, Any]:
    api_server, _ = import_function()
    from mangum import Mangum

    def seed_per_call(event: dict[str, Any], context: Any) -> dict[str, Any]:
        handler = Mangum(api_server.app)
        return handler(event, context)

    variants = {
        "module_adapter": api_server.handler,
        "seed_per_call": seed_per_call,
        "lambda_handler": api_server.lambda_handler,
    }
    event = json.loads(EVENT.read_text())
    context = LambdaContext.for_function("practice-bench-api-server", memory_size=512, timeout=30)
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(warmup + requests):
        for name, call in variants.items():
            request = copy.deepcopy(event)
            start = time.perf_counter()
            response = call(request, context)
            elapsed = time.perf_counter() - start
            if response["statusCode"] != 200:
                raise RuntimeError(f"{name}: unexpected response {response!r}")
            if round_ >= warmup:
                samples[name].append(elapsed)
    return {name: summarize_ms(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("import", "latency"))
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    options = parser.parse_args()
    if options.mode == "import":
        _, seconds = import_function()
        result: dict[str, Any] = {"import_s": seconds}
    else:
        result = measure_latency(options.requests, options.warmup)
    options.result.write_text(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
