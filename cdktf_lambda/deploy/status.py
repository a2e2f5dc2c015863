"""``cdktf-lambda local status | logs | fire | env``: look at and drive a running local cloud (no jsii, no node).

Each command returns an :class:`~cdktf_lambda.deploy.local.Outcome`: the exit status and the lines the CLI prints
(``logs --follow``: a generator that does not end). Why a command failed is logged (``cdktf_lambda.deploy``).

``status --json`` prints ``{"running", "project_dir", "endpoint_url", "pid", "log_path", "http_apis": {name: url},
"function_urls": {name: url}, "outputs": {stack: {name: value}}, "schedules": [...], "invocations": {...},
"iam": {"enforced", "checks", "denied"}, "event_source_mappings": [{..., "last_processing_result"}]}``
(exit status 3 when the local cloud is not running).
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Iterator
from typing import Any

from cdktf_lambda import settings
from cdktf_lambda.deploy.local import Outcome, format_endpoints, format_outputs, local_api
from cdktf_lambda.deploy.mirror import env_delta
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator.server import aws_client
from cdktf_lambda.logs import room_logger

__all__ = ["env", "fire", "logs", "resolve_function", "status", "status_info", "status_text"]

log = room_logger(__name__)

NOT_RUNNING = 3


def _not_running(workspace: Workspace) -> Outcome:
    log.error("the local cloud of %s is not running: `cdktf-lambda local up` starts it", workspace.project_dir)
    return Outcome(NOT_RUNNING)


def status_info(workspace: Workspace) -> dict[str, Any]:
    """What ``status --json`` prints."""
    server = workspace.server()
    info: dict[str, Any] = {"running": server is not None, "project_dir": str(workspace.project_dir)}
    if server is None:
        return info
    inventory = local_api(server, "inventory")
    try:
        outputs = json.loads(workspace.outputs_file.read_text())
    except (OSError, ValueError):
        outputs = {}
    info.update(
        endpoint_url=server.endpoint_url,
        pid=server.pid,
        log_path=server.log_path,
        http_apis=inventory.get("http_apis", {}),
        function_urls=inventory.get("function_urls", {}),
        outputs=outputs,
        schedules=inventory.get("schedules", []),
        functions=[fn["name"] for fn in inventory.get("functions", [])],
        invocations=inventory.get("invocations", {}),
        iam=inventory.get("iam", {}),
        event_source_mappings=inventory.get("event_source_mappings", []),
    )
    return info


def status_text(info: dict[str, Any]) -> str:
    """What ``status`` prints for a running local cloud's :func:`status_info`."""
    lines = [f"local cloud: running at {info['endpoint_url']} (pid {info['pid']}, log {info['log_path']})"]
    lines.append(f"\nLocal endpoints:\n{format_endpoints(info)}")
    if info["schedules"]:
        lines.append("\nSchedules:")
        for item in info["schedules"]:
            state = f"next {item['next']}" if item["enabled"] else "disabled"
            lines.append(f"  {item['name']}  {item['expression']}  {state}")
    lines.append(f"\nFunctions: {', '.join(info['functions']) or '(none)'}; invocations: {info['invocations']}")
    lines.append(iam_text(info.get("iam") or {}))
    for mapping in info.get("event_source_mappings", []):
        if str(mapping.get("last_processing_result") or "").startswith("PROBLEM"):
            lines.append(f"  {mapping['queue']} -> {mapping['function']}: {mapping['last_processing_result']}")
    if info["outputs"]:
        lines.append(f"\nOutputs:\n{format_outputs(info['outputs'])}")
    return "\n".join(lines)


def iam_text(iam: dict[str, Any]) -> str:
    """The line of ``status`` that says whether the local cloud enforces IAM."""
    switch = settings.LOCAL_IAM.name
    if iam.get("enforced"):
        counts = f"{iam.get('checks', 0)} checks, {iam.get('denied', 0)} denied"
        return f"IAM: enforced, functions act with their roles ({counts}; {switch}=0 at `local up` turns it off)"
    return f"IAM: not enforced, functions may do anything ({switch}=0)"


def status(workspace: Workspace, *, as_json: bool = False) -> Outcome:
    """What runs where (``as_json``: :func:`status_info` as JSON, also when the local cloud is not running)."""
    info = status_info(workspace)
    if as_json:
        return Outcome(0 if info["running"] else NOT_RUNNING, [json.dumps(info, indent=2)])
    if not info["running"]:
        return _not_running(workspace)
    return Outcome(0, [status_text(info)])


def resolve_function(name: str, names: list[str]) -> str:
    """The deployed function ``name`` means: its name, or a construct id (``api_server`` → ``*-api-server``).

    Raises
    ------
    LookupError
        No function, or several, match (the message lists the functions).
    """
    if name in names:
        return name
    suffix = "-" + name.replace("_", "-")
    matches = [candidate for candidate in names if candidate.endswith(suffix)]
    if len(matches) == 1:
        return matches[0]
    what = "several functions match" if matches else "no function matches"
    raise LookupError(f"{what} {name!r}; deployed: {', '.join(sorted(names)) or '(none)'}")


def _since(text: str | None) -> int | None:
    """``10m`` → the epoch milliseconds 10 minutes ago (units s, m, h, d)."""
    if not text:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    amount, unit = (text[:-1], text[-1]) if text[-1] in units else (text, "s")
    if not amount.isdigit():
        raise ValueError(f"--since {text!r}: expected a number of seconds or e.g. 10m, 2h, 1d")
    return int((time.time() - int(amount) * units[unit]) * 1000)


def logs(workspace: Workspace, function: str, *, follow: bool = False, since: str | None = None) -> Outcome:
    """The function's CloudWatch log in the local cloud, line by line (``follow``: then each new line, endlessly)."""
    server = workspace.server()
    if server is None:
        return _not_running(workspace)
    lam, cloudwatch = aws_client("lambda", server.endpoint_url), aws_client("logs", server.endpoint_url)
    names = [fn["FunctionName"] for page in lam.get_paginator("list_functions").paginate() for fn in page["Functions"]]
    try:
        name = resolve_function(function, names)
    except LookupError as exc:
        log.error("%s", exc)
        return Outcome(2)
    config = lam.get_function_configuration(FunctionName=name)
    group = (config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
    return Outcome(0, _log_lines(cloudwatch, group, _since(since), follow))


def _log_lines(cloudwatch: Any, group: str, start: int | None, follow: bool) -> Iterator[str]:
    seen = set()
    while True:
        kwargs: dict[str, Any] = {"logGroupName": group, **({"startTime": start} if start else {})}
        try:
            events = [
                e for page in cloudwatch.get_paginator("filter_log_events").paginate(**kwargs) for e in page["events"]
            ]
        except cloudwatch.exceptions.ResourceNotFoundException:
            events = []
        for event in sorted(events, key=lambda e: (e["timestamp"], e.get("eventId", ""))):
            key = (event["logStreamName"], event.get("eventId"), event["timestamp"], event["message"])
            if key not in seen:
                seen.add(key)
                yield event["message"]
        if not follow:
            return
        time.sleep(1)


def fire(workspace: Workspace, name: str, *, wait: float = 30.0) -> Outcome:
    """Fire the rule or schedule ``name`` now; with ``wait``, one line per invocation saying how it ended."""
    server = workspace.server()
    if server is None:
        return _not_running(workspace)
    from urllib.parse import quote

    answer = local_api(server, f"fire?name={quote(name)}&wait={wait}", method="POST", timeout=wait + 30)
    if "fired" not in answer:
        log.error("%s", answer.get("error", answer))
        return Outcome(2)
    failed = False
    lines = []
    for record in answer["fired"]:
        line = f"fired {record['source']} -> {record['target']}"
        if "request_id" in record:
            line += f" (request {record['request_id']})"
        if record.get("error"):
            line, failed = line + f": {record['error']}", True
        elif "finished" in record:
            if not record["finished"]:
                line += f": still running after {wait:.0f} s"
            elif record.get("condition"):
                line, failed = line + f": failed ({record['condition']}, {record['attempts']} attempts)", True
            else:
                line += f": ok\n{json.dumps(record.get('response'), indent=2)}"
        lines.append(line)
    return Outcome(1 if failed else 0, lines)


def env(workspace: Workspace, *, fmt: str = "shell") -> Outcome:
    """The variables that point the AWS CLI, boto3 and Terraform at the local cloud (``shell``, ``dotenv``,
    ``json``)."""
    server = workspace.server()
    if server is None:
        return _not_running(workspace)
    delta = env_delta(workspace.env(server))
    delta.pop("PATH", None)
    if fmt == "json":
        return Outcome(0, [json.dumps({k: v for k, v in delta.items() if v is not None}, indent=2, sort_keys=True)])
    if fmt == "dotenv":
        return Outcome(0, [f"{key}={value}" for key, value in delta.items() if value is not None])
    return Outcome(
        0, ["unset " + key if value is None else f"export {key}={shlex.quote(value)}" for key, value in delta.items()]
    )
