"""moto patches for the production options of a function: moto answers as AWS does where a difference would show
as Terraform drift or a failed apply. Imported by :mod:`cdktf_lambda.local.moto_entry` after its ``sys.path`` fix,
registered in its ``PATCHES``; like those, each applies only if moto still has the shape it patches, and reports
``applied`` or ``skipped: <why>``.

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
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

__all__ = ["FIDELITY_PATCHES"]

_RECURSION_PATH = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/recursion-config/?$"


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


def _lambda_function_settings() -> str:
    from moto.awslambda import models

    cls = getattr(models, "LambdaFunction", None)
    needed = ("__init__", "get_configuration", "update_configuration")
    if cls is None or not all(callable(getattr(cls, name, None)) for name in needed):
        return "skipped: moto.awslambda.models.LambdaFunction does not have the expected methods"
    original_init, original_get, original_update = cls.__init__, cls.get_configuration, cls.update_configuration

    def __init__(self, account_id, spec, region, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, account_id, spec, region, *args, **kwargs)
        self.snap_start_apply_on = (spec.get("SnapStart") or {}).get("ApplyOn") or "None"
        self.logging_config = _logging_config(spec.get("LoggingConfig"), self.function_name)

    def get_configuration(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        config = original_get(self, *args, **kwargs)
        apply_on = getattr(self, "snap_start_apply_on", "None")
        published = str(getattr(self, "version", "$LATEST")) != "$LATEST"
        status = "On" if apply_on == "PublishedVersions" and published else "Off"
        config["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": status}
        logging_config = getattr(self, "logging_config", None) or _logging_config(None, self.function_name)
        config["LoggingConfig"] = dict(logging_config)
        return config

    def update_configuration(self, config_updates, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "SnapStart" in config_updates:
            self.snap_start_apply_on = (config_updates["SnapStart"] or {}).get("ApplyOn") or "None"
        if "LoggingConfig" in config_updates:
            self.logging_config = _logging_config(config_updates["LoggingConfig"], self.function_name)
        if "EphemeralStorage" in config_updates:
            self.ephemeral_storage = config_updates["EphemeralStorage"]["Size"]
        return original_update(self, config_updates, *args, **kwargs)

    cls.__init__ = __init__
    cls.get_configuration = get_configuration
    cls.update_configuration = update_configuration
    return "applied"


def _lambda_event_invoke_config() -> str:
    from moto.awslambda import models, responses
    from moto.awslambda.exceptions import UnknownEventConfig
    from moto.core.responses import ActionResult

    response_cls = getattr(responses, "LambdaResponse", None)
    config_cls = getattr(models, "EventInvokeConfig", None)
    needed = ("put_function_event_invoke_config", "get_function_event_invoke_config")
    if response_cls is None or config_cls is None or not all(hasattr(response_cls, n) for n in needed):
        return "skipped: moto.awslambda.responses.LambdaResponse has no event invoke config methods"

    def target(self):  # type: ignore[no-untyped-def]
        """(the unqualified function, the qualifier or None, the ARN AWS reports for that qualifier)"""
        name = unquote(self.path.split("/functions/", 1)[1].split("/", 1)[0])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        function = self.backend.get_function(name)
        configs = function.__dict__.setdefault("event_invoke_configs", {})
        arn = f"{function.function_arn}:{qualifier}" if qualifier else function.function_arn
        return function, configs, qualifier, arn

    def body(config):  # type: ignore[no-untyped-def]
        return ActionResult(config.response())  # serialized by the service model, as moto's own methods are

    def put(self):  # type: ignore[no-untyped-def]
        function, configs, qualifier, arn = target(self)
        configs[qualifier] = config_cls(arn, function.last_modified, dict(self.json_body))
        return body(configs[qualifier])

    def update(self):  # type: ignore[no-untyped-def]
        function, configs, qualifier, arn = target(self)
        merged = {**(configs[qualifier].config if qualifier in configs else {}), **self.json_body}
        configs[qualifier] = config_cls(arn, function.last_modified, merged)
        return body(configs[qualifier])

    def get(self):  # type: ignore[no-untyped-def]
        _, configs, qualifier, arn = target(self)
        if qualifier not in configs:
            raise UnknownEventConfig(arn)
        return body(configs[qualifier])

    def delete(self):  # type: ignore[no-untyped-def]
        _, configs, qualifier, arn = target(self)
        if configs.pop(qualifier, None) is None:
            raise UnknownEventConfig(arn)
        return 204, {"status": 204}, "{}"

    def listing(self):  # type: ignore[no-untyped-def]
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

    response_cls = getattr(responses, "LambdaResponse", None)
    paths = getattr(urls, "url_paths", None)
    if response_cls is None or not isinstance(paths, dict) or not hasattr(response_cls, "dispatch"):
        return "skipped: moto.awslambda has no LambdaResponse.dispatch or url_paths"
    if hasattr(response_cls, "put_function_recursion_config"):
        return "skipped: moto implements the recursion config itself now"
    paths[_RECURSION_PATH] = response_cls.dispatch

    def function_of(self):  # type: ignore[no-untyped-def]
        return self.backend.get_function(unquote(self.path.split("/functions/", 1)[1].split("/", 1)[0]))

    def put(self):  # type: ignore[no-untyped-def]
        function = function_of(self)
        function.recursive_loop = self.json_body.get("RecursiveLoop") or "Terminate"
        return json.dumps({"RecursiveLoop": function.recursive_loop})

    def get(self):  # type: ignore[no-untyped-def]
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

    backend_cls = getattr(models, "LambdaBackend", None)
    needed = ("create_event_source_mapping", "update_event_source_mapping")
    if backend_cls is None or not all(callable(getattr(backend_cls, name, None)) for name in needed):
        return "skipped: moto.awslambda.models.LambdaBackend has no event source mapping methods"
    original_create, original_update = backend_cls.create_event_source_mapping, backend_cls.update_event_source_mapping

    def as_given(self, esm, function_name):  # type: ignore[no-untyped-def]
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

    def create_event_source_mapping(self, spec, *args, **kwargs):  # type: ignore[no-untyped-def]
        function_name = spec.get("FunctionName")
        return as_given(self, original_create(self, spec, *args, **kwargs), function_name)

    def update_event_source_mapping(self, uuid, spec, *args, **kwargs):  # type: ignore[no-untyped-def]
        esm = original_update(self, uuid, spec, *args, **kwargs)
        return as_given(self, esm, spec.get("FunctionName")) if "FunctionName" in spec else esm

    backend_cls.create_event_source_mapping = create_event_source_mapping
    backend_cls.update_event_source_mapping = update_event_source_mapping
    return "applied"


#: Registered in :data:`cdktf_lambda.local.moto_entry.PATCHES`.
FIDELITY_PATCHES = {
    "lambda-function-settings": _lambda_function_settings,
    "lambda-event-invoke-config": _lambda_event_invoke_config,
    "lambda-recursion-config": _lambda_recursion_config,
    "lambda-event-source-mapping-qualifier": _lambda_event_source_mapping_qualifier,
}
