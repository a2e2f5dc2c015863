"""IAM enforced in the local cloud: functions act with their roles, as on AWS (:func:`install`).

With :data:`~cdktf_lambda.settings.LOCAL_IAM` on (the default):

* every function gets the credentials of a session of its execution role (:mod:`.principals`); each AWS call made
  with them is evaluated against the role's policies and a denial answers as the service would (:mod:`.gate`);
* the services' own principals are checked (:mod:`.services`): SQS pollers, destinations, dead-letter queues and log
  writes use the function's role, HTTP APIs, function URLs and EventBridge rules need the function's resource-based
  policy, Scheduler uses the schedule's role;
* Lambda refuses, as AWS does, a function whose role does not trust ``lambda.amazonaws.com``
  (``InvalidParameterValueException``), and an SQS event source mapping whose function's role may not read the
  queue.

Any other credentials (Terraform's, the CLI's, the test keys) stay an administrator's. The policy logic itself is
plain Python: :mod:`cdktf_lambda.iam`.
"""

from __future__ import annotations

from typing import Any

from cdktf_lambda.emulator.cloud.iam import gate, principals
from cdktf_lambda.emulator.cloud.iam.services import enforcing, poll_problem, set_enforcing
from cdktf_lambda.iam.services import NOT_ASSUMABLE

__all__ = ["install", "status"]


def _lambda_error(message: str) -> Exception:
    from moto.awslambda.exceptions import InvalidParameterValueException

    error: Exception = InvalidParameterValueException(message)
    return error


def _check_trust_on_create() -> None:
    """``CreateFunction``: the role must trust ``lambda.amazonaws.com``."""
    from moto.awslambda.models import LambdaStorage

    original = LambdaStorage.put_function

    def put_function(self: Any, fn: Any) -> None:
        if enforcing() and not principals.trusts(str(fn.role), "lambda.amazonaws.com"):
            raise _lambda_error(NOT_ASSUMABLE)
        original(self, fn)

    LambdaStorage.put_function = put_function


def _check_mapping_on_create() -> None:
    """``CreateEventSourceMapping`` of an SQS queue: the function's role must be able to poll it."""
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.create_event_source_mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        source = str(spec.get("EventSourceArn") or "")
        if enforcing() and source.split(":")[2:3] == ["sqs"] and spec.get("FunctionName"):
            fn = self.get_function(spec["FunctionName"])
            problem = poll_problem(fn, source)
            if problem:
                raise _lambda_error(problem)
        return original(self, spec)

    LambdaBackend.create_event_source_mapping = create_event_source_mapping


def install(enabled: bool) -> str:
    """Put the checks in place and enforce IAM in this moto process if ``enabled`` (:func:`enforce` switches it
    later); ``applied``, ``off`` or why not."""
    outcome = gate.install()
    if outcome != "applied":
        return outcome
    _check_trust_on_create()
    _check_mapping_on_create()
    set_enforcing(enabled)
    return "applied" if enabled else "off"


def status() -> dict[str, Any]:
    """``{"enforced": bool, "checks": n, "denied": n}`` for ``local status``."""
    return {"enforced": enforcing(), **{key: principals.COUNTS[key] for key in ("checks", "denied")}}


def enforce(value: str) -> tuple[int, dict[str, Any]]:
    """``POST /_local/iam?enforce=1|0``: enforce IAM from now on, or stop (``make bench`` compares both); the
    :func:`status`."""
    if value not in ("0", "1"):
        return 400, {"error": "enforce=1 or enforce=0"}
    set_enforcing(value == "1")
    return 200, status()
