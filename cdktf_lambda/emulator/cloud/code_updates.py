"""When a function's code changes in the local cloud, its warm runtimes of the replaced code are retired, as Lambda
retires the execution environments of replaced code; and a function's runtime can be started ahead of its next
event (:func:`warm`).

The local cloud learns of a change where moto applies it: ``UpdateFunctionCode``, ``UpdateFunctionConfiguration``
(new layers, environment …) and ``UpdateAlias`` (an alias moved to a new version). Then every warm runtime of that
function whose code is no longer reachable (through ``$LATEST``, an alias's version or its routing weights) stops:
idle ones at once, busy ones when their event ends. A runtime of code still reachable stays warm: until the alias
moves, invocations through it run the old version, warm. The next invocation of the new code starts a new runtime
(a cold start), because the local cloud's artifacts are content-addressed (:mod:`.artifacts`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from cdktf_lambda.emulator.cloud.invoke import engine, function_environment
from cdktf_lambda.runtime.code import FunctionCode

__all__ = ["install", "live_codes", "retire_replaced", "warm"]

log = logging.getLogger(__name__)


def _backend(account_id: str, region: str) -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[account_id][region]


def _code(fn: Any) -> FunctionCode:
    eng = engine()
    choice = eng.runner_for(fn)
    return eng.artifacts.function_code(fn, choice.target, function_environment(fn, eng.config.endpoint_url))


def live_codes(backend: Any, function_name: str) -> list[FunctionCode]:
    """The code of every version an invocation can reach now: ``$LATEST`` and each alias's versions."""
    reachable = [backend.get_function(function_name)]
    for alias in backend.list_aliases(function_name):
        weights = (alias.routing_config or {}).get("AdditionalVersionWeights") or {}
        for version in (alias.function_version, *weights):
            reachable.append(backend.get_function(function_name, str(version)))
    codes = []
    for fn in reachable:
        try:
            codes.append(_code(fn))
        except Exception as exc:  # no zip (an image), an unbuildable layer: nothing of it is kept warm
            log.debug("%s version %s has no runnable code: %s", function_name, fn.version, exc)
    return codes


def retire_replaced(account_id: str, region: str, function_name: str) -> int:
    """Retire the warm runtimes of ``function_name`` whose code no invocation can reach any more; how many."""
    try:
        backend = _backend(account_id, region)
        function_name = backend.get_function(function_name).function_name  # a name, also when given an ARN
        retired = engine().runners.retire(function_name, live_codes(backend, function_name))
    except Exception as exc:  # the update itself has been applied: a failure here must not turn it into an error
        log.warning("could not retire the runtimes of %s after its update: %r", function_name, exc)
        return 0
    if retired:
        log.info("%s changed: %d warm runtime(s) of the replaced code retired", function_name, retired)
    return retired


def warm(function_name: str, qualifier: str | None = None) -> dict[str, Any]:
    """Start the runtime of ``function_name`` (``qualifier``: a version or alias) now, without an event: a cold start
    ahead of the next invocation, which then finds it warm. ``init_error`` is the official runtime client's error
    when the handler does not import (``Runtime.ImportModuleError`` …), else None."""
    from moto.awslambda.models import lambda_backends

    started = time.monotonic()
    for regions in list(lambda_backends.values()):
        for backend in list(regions.values()):
            try:
                fn = backend.get_function(function_name, qualifier)
            except Exception:
                continue
            choice = engine().runner_for(fn)
            check = getattr(choice.runner, "check_init", None)
            if check is None:
                return {"function": fn.function_name, "started": False, "reason": "the host runner starts per event"}
            error = check(_code(fn))
            return {
                "function": fn.function_name,
                "started": error is None,
                "init_error": error,
                "seconds": round(time.monotonic() - started, 3),
            }
    return {"function": function_name, "started": False, "reason": "no such function"}


def install() -> str:
    """Retire replaced runtimes after every code, configuration and alias update moto applies."""
    from moto.awslambda import models

    function_cls: Any = getattr(models, "LambdaFunction", None)
    backend_cls: Any = getattr(models, "LambdaBackend", None)
    names = (("update_function_code", function_cls), ("update_configuration", function_cls))
    if any(not callable(getattr(owner, name, None)) for name, owner in names) or not callable(
        getattr(backend_cls, "update_alias", None)
    ):
        return "skipped: moto.awslambda.models lacks LambdaFunction.update_function_code/update_configuration or "
        "LambdaBackend.update_alias"
    original_code, original_config = function_cls.update_function_code, function_cls.update_configuration
    original_alias = backend_cls.update_alias

    def update_function_code(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = original_code(self, *args, **kwargs)
        retire_replaced(self.account_id, self.region, self.function_name)
        return answer

    def update_configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = original_config(self, *args, **kwargs)
        retire_replaced(self.account_id, self.region, self.function_name)
        return answer

    def update_alias(self: Any, name: str, function_name: str, *args: Any, **kwargs: Any) -> Any:
        answer = original_alias(self, name, function_name, *args, **kwargs)
        retire_replaced(self.account_id, self.region_name, function_name)
        return answer

    function_cls.update_function_code = update_function_code
    function_cls.update_configuration = update_configuration
    backend_cls.update_alias = update_alias
    return "applied"
