"""A function of a synthesized stack, typed: its configuration, layers, execution role (with the statements of its
policies) and what invokes it.

Built from the stack JSON by :func:`function_of` (through :attr:`SynthesizedStack.functions
<cdktf_lambda.testing.stack.SynthesizedStack.functions>`). A trigger is any resource that makes the function (or its
alias) run: an HTTP API integration, a function URL, an event source mapping (SQS, DynamoDB or Kinesis streams), an
EventBridge rule target or Scheduler schedule, an S3 bucket notification, an SNS subscription.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cdktf_lambda.packaging.layer_build import METADATA_KEY
from cdktf_lambda.testing.resources import Resource, references

if TYPE_CHECKING:
    from cdktf_lambda.testing.stack import SynthesizedStack

__all__ = ["Function", "Layer", "Role", "Statement", "Trigger", "TriggerKind", "function_of"]

TriggerKind = Literal[
    "http_api", "function_url", "sqs", "dynamodb_stream", "kinesis", "event_source", "schedule", "eventbridge",
    "scheduler", "s3", "sns",
]  # fmt: skip


@dataclass(frozen=True)
class Layer:
    """A layer the function attaches: one the stack builds (``resource`` set) or an external ARN (``arn``)."""

    name: str
    resource: Resource | None = None
    arn: str | None = None
    zip_path: Path | None = None

    @property
    def dependencies(self) -> Mapping[str, Any] | None:
        """How a :class:`~cdktf_lambda.DependencyLayer` was built (lock file, runtime, ...), else ``None``."""
        if self.resource is None:
            return None
        meta = self.resource.config.get("//", {}).get(METADATA_KEY)
        return meta if isinstance(meta, Mapping) else None


@dataclass(frozen=True)
class Statement:
    """One statement of a policy of the role: ``Allow``/``Deny``, its actions and resources (as synthesized)."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    policy: str = ""
    sid: str = ""

    def covers(self, action: str, resource: str | None = None) -> bool:
        """The statement names ``action`` (wildcards such as ``s3:Get*`` count) and, if given, ``resource``."""
        if not any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in self.actions):
            return False
        return resource is None or any(fnmatch.fnmatchcase(resource, pattern) for pattern in self.resources)


@dataclass(frozen=True)
class Role:
    """The function's execution role: its resource, statements of every inline policy, attached managed policies."""

    resource: Resource
    statements: tuple[Statement, ...]
    managed_policy_arns: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.resource.config.get("name", self.resource.logical_id))

    def allows(self, action: str, resource: str | None = None) -> bool:
        """An ``Allow`` statement covers ``action`` (on ``resource``) and no ``Deny`` does."""
        if any(s.effect == "Deny" and s.covers(action, resource) for s in self.statements):
            return False
        return any(s.effect == "Allow" and s.covers(action, resource) for s in self.statements)

    def grants(self, prefix: str = "") -> dict[str, set[str]]:
        """The actions allowed on each resource (actions starting with ``prefix`` only, e.g. ``"dynamodb:"``)."""
        granted: dict[str, set[str]] = {}
        for statement in self.statements:
            if statement.effect != "Allow":
                continue
            for action in statement.actions:
                if action.startswith(prefix):
                    for resource in statement.resources:
                        granted.setdefault(resource, set()).add(action)
        return granted


@dataclass(frozen=True)
class Trigger:
    """Something that invokes the function: its ``kind``, the resource that wires it, and what drives it
    (``source``: the API, queue, topic or bucket name, or the schedule expression), with ``details`` by kind
    (``routes``, ``batch_size``, ``timezone``, ``events`` ...)."""

    kind: TriggerKind
    resource: Resource
    source: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class Function:
    """An ``aws_lambda_function`` of the stack (see the module docstring); ``config`` is its JSON as synthesized."""

    resource: Resource
    construct_id: str
    function_name: str
    handler: str
    runtime: str
    architecture: str
    memory_size: int
    timeout: int
    environment: Mapping[str, str]
    layers: tuple[Layer, ...]
    role: Role | None
    triggers: tuple[Trigger, ...]
    alias: Resource | None
    log_group: Resource | None
    zip_path: Path | None

    @property
    def logical_id(self) -> str:
        return self.resource.logical_id

    @property
    def config(self) -> Mapping[str, Any]:
        return self.resource.config

    def triggered_by(self, kind: TriggerKind) -> list[Trigger]:
        """Its triggers of one ``kind``."""
        return [trigger for trigger in self.triggers if trigger.kind == kind]


# --- building it from the JSON ----------------------------------------------------------------------------------------


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block as cdktf writes it: one object, or a list of them."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return ()


class _Wiring:
    """What refers to one function: the function itself and its aliases (by type and logical id), its name."""

    def __init__(self, stack: SynthesizedStack, function: Resource) -> None:
        self.stack = stack
        self.function = function
        self.aliases = [alias for alias in stack.resources("aws_lambda_alias") if alias.refers_to(function)]
        self.keys = {(function.type, function.logical_id)} | {(a.type, a.logical_id) for a in self.aliases}
        self.name = function.config.get("function_name")

    def points_here(self, value: Any) -> bool:
        if isinstance(value, str) and self.name and value == self.name:
            return True
        return any((kind, logical_id) in self.keys for kind, logical_id, _ in references(value))

    def referenced(self, value: Any, attribute: str = "name") -> str:
        """The ``attribute`` of the resource ``value`` refers to (e.g. a queue's name), else ``value`` as text."""
        for kind, logical_id, _ in references(value):
            found = self.stack.json.get("resource", {}).get(kind, {}).get(logical_id)
            if found is not None:
                return str(found.get(attribute) or found.get("name") or f"{kind}.{logical_id}")
        return str(value)


def _http_api(wiring: _Wiring) -> Iterable[Trigger]:
    for integration in wiring.stack.resources("aws_apigatewayv2_integration"):
        if wiring.points_here(integration.config.get("integration_uri")):
            routes = [
                str(route.config.get("route_key"))
                for route in wiring.stack.resources("aws_apigatewayv2_route")
                if route.refers_to(integration)
            ]
            source = wiring.referenced(integration.config.get("api_id"))
            details = {"routes": routes, "payload_format_version": integration.config.get("payload_format_version")}
            yield Trigger("http_api", integration, source, details)
    for url in wiring.stack.resources("aws_lambda_function_url"):
        if wiring.points_here(url.config.get("function_name")):
            details = {
                "authorization_type": url.config.get("authorization_type"),
                "qualifier": url.config.get("qualifier"),
            }
            yield Trigger("function_url", url, str(url.config.get("authorization_type", "")), details)


_STREAM_KINDS: dict[str, TriggerKind] = {
    "aws_sqs_queue": "sqs",
    "aws_dynamodb_table": "dynamodb_stream",
    "aws_kinesis_stream": "kinesis",
}


def _event_sources(wiring: _Wiring) -> Iterable[Trigger]:
    for mapping in wiring.stack.resources("aws_lambda_event_source_mapping"):
        if wiring.points_here(mapping.config.get("function_name")):
            arn = mapping.config.get("event_source_arn")
            kinds = [_STREAM_KINDS[kind] for kind, _, _ in references(arn) if kind in _STREAM_KINDS]
            details = {key: value for key, value in mapping.config.items() if key not in ("//", "function_name")}
            yield Trigger(kinds[0] if kinds else "event_source", mapping, wiring.referenced(arn), details)


def _schedules(wiring: _Wiring) -> Iterable[Trigger]:
    for target in wiring.stack.resources("aws_cloudwatch_event_target"):
        if wiring.points_here(target.config.get("arn")):
            rules = [r for r in wiring.stack.resources("aws_cloudwatch_event_rule") if target.refers_to(r)]
            rule = rules[0].config if rules else {}
            expression = rule.get("schedule_expression")
            details = {
                "rule": rule.get("name"),
                "event_pattern": rule.get("event_pattern"),
                "input": target.config.get("input"),
            }
            if expression:
                yield Trigger("schedule", target, str(expression), details)
            else:
                yield Trigger("eventbridge", target, str(rule.get("name", "")), details)
    for schedule in wiring.stack.resources("aws_scheduler_schedule"):
        for block in _blocks(schedule.config.get("target")):
            if wiring.points_here(block.get("arn")):
                details = {
                    "name": schedule.config.get("name"),
                    "timezone": schedule.config.get("schedule_expression_timezone", "UTC"),
                    "input": block.get("input"),
                }
                yield Trigger("scheduler", schedule, str(schedule.config.get("schedule_expression")), details)


def _notifications(wiring: _Wiring) -> Iterable[Trigger]:
    for notification in wiring.stack.resources("aws_s3_bucket_notification"):
        for block in _blocks(notification.config.get("lambda_function")):
            if wiring.points_here(block.get("lambda_function_arn")):
                bucket = wiring.referenced(notification.config.get("bucket"), "bucket")
                details = {key: block.get(key) for key in ("events", "filter_prefix", "filter_suffix")}
                yield Trigger("s3", notification, bucket, details)
    for subscription in wiring.stack.resources("aws_sns_topic_subscription", protocol="lambda"):
        if wiring.points_here(subscription.config.get("endpoint")):
            topic = wiring.referenced(subscription.config.get("topic_arn"))
            details = {"filter_policy": subscription.config.get("filter_policy")}
            yield Trigger("sns", subscription, topic, details)


#: A statement's effect, actions, resources and sid: in an ``aws_iam_policy_document`` block, and in policy JSON.
_DATA_SOURCE_KEYS = ("effect", "actions", "resources", "sid")
_JSON_KEYS = ("Effect", "Action", "Resource", "Sid")


def _statements(blocks: Iterable[Mapping[str, Any]], name: str, keys: tuple[str, str, str, str]) -> list[Statement]:
    effect, actions, resources, sid = keys
    return [
        Statement(
            str(block.get(effect, "Allow")), _strings(block.get(actions)), _strings(block.get(resources)), name,
            str(block.get(sid, "")),
        )
        for block in blocks
    ]  # fmt: skip


def _policy_statements(stack: SynthesizedStack, policy: Any, name: str) -> list[Statement]:
    """Statements of a policy given as JSON text, or as a reference to an ``aws_iam_policy_document`` data source."""
    for kind, logical_id, _ in references(policy):
        if kind == "aws_iam_policy_document" and isinstance(policy, str) and policy.startswith("${data."):
            document = stack.json.get("data", {}).get(kind, {}).get(logical_id, {})
            return _statements(_blocks(document.get("statement")), name, _DATA_SOURCE_KEYS)
    try:
        document = json.loads(policy) if isinstance(policy, str) else policy
    except ValueError:
        return []
    if not isinstance(document, Mapping):
        return []
    return _statements(_blocks(document.get("Statement")), name, _JSON_KEYS)


def _role(stack: SynthesizedStack, function: Resource) -> Role | None:
    roles = [(kind, lid) for kind, lid, _ in references(function.config.get("role")) if kind == "aws_iam_role"]
    if not roles:
        return None
    role = stack.resource("aws_iam_role", roles[0][1])
    statements: list[Statement] = []
    for inline in _blocks(role.config.get("inline_policy")):
        statements += _policy_statements(stack, inline.get("policy"), str(inline.get("name", "")))
    for policy in stack.resources("aws_iam_role_policy"):
        if (role.type, role.logical_id) in {(k, lid) for k, lid, _ in references(policy.config.get("role"))}:
            statements += _policy_statements(stack, policy.config.get("policy"), str(policy.config.get("name", "")))
    managed = list(_strings(role.config.get("managed_policy_arns")))
    managed += [
        str(attachment.config.get("policy_arn"))
        for attachment in stack.resources("aws_iam_role_policy_attachment")
        if (role.type, role.logical_id) in {(k, lid) for k, lid, _ in references(attachment.config.get("role"))}
    ]
    return Role(role, tuple(statements), tuple(managed))


def _layers(stack: SynthesizedStack, function: Resource) -> tuple[Layer, ...]:
    layers = []
    for value in _strings(function.config.get("layers")):
        built = [lid for kind, lid, _ in references(value) if kind == "aws_lambda_layer_version"]
        if not built:
            layers.append(Layer(name=value, arn=value))
            continue
        resource = stack.resource("aws_lambda_layer_version", built[0])
        filename = resource.config.get("filename")
        zip_path = stack.directory / filename if stack.directory is not None and filename else None
        layers.append(Layer(str(resource.config.get("layer_name", built[0])), resource, zip_path=zip_path))
    return tuple(layers)


def function_of(stack: SynthesizedStack, resource: Resource) -> Function:
    """The typed view of the ``aws_lambda_function`` ``resource`` of ``stack``."""
    config = resource.config
    wiring = _Wiring(stack, resource)
    name = str(config.get("function_name", resource.logical_id))
    logging_config = _blocks(config.get("logging_config"))
    group_name = (logging_config[0].get("log_group") if logging_config else None) or f"/aws/lambda/{name}"
    groups = stack.resources("aws_cloudwatch_log_group", name=group_name)
    triggers = (*_http_api(wiring), *_event_sources(wiring), *_schedules(wiring), *_notifications(wiring))
    filename = config.get("filename")
    variables = (_blocks(config.get("environment")) or [{}])[0].get("variables") or {}
    return Function(
        resource=resource,
        construct_id=resource.construct_id,
        function_name=name,
        handler=str(config.get("handler", "")),
        runtime=str(config.get("runtime", "")),
        architecture=str((_strings(config.get("architectures")) or ("x86_64",))[0]),
        memory_size=int(config.get("memory_size", 128)),
        timeout=int(config.get("timeout", 3)),
        environment={str(key): str(value) for key, value in variables.items()},
        layers=_layers(stack, resource),
        role=_role(stack, resource),
        triggers=tuple(triggers),
        alias=wiring.aliases[0] if wiring.aliases else None,
        log_group=groups[0] if groups else None,
        zip_path=stack.directory / filename if stack.directory is not None and filename else None,
    )
