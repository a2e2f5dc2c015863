"""What the local cloud serves, read from moto's backends: :func:`inventory`, :func:`endpoints`, :func:`prepare`."""

from __future__ import annotations

from typing import Any

from cdktf_lambda.emulator.cloud import esm, fronts, iam
from cdktf_lambda.emulator.cloud.clock import deployed_schedules
from cdktf_lambda.emulator.cloud.cron import next_fire
from cdktf_lambda.emulator.cloud.invoke import engine, function_environment

__all__ = ["endpoints", "functions", "inventory", "prepare"]


def functions() -> list[Any]:
    """Every function (``$LATEST``) in moto, in every account and region."""
    from moto.awslambda.models import lambda_backends

    return [
        fn
        for regions in list(lambda_backends.values())
        for backend in list(regions.values())
        for fn in backend.list_functions()
    ]


def endpoints() -> dict[str, dict[str, str]]:
    """``{"http_apis": {api name: local URL}, "function_urls": {function name: local URL}}``."""
    supervisor = fronts.fronts()
    return supervisor.endpoints() if supervisor is not None else {"http_apis": {}, "function_urls": {}}


def inventory() -> dict[str, Any]:
    """Functions, event source mappings (with delivery counts), local endpoints, schedules (with next times) and
    whether IAM is enforced (with the counts of checks and denials)."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    schedules = []
    for scheduled in deployed_schedules():
        try:
            due = next_fire(scheduled.expression, now, timezone=scheduled.timezone) if scheduled.enabled else None
        except ValueError:
            due = None
        schedules.append(
            {
                "kind": scheduled.kind,
                "name": scheduled.name,
                "arn": scheduled.arn,
                "expression": scheduled.expression,
                "enabled": scheduled.enabled,
                "next": due.isoformat() if due else None,
                "targets": [target.get("Arn") for target in scheduled.targets],
            }
        )
    supervisor = esm.supervisor()
    return {
        "functions": [
            {
                "name": fn.function_name,
                "arn": fn.function_arn,
                "runtime": fn.run_time,
                "handler": fn.handler,
                "timeout": fn.timeout,
                "memory_size": fn.memory_size,
                "layers": [layer["Arn"] for layer in fn.layers],
                "reserved_concurrency": fn.reserved_concurrency,
            }
            for fn in functions()
        ],
        "event_source_mappings": supervisor.stats() if supervisor is not None else [],
        **endpoints(),
        "schedules": schedules,
        "invocations": dict(engine().counts),
        "iam": iam.status(),
    }


def prepare() -> dict[str, Any]:
    """Make every function ready to run: zips written, dependency layers rebuilt for the runner's target, and on
    the function's own runtime its code and layers extracted (the first event, or a sync's first cold start, pays
    only the start).

    ``cdktf-lambda local up`` calls it after a deploy, so the first request does not wait for a layer build.
    """
    eng = engine()
    prepared, errors = [], {}
    for fn in functions():
        try:
            choice = eng.runner_for(fn)
            code = eng.artifacts.function_code(fn, choice.target, function_environment(fn, eng.config.endpoint_url))
            extract = getattr(choice.runner, "prepare", None)  # the function's own runtime: its files, extracted
            if extract is not None:
                extract(code)
            prepared.append(fn.function_name)
        except Exception as exc:
            errors[fn.function_name] = str(exc)
    return {"prepared": prepared, "errors": errors}
