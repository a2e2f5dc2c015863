"""What an AWS request asks for, in IAM's terms: :func:`requested` names its actions and the resource of each.

AWS authorizes a request as one or more (action, resource ARN) pairs. :class:`Call` is the request as a server saw
it (service prefix, operation, parameters, path and query, the account and region of its credentials);
:func:`requested` answers, per service:

=============  ==========================================================================================
dynamodb       ``table/T``; ``table/T/index/I`` for a ``Query``/``Scan`` of an index; one pair per table of
               ``BatchGetItem``/``BatchWriteItem``; one per item of ``TransactGetItems``/``TransactWriteItems``
               (``Put`` -> ``dynamodb:PutItem`` ...)
sqs            the queue of ``QueueUrl`` (or ``QueueName``); ``*Batch`` is authorized as its single action
s3             ``bucket`` or ``bucket/key``, as the S3 server names it (``moto_resource``)
lambda         ``function:F`` or ``function:F:Q`` (name, partial or full ARN, ``Qualifier``); ``Invoke`` is
               ``lambda:InvokeFunction``; layers ``layer:L[:V]``
sns            ``TopicArn``/``TargetArn``; ``CreateTopic`` the topic it creates; ``PublishBatch`` is ``Publish``
logs           ``log-group:G`` and ``log-group:G:log-stream:S``
events         ``PutEvents``: ``event-bus/B`` per bus of its entries; rules ``rule/[B/]R``
scheduler      ``schedule/G/N``, ``schedule-group/G``
sts, iam       ``AssumeRole``: the role; IAM: the role, user or policy named
ssm            ``parameter/P``; kinesis ``stream/S``; states the state machine or execution;
               secretsmanager the secret's ARN (a name: ``secret:N-??????``); kms ``key/K``, ``alias/A``
=============  ==========================================================================================

A resource that cannot be named from the request is None: the caller evaluates it on ``*`` (and says so). Actions
AWS itself authorizes on ``*`` only (``sts:GetCallerIdentity`` needs no permission at all; X-Ray, CloudWatch metrics,
``List*`` of most services) are :data:`RESOURCELESS`: ``*`` is their name, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RESOURCELESS", "Call", "requested"]

#: Services whose actions support no resource-level permission (evaluated on ``*``, as AWS does).
RESOURCELESS = frozenset({"xray", "cloudwatch", "ec2", "tag"})

_SINGLE = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage", "PublishBatch": "Publish"}
_SINGLE["ChangeMessageVisibilityBatch"] = "ChangeMessageVisibility"
_LAMBDA = {"Invoke": "InvokeFunction", "InvokeAsync": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction"}
_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_TRANSACT["Get"] = "GetItem"
_RULE_OPERATIONS = {"PutRule", "DescribeRule", "DeleteRule", "EnableRule", "DisableRule"}

Pair = tuple[str, str | None]
Namer = Callable[["Call", str], list[Pair]]


@dataclass(frozen=True)
class Call:
    """One request: ``service`` is the IAM prefix (``dynamodb``), ``operation`` the API name (``PutItem``)."""

    service: str
    operation: str
    account: str
    region: str
    partition: str = "aws"
    params: Mapping[str, Any] = field(default_factory=dict)
    path: str = "/"
    query: Mapping[str, str] = field(default_factory=dict)
    #: What the server named itself (S3: ``arn:aws:s3:::bucket/key``), or ``*``.
    moto_resource: str = "*"

    @property
    def base(self) -> str:
        """``arn:aws:SERVICE:REGION:ACCOUNT``."""
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}"

    def param(self, *names: str) -> str | None:
        """The first of ``names`` in the parameters or the query string."""
        for name in names:
            value = self.params.get(name) or self.query.get(name)
            if value:
                return str(value)
        return None


def requested(call: Call) -> list[Pair]:
    """The (action, resource ARN or None) pairs ``call`` is authorized as (see the module docstring)."""
    namer = _NAMERS.get(call.service)
    operation = _SINGLE.get(call.operation, call.operation)
    if namer is None:
        return [(f"{call.service}:{operation}", "*" if call.service in RESOURCELESS else None)]
    return namer(call, operation)


def _table(call: Call, name: Any) -> str | None:
    if not name:
        return None
    return str(name) if str(name).startswith("arn:") else f"{call.base}:table/{name}"


def _dynamodb(call: Call, operation: str) -> list[Pair]:
    items = call.params.get("RequestItems")
    if operation in ("BatchGetItem", "BatchWriteItem") and isinstance(items, dict):
        return [(f"dynamodb:{operation}", _table(call, table)) for table in items] or [(f"dynamodb:{operation}", None)]
    if operation in ("TransactGetItems", "TransactWriteItems"):
        pairs = [
            (f"dynamodb:{_TRANSACT.get(kind, kind)}", _table(call, (body or {}).get("TableName")))
            for item in call.params.get("TransactItems") or []
            for kind, body in item.items()
        ]
        return pairs or [(f"dynamodb:{operation}", None)]
    table = _table(call, call.param("TableName", "TableArn", "ResourceArn", "StreamArn"))
    index = call.param("IndexName")
    if table and index and operation in ("Query", "Scan"):
        table += f"/index/{index}"
    return [(f"dynamodb:{operation}", table)]


def _sqs(call: Call, operation: str) -> list[Pair]:
    url, name = call.param("QueueUrl"), call.param("QueueName")
    if url:
        parts = re.sub(r"^[a-z]+://[^/]+", "", url).strip("/").split("/")
        owner, name = (parts[-2], parts[-1]) if len(parts) > 1 else (call.account, parts[-1])
    else:
        owner = call.param("QueueOwnerAWSAccountId") or call.account
    if not name:
        return [(f"sqs:{operation}", "*" if operation == "ListQueues" else None)]
    return [(f"sqs:{operation}", f"arn:{call.partition}:sqs:{call.region}:{owner}:{name}")]


def _s3(call: Call, operation: str) -> list[Pair]:
    if operation in ("ListAllMyBuckets", "ListBuckets"):
        return [("s3:ListAllMyBuckets", "*")]
    return [(f"s3:{operation}", call.moto_resource if call.moto_resource != "*" else None)]


def _lambda(call: Call, operation: str) -> list[Pair]:
    action = f"lambda:{_LAMBDA.get(operation, operation)}"
    layer = re.search(r"/layers/([^/]+)(?:/versions/(\d+))?", call.path)
    if layer:
        version = f":{layer.group(2)}" if layer.group(2) else ""
        return [(action, f"{call.base}:layer:{layer.group(1)}{version}")]
    found = re.search(r"/functions/([^/]+)", call.path)
    if not found:
        return [(action, "*" if operation.startswith("List") else None)]
    name, qualifier = found.group(1), call.param("Qualifier")
    if name.startswith("arn:"):
        bits = name.split(":")
        name, qualifier = bits[6], bits[7] if len(bits) > 7 else qualifier
    elif ":" in name:
        name, qualifier = name.split(":", 1)
    suffix = f":{qualifier}" if qualifier and qualifier != "$LATEST" else ""
    return [(action, f"{call.base}:function:{name}{suffix}")]


def _sns(call: Call, operation: str) -> list[Pair]:
    arn = call.param("TopicArn", "TargetArn", "ResourceArn")
    if not arn and operation == "CreateTopic" and call.param("Name"):
        arn = f"{call.base}:{call.param('Name')}"
    return [(f"sns:{operation}", arn or ("*" if operation.startswith("List") else None))]


def _logs(call: Call, operation: str) -> list[Pair]:
    group = call.param("logGroupName")
    identifier = call.param("logGroupIdentifier", "resourceArn")
    if not group and identifier:
        group = identifier.split(":log-group:")[-1].removesuffix(":*")
    if not group:
        return [(f"logs:{operation}", "*" if operation.startswith("Describe") else None)]
    arn = f"{call.base}:log-group:{group}"
    stream = call.param("logStreamName")
    return [(f"logs:{operation}", f"{arn}:log-stream:{stream}" if stream else arn)]


def _events(call: Call, operation: str) -> list[Pair]:
    if operation == "PutEvents":
        entries = call.params.get("Entries") or []
        buses = sorted({str(entry.get("EventBusName") or "default") for entry in entries}) or ["default"]
        return [("events:PutEvents", b if b.startswith("arn:") else f"{call.base}:event-bus/{b}") for b in buses]
    bus = call.param("EventBusName") or "default"
    rule = call.param("Rule") or (call.param("Name") if operation in _RULE_OPERATIONS else None)
    if rule:
        where = rule if bus == "default" else f"{bus}/{rule}"
        return [(f"events:{operation}", f"{call.base}:rule/{where}")]
    return [(f"events:{operation}", "*" if operation.startswith("List") else None)]


def _scheduler(call: Call, operation: str) -> list[Pair]:
    schedule = re.search(r"/schedules/([^/?]+)", call.path)
    group = re.search(r"/schedule-groups/([^/?]+)", call.path)
    if schedule:
        name = call.param("GroupName", "groupName") or "default"
        return [(f"scheduler:{operation}", f"{call.base}:schedule/{name}/{schedule.group(1)}")]
    if group:
        return [(f"scheduler:{operation}", f"{call.base}:schedule-group/{group.group(1)}")]
    return [(f"scheduler:{operation}", "*" if operation.startswith("List") else None)]


def _sts(call: Call, operation: str) -> list[Pair]:
    return [(f"sts:{operation}", call.param("RoleArn") or "*")]


def _iam(call: Call, operation: str) -> list[Pair]:
    base = f"arn:{call.partition}:iam::{call.account}"
    role, user, policy = call.param("RoleName"), call.param("UserName"), call.param("PolicyArn")
    arn = f"{base}:role/{role}" if role else f"{base}:user/{user}" if user else policy
    return [(f"iam:{operation}", arn or ("*" if operation.startswith("List") else None))]


def _ssm(call: Call, operation: str) -> list[Pair]:
    names = call.params.get("Names") or ([call.param("Name", "Path")] if call.param("Name", "Path") else [])
    pairs: list[Pair] = [
        (f"ssm:{operation}", str(n) if str(n).startswith("arn:") else f"{call.base}:parameter/{str(n).lstrip('/')}")
        for n in names
    ]
    return pairs or [(f"ssm:{operation}", "*" if operation.startswith("Describe") else None)]


def _by_name(kind: str, *params: str) -> Namer:
    def name(call: Call, operation: str) -> list[Pair]:
        value = call.param(*params)
        if not value:
            return [(f"{call.service}:{operation}", "*" if operation.startswith("List") else None)]
        if value.startswith("arn:"):
            return [(f"{call.service}:{operation}", value)]
        if kind == "secret":
            return [(f"{call.service}:{operation}", f"{call.base}:secret:{value}-??????")]
        if kind == "key" and value.startswith("alias/"):
            return [(f"{call.service}:{operation}", f"{call.base}:{value}")]
        return [(f"{call.service}:{operation}", f"{call.base}:{kind}/{value}")]

    return name


_NAMERS: dict[str, Namer] = {
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "s3": _s3,
    "lambda": _lambda,
    "sns": _sns,
    "logs": _logs,
    "events": _events,
    "scheduler": _scheduler,
    "sts": _sts,
    "iam": _iam,
    "ssm": _ssm,
    "kinesis": _by_name("stream", "StreamARN", "StreamName"),
    "states": _by_name("stateMachine", "stateMachineArn", "executionArn"),
    "secretsmanager": _by_name("secret", "SecretId", "ARN"),
    "kms": _by_name("key", "KeyId"),
}
