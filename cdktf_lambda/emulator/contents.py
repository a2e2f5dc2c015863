"""What exists in a local AWS emulator, by kind: proof that a ``destroy`` leaves nothing behind.

Plain boto3 calls against a moto server's endpoint (:func:`cdktf_lambda.emulator.server.aws_client`); boto3 is
imported only when a listing runs.

Examples
--------
>>> leftovers("http://127.0.0.1:5000")  # doctest: +SKIP
{'sqs_queues': ['http://127.0.0.1:5000/123456789012/jobs']}
"""

from __future__ import annotations

from typing import Any

from cdktf_lambda.emulator.server import DEFAULT_REGION, aws_client

#: Kinds reported by :func:`resource_inventory`, in order.
INVENTORY_KINDS = (
    "lambda_functions",
    "lambda_aliases",
    "lambda_layer_versions",
    "lambda_event_source_mappings",
    "iam_roles",
    "iam_policies",
    "log_groups",
    "sqs_queues",
    "dynamodb_tables",
    "apigatewayv2_apis",
    "eventbridge_rules",
    "scheduler_schedules",
    "s3_buckets",
    "s3_objects",
)


def _paginate(client: Any, op: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kwargs):
            items.extend(page.get(key, []))
    else:
        items.extend(getattr(client, op)(**kwargs).get(key, []))
    return items


def resource_inventory(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, list[str]]:
    """Names of what exists in the emulator, by kind.

    IAM policies are customer-managed ones only (``Scope=Local``): the AWS-managed policies moto preloads are
    not resources of a stack. EventBridge rules are listed on every event bus (``bus/rule`` outside the default
    bus). Aliases are per function (``function:alias``), Scheduler schedules per group (``group/name``), S3 objects
    per bucket (``bucket/key``).

    Parameters
    ----------
    endpoint_url
        The emulator, e.g. ``http://127.0.0.1:5000``.
    region
        The region to list.

    Returns
    -------
    dict[str, list[str]]
        One entry per kind of :data:`INVENTORY_KINDS`, in that order (empty lists included).
    """

    def client(service: str) -> Any:
        return aws_client(service, endpoint_url, region)

    lam = client("lambda")
    inv: dict[str, list[str]] = {}
    functions = [f["FunctionName"] for f in _paginate(lam, "list_functions", "Functions")]
    inv["lambda_functions"] = functions
    inv["lambda_aliases"] = [
        f"{name}:{alias['Name']}"
        for name in functions
        for alias in _paginate(lam, "list_aliases", "Aliases", FunctionName=name)
    ]
    layer_versions: list[str] = []
    for layer in _paginate(lam, "list_layers", "Layers"):
        for v in _paginate(lam, "list_layer_versions", "LayerVersions", LayerName=layer["LayerName"]):
            layer_versions.append(f"{layer['LayerName']}:{v['Version']}")
    inv["lambda_layer_versions"] = layer_versions
    inv["lambda_event_source_mappings"] = [
        f"{m['UUID']} ({m.get('EventSourceArn', '?')})"
        for m in _paginate(lam, "list_event_source_mappings", "EventSourceMappings")
    ]
    iam = client("iam")
    inv["iam_roles"] = [r["RoleName"] for r in _paginate(iam, "list_roles", "Roles")]
    inv["iam_policies"] = [p["Arn"] for p in _paginate(iam, "list_policies", "Policies", Scope="Local")]
    logs = client("logs")
    inv["log_groups"] = [g["logGroupName"] for g in _paginate(logs, "describe_log_groups", "logGroups")]
    inv["sqs_queues"] = list(client("sqs").list_queues().get("QueueUrls", []))
    inv["dynamodb_tables"] = _paginate(client("dynamodb"), "list_tables", "TableNames")
    inv["apigatewayv2_apis"] = [
        f"{a['Name']} ({a['ApiId']})" for a in _paginate(client("apigatewayv2"), "get_apis", "Items")
    ]
    events = client("events")
    rules: list[str] = []
    for bus in events.list_event_buses().get("EventBuses", []):
        for rule in _paginate(events, "list_rules", "Rules", EventBusName=bus["Name"]):
            rules.append(rule["Name"] if bus["Name"] == "default" else f"{bus['Name']}/{rule['Name']}")
    inv["eventbridge_rules"] = rules
    scheduler = client("scheduler")
    inv["scheduler_schedules"] = [
        f"{s['GroupName']}/{s['Name']}" for s in _paginate(scheduler, "list_schedules", "Schedules")
    ]
    s3 = client("s3")
    buckets = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    inv["s3_buckets"] = buckets
    inv["s3_objects"] = [
        f"{bucket}/{o['Key']}"
        for bucket in buckets
        for o in _paginate(s3, "list_objects_v2", "Contents", Bucket=bucket)
    ]
    return inv


def resource_counts(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, int]:
    """Number of resources by kind of :func:`resource_inventory`; all zero after a clean ``destroy``."""
    return {kind: len(names) for kind, names in resource_inventory(endpoint_url, region).items()}


def leftovers(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, list[str]]:
    """Only the non-empty kinds of :func:`resource_inventory` (``{}`` when nothing is left)."""
    return {k: v for k, v in resource_inventory(endpoint_url, region).items() if v}
