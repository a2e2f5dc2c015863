"""moto patches: moto answers as AWS does where a difference would show as Terraform drift or a failed apply.

:func:`apply_patches` is called by :mod:`cdktf_lambda.emulator.entry` before moto starts. Each patch applies only if
moto still has the shape it patches, and reports ``applied`` or ``skipped: <why>`` (a moto upgrade then shows as a
note in the server's log and as drift in the lifecycle tests, never as a server that does not start).

* ``sqs-compact-redrive-policy``: ``GetQueueAttributes`` returns ``RedrivePolicy`` as compact JSON
  (``{"deadLetterTargetArn":"arn:...","maxReceiveCount":5}``) as AWS does; moto re-serializes it with ``json.dumps``
  defaults (``", "``/``": "`` separators). The aws provider's ``redrive_policy`` attribute normalizes the configured
  value but stores the API string verbatim, so moto's spacing is a whitespace-only diff on every plan, also for
  queues whose redrive policy is managed by a separate ``aws_sqs_queue_redrive_policy``.

* ``lambda-dead-letter-config``: moto (5.2) ignores ``DeadLetterConfig`` in ``CreateFunction`` /
  ``UpdateFunctionConfiguration`` and never returns it from ``GetFunction``, so a function with
  ``dead_letter_config`` re-plans an in-place update on every plan. The patch stores the ``TargetArn`` and returns it
  as AWS does (an empty ``TargetArn`` in an update removes it). Nothing is ever sent to the queue.
* ``lambda-function-settings``: moto (5.2) answers ``SnapStart: {ApplyOn: None}`` whatever was configured, never
  returns ``LoggingConfig`` and ignores ``EphemeralStorage`` in ``UpdateFunctionConfiguration``. AWS returns the
  configured ``SnapStart.ApplyOn`` (``OptimizationStatus`` ``On`` on published versions, ``Off`` on ``$LATEST``),
  ``LoggingConfig`` with its defaults (``LogFormat: Text``, ``LogGroup: /aws/lambda/<name>``, and with JSON the
  levels ``INFO``), and applies a new ephemeral storage size.
* ``lambda-event-invoke-config``: moto's ``PutFunctionEventInvokeConfig`` *appends* a config and ``Get`` returns
  the first one, and both ignore ``Qualifier``. AWS keeps one config per function and qualifier: ``Put`` replaces
  it, ``Update`` changes only the fields given, ``Get``/``Delete`` address the qualifier's config.
* ``lambda-recursion-config``: moto has no ``PutFunctionRecursionConfig``/``GetFunctionRecursionConfig``. AWS keeps
  ``RecursiveLoop`` per function, ``Terminate`` unless set.
* ``lambda-event-source-mapping-qualifier``: an event source mapping created for an alias ARN
  (``function:name:live``) reports, in moto, the ARN of the version the alias points at (``function:name:1``).
  AWS reports the function ARN as given, alias included, so the mapping keeps invoking the alias when it moves.
* ``lambda-invoke-qualifier``: moto (5.2) reads ``Invoke``'s ``Qualifier`` query parameter as ``qualifier``, which
  the SDKs never send, and then takes a ``qualifier`` key of the event itself: ``Invoke(Qualifier="1")`` ran
  ``$LATEST``, and an event with a ``qualifier`` field addressed a version of that name. AWS takes the query
  parameter only.
* ``s3-atomic-conditional-writes`` (:mod:`.fidelity_s3`): a conditional ``PutObject`` (``If-None-Match: *``,
  ``If-Match``) has exactly one winner among racing writers, as Terraform's S3 state lock needs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from cdktf_lambda.emulator.fidelity_s3 import s3_atomic_conditional_writes

__all__ = ["FIDELITY_PATCHES", "apply_patches"]

_RECURSION_PATH = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/recursion-config/?$"


def _compact_sqs_redrive_policy() -> str:
    from moto.sqs import models

    prop = getattr(models.Queue, "attributes", None)
    if not isinstance(prop, property) or prop.fget is None:
        return "skipped: moto.sqs.models.Queue.attributes is not a property"
    original = prop.fget

    def attributes(self: Any) -> Any:
        result = original(self)
        policy = getattr(self, "redrive_policy", None)
        if isinstance(policy, dict) and "RedrivePolicy" in result:
            result["RedrivePolicy"] = json.dumps(policy, separators=(",", ":"))
        return result

    models.Queue.attributes = property(attributes, doc=prop.__doc__)
    return "applied"


def _logging_config(value: Any, function_name: str) -> dict[str, str]:
    """``LoggingConfig`` as AWS returns it, defaults filled in."""
    given = value if isinstance(value, dict) else {}
    config = {
        "LogFormat": given.get("LogFormat") or "Text",
        "LogGroup": given.get("LogGroup") or f"/aws/lambda/{function_name}",
    }
    if config["LogFormat"] == "JSON":
        config["ApplicationLogLevel"] = given.get("ApplicationLogLevel") or "INFO"
        config["SystemLogLevel"] = given.get("SystemLogLevel") or "INFO"
    return config


def _lacks(owner: Any, names: tuple[str, ...]) -> bool:
    """True when moto no longer has the shape a patch expects (then the patch is skipped, not half-applied)."""
    return owner is None or not all(callable(getattr(owner, name, None)) for name in names)


def _wrap_lambda_function(on_init: Any, on_get: Any, on_update: Any) -> str:
    """Wrap ``LambdaFunction``'s constructor, ``get_configuration`` and ``update_configuration`` with hooks:
    ``on_init(function, spec)``, ``on_get(function, config)`` (changes the answer), ``on_update(function, updates)``."""
    from moto.awslambda import models

    cls: Any = getattr(models, "LambdaFunction", None)
    if _lacks(cls, ("__init__", "get_configuration", "update_configuration")):
        return "skipped: moto.awslambda.models.LambdaFunction does not have the expected methods"
    original_init, original_get, original_update = cls.__init__, cls.get_configuration, cls.update_configuration

    def __init__(self: Any, account_id: Any, spec: Any, region: Any, *args: Any, **kwargs: Any) -> Any:
        original_init(self, account_id, spec, region, *args, **kwargs)
        on_init(self, spec)

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        config = original_get(self, *args, **kwargs)
        on_get(self, config)
        return config

    def update_configuration(self: Any, config_updates: Any, *args: Any, **kwargs: Any) -> Any:
        on_update(self, config_updates)
        return original_update(self, config_updates, *args, **kwargs)

    cls.__init__ = __init__
    cls.get_configuration = get_configuration
    cls.update_configuration = update_configuration
    return "applied"


def _dead_letter_config(value: object) -> dict[str, str] | None:
    """``{"TargetArn": arn}`` as AWS keeps it; None when absent or emptied (``TargetArn: ""``)."""
    if isinstance(value, dict) and value.get("TargetArn"):
        return {"TargetArn": str(value["TargetArn"])}
    return None


def _lambda_dead_letter_config() -> str:
    def on_init(function: Any, spec: Any) -> Any:
        function.dead_letter_config = _dead_letter_config(spec.get("DeadLetterConfig"))

    def on_get(function: Any, config: Any) -> Any:
        dead_letter_config = getattr(function, "dead_letter_config", None)
        if dead_letter_config and "DeadLetterConfig" not in config:
            config["DeadLetterConfig"] = dict(dead_letter_config)

    def on_update(function: Any, updates: Any) -> Any:
        if "DeadLetterConfig" in updates:
            function.dead_letter_config = _dead_letter_config(updates["DeadLetterConfig"])

    return _wrap_lambda_function(on_init, on_get, on_update)


def _lambda_function_settings() -> str:
    def on_init(function: Any, spec: Any) -> Any:
        function.snap_start_apply_on = (spec.get("SnapStart") or {}).get("ApplyOn") or "None"
        function.logging_config = _logging_config(spec.get("LoggingConfig"), function.function_name)

    def on_get(function: Any, config: Any) -> Any:
        apply_on = getattr(function, "snap_start_apply_on", "None")
        published = str(getattr(function, "version", "$LATEST")) != "$LATEST"
        status = "On" if apply_on == "PublishedVersions" and published else "Off"
        config["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": status}
        logging_config = getattr(function, "logging_config", None) or _logging_config(None, function.function_name)
        config["LoggingConfig"] = dict(logging_config)

    def on_update(function: Any, updates: Any) -> Any:
        if "SnapStart" in updates:
            function.snap_start_apply_on = (updates["SnapStart"] or {}).get("ApplyOn") or "None"
        if "LoggingConfig" in updates:
            function.logging_config = _logging_config(updates["LoggingConfig"], function.function_name)
        if "EphemeralStorage" in updates:
            function.ephemeral_storage = updates["EphemeralStorage"]["Size"]

    return _wrap_lambda_function(on_init, on_get, on_update)


def _lambda_event_invoke_config() -> str:
    from moto.awslambda import models, responses
    from moto.awslambda.exceptions import UnknownEventConfig
    from moto.core.responses import ActionResult

    response_cls: Any = getattr(responses, "LambdaResponse", None)
    config_cls = getattr(models, "EventInvokeConfig", None)
    needed = ("put_function_event_invoke_config", "get_function_event_invoke_config")
    if config_cls is None or _lacks(response_cls, needed):
        return "skipped: moto.awslambda.responses.LambdaResponse has no event invoke config methods"

    def target(self: Any) -> Any:
        """(the unqualified function, the qualifier or None, the ARN AWS reports for that qualifier)"""
        name = unquote(self.path.split("/functions/", 1)[1].split("/", 1)[0])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        function = self.backend.get_function(name)
        configs = function.__dict__.setdefault("event_invoke_configs", {})
        arn = f"{function.function_arn}:{qualifier}" if qualifier else function.function_arn
        return function, configs, qualifier, arn

    def body(config: Any) -> Any:
        return ActionResult(config.response())  # serialized by the service model, as moto's own methods are

    def put(self: Any) -> Any:
        function, configs, qualifier, arn = target(self)
        configs[qualifier] = config_cls(arn, function.last_modified, dict(self.json_body))
        return body(configs[qualifier])

    def update(self: Any) -> Any:
        function, configs, qualifier, arn = target(self)
        merged = {**(configs[qualifier].config if qualifier in configs else {}), **self.json_body}
        configs[qualifier] = config_cls(arn, function.last_modified, merged)
        return body(configs[qualifier])

    def get(self: Any) -> Any:
        _, configs, qualifier, arn = target(self)
        if qualifier not in configs:
            raise UnknownEventConfig(arn)
        return body(configs[qualifier])

    def delete(self: Any) -> Any:
        _, configs, qualifier, arn = target(self)
        if configs.pop(qualifier, None) is None:
            raise UnknownEventConfig(arn)
        return 204, {"status": 204}, "{}"

    def listing(self: Any) -> Any:
        _, configs, _, _ = target(self)
        return ActionResult({"FunctionEventInvokeConfigs": [config.response() for config in configs.values()]})

    response_cls.put_function_event_invoke_config = put
    response_cls.update_function_event_invoke_config = update
    response_cls.get_function_event_invoke_config = get
    response_cls.delete_function_event_invoke_config = delete
    response_cls.list_function_event_invoke_configs = listing
    return "applied"


def _lambda_recursion_config() -> str:
    from moto.awslambda import responses, urls

    response_cls: Any = getattr(responses, "LambdaResponse", None)
    paths = getattr(urls, "url_paths", None)
    if not isinstance(paths, dict) or _lacks(response_cls, ("dispatch",)):
        return "skipped: moto.awslambda has no LambdaResponse.dispatch or url_paths"
    if hasattr(response_cls, "put_function_recursion_config"):
        return "skipped: moto implements the recursion config itself now"
    paths[_RECURSION_PATH] = response_cls.dispatch

    def function_of(self: Any) -> Any:
        return self.backend.get_function(unquote(self.path.split("/functions/", 1)[1].split("/", 1)[0]))

    def put(self: Any) -> Any:
        function = function_of(self)
        function.recursive_loop = self.json_body.get("RecursiveLoop") or "Terminate"
        return json.dumps({"RecursiveLoop": function.recursive_loop})

    def get(self: Any) -> Any:
        function = function_of(self)
        return json.dumps({"RecursiveLoop": getattr(function, "recursive_loop", "Terminate")})

    response_cls.put_function_recursion_config = put
    response_cls.get_function_recursion_config = get
    return "applied"


def _qualifier(function_name: str) -> str | None:
    """``live`` of ``arn:aws:lambda:r:a:function:f:live`` or of ``f:live``; ``None`` when unqualified."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        return parts[7] if len(parts) > 7 else None
    return parts[1] if len(parts) == 2 else None


def _lambda_event_source_mapping_qualifier() -> str:
    from moto.awslambda import models

    backend_cls: Any = getattr(models, "LambdaBackend", None)
    if _lacks(backend_cls, ("create_event_source_mapping", "update_event_source_mapping")):
        return "skipped: moto.awslambda.models.LambdaBackend has no event source mapping methods"
    original_create, original_update = backend_cls.create_event_source_mapping, backend_cls.update_event_source_mapping

    def as_given(self: Any, esm: Any, function_name: Any) -> Any:
        qualifier = _qualifier(str(function_name or ""))
        if esm is None or qualifier is None:
            return esm
        function = self.get_function(str(function_name))
        wanted = f"{models.make_function_arn(function.region, function.account_id, function.function_name)}:{qualifier}"
        from moto.sqs.models import sqs_backends

        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            if queue.lambda_event_source_mappings.get(esm.function_arn) is esm:
                queue.lambda_event_source_mappings[wanted] = queue.lambda_event_source_mappings.pop(esm.function_arn)
        esm.function_arn = wanted
        return esm

    def create_event_source_mapping(self: Any, spec: Any, *args: Any, **kwargs: Any) -> Any:
        function_name = spec.get("FunctionName")
        return as_given(self, original_create(self, spec, *args, **kwargs), function_name)

    def update_event_source_mapping(self: Any, uuid: Any, spec: Any, *args: Any, **kwargs: Any) -> Any:
        esm = original_update(self, uuid, spec, *args, **kwargs)
        return as_given(self, esm, spec.get("FunctionName")) if "FunctionName" in spec else esm

    backend_cls.create_event_source_mapping = create_event_source_mapping
    backend_cls.update_event_source_mapping = update_event_source_mapping
    return "applied"


def _lambda_invoke_qualifier() -> str:
    from moto.awslambda.responses import LambdaResponse

    original = getattr(LambdaResponse, "invoke", None)
    if original is None or not hasattr(LambdaResponse, "_get_param"):
        return "skipped: moto.awslambda.responses.LambdaResponse has no invoke or _get_param"

    def invoke(self: Any) -> Any:
        qualifier = self.querystring.get("Qualifier", [None])[0]
        get_param = self._get_param

        def _get_param(name: str, if_none: Any = None) -> Any:  # this request's only
            if name == "qualifier":
                return qualifier if qualifier is not None else if_none
            return get_param(name, if_none)

        self._get_param = _get_param
        return original(self)

    LambdaResponse.invoke = invoke
    return "applied"


#: Registered in :data:`cdktf_lambda.emulator.entry.PATCHES`.
FIDELITY_PATCHES = {
    "sqs-compact-redrive-policy": _compact_sqs_redrive_policy,
    "lambda-dead-letter-config": _lambda_dead_letter_config,
    "lambda-function-settings": _lambda_function_settings,
    "lambda-event-invoke-config": _lambda_event_invoke_config,
    "lambda-recursion-config": _lambda_recursion_config,
    "lambda-event-source-mapping-qualifier": _lambda_event_source_mapping_qualifier,
    "lambda-invoke-qualifier": _lambda_invoke_qualifier,
    "s3-atomic-conditional-writes": s3_atomic_conditional_writes,
}


def apply_patches() -> dict[str, str]:
    """Apply every patch of :data:`FIDELITY_PATCHES`; the outcome by name: ``applied``, ``skipped: ...`` or
    ``failed: ...``."""
    results = {}
    for name, patch in FIDELITY_PATCHES.items():
        try:
            results[name] = patch()
        except Exception as exc:  # a moto upgrade must not stop the server from starting
            results[name] = f"failed: {exc!r}"
    return results
