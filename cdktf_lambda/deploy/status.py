"""``cdktf-lambda local status | logs | fire | env``: look at and drive a running local cloud (no jsii, no node).

``status --json`` prints ``{"running", "project_dir", "endpoint_url", "pid", "log_path", "http_apis": {name: url},
"function_urls": {name: url}, "outputs": {stack: {name: value}}, "schedules": [...], "invocations": {...}}``
(exit status 3 when the local cloud is not running).
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from typing import IO, Any

from cdktf_lambda.deploy.local import format_endpoints, format_outputs, local_api
from cdktf_lambda.deploy.mirror import env_delta
from cdktf_lambda.deploy.workspace import Workspace
from cdktf_lambda.emulator.server import MotoServer, aws_client

__all__ = ["env", "fire", "logs", "resolve_function", "status", "status_info"]

NOT_RUNNING = 3


def _running(workspace: Workspace, out: IO[str]) -> MotoServer | None:
    server = workspace.server()
    if server is None:
        print(f"the local cloud of {workspace.project_dir} is not running: `cdktf-lambda local up` starts it", file=out)
    return server


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
    )
    return info


def status(workspace: Workspace, *, as_json: bool = False, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    info = status_info(workspace)
    if as_json:
        print(json.dumps(info, indent=2), file=out)
        return 0 if info["running"] else NOT_RUNNING
    if not info["running"]:
        _running(workspace, out)
        return NOT_RUNNING
    print(f"local cloud: running at {info['endpoint_url']} (pid {info['pid']}, log {info['log_path']})", file=out)
    print(f"\nLocal endpoints:\n{format_endpoints(info)}", file=out)
    if info["schedules"]:
        print("\nSchedules:", file=out)
        for item in info["schedules"]:
            state = f"next {item['next']}" if item["enabled"] else "disabled"
            print(f"  {item['name']}  {item['expression']}  {state}", file=out)
    print(f"\nFunctions: {', '.join(info['functions']) or '(none)'}; invocations: {info['invocations']}", file=out)
    if info["outputs"]:
        print(f"\nOutputs:\n{format_outputs(info['outputs'])}", file=out)
    return 0


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


def logs(
    workspace: Workspace,
    function: str,
    *,
    follow: bool = False,
    since: str | None = None,
    out: IO[str] | None = None,
) -> int:
    """Print the function's CloudWatch log in the local cloud (``follow``: keep printing new lines)."""
    out = out or sys.stdout
    server = _running(workspace, out)
    if server is None:
        return NOT_RUNNING
    lam, cloudwatch = aws_client("lambda", server.endpoint_url), aws_client("logs", server.endpoint_url)
    names = [fn["FunctionName"] for page in lam.get_paginator("list_functions").paginate() for fn in page["Functions"]]
    try:
        name = resolve_function(function, names)
    except LookupError as exc:
        print(f"cdktf-lambda: {exc}", file=sys.stderr)
        return 2
    config = lam.get_function_configuration(FunctionName=name)
    group = (config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
    start, seen = _since(since), set()
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
                print(event["message"], file=out, flush=True)
        if not follow:
            return 0
        time.sleep(1)


def fire(workspace: Workspace, name: str, *, wait: float = 30.0, out: IO[str] | None = None) -> int:
    """Fire the rule or schedule ``name`` now; with ``wait``, report how its invocations ended."""
    out = out or sys.stdout
    server = _running(workspace, out)
    if server is None:
        return NOT_RUNNING
    from urllib.parse import quote

    answer = local_api(server, f"fire?name={quote(name)}&wait={wait}", method="POST", timeout=wait + 30)
    if "fired" not in answer:
        print(f"cdktf-lambda: {answer.get('error', answer)}", file=sys.stderr)
        return 2
    failed = False
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
        print(line, file=out)
    return 1 if failed else 0


def env(workspace: Workspace, *, fmt: str = "shell", out: IO[str] | None = None) -> int:
    """Print the variables that point the AWS CLI, boto3 and Terraform at the local cloud."""
    out = out or sys.stdout
    server = _running(workspace, sys.stderr)
    if server is None:
        return NOT_RUNNING
    delta = env_delta(workspace.env(server))
    delta.pop("PATH", None)
    if fmt == "json":
        print(json.dumps({k: v for k, v in delta.items() if v is not None}, indent=2, sort_keys=True), file=out)
        return 0
    for key, value in delta.items():
        if fmt == "dotenv":
            if value is not None:
                print(f"{key}={value}", file=out)
        else:
            print(f"unset {key}" if value is None else f"export {key}={shlex.quote(value)}", file=out)
    return 0
