"""A moto server (fake AWS) as a subprocess on 127.0.0.1, managed by PID.

* :func:`start_server` / :func:`stop_server` -- one server, in-process handle.
* :func:`running_server` -- context manager that always stops the server.
* :func:`start` / :func:`stop` / :func:`status` -- the same, persisted in a JSON state
  file (pid, port, log path) so one command can leave the server running and a later
  one can stop it (``make deploy-local`` / ``make destroy-local``).
* :func:`resource_inventory` / :func:`resource_counts` -- what exists in the server
  (used to assert that ``destroy`` leaves nothing behind); :func:`reset` wipes it.

Only loopback addresses are ever used.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.terraform_cli import DEFAULT_REGION, TEST_AWS_ENV, tail

DEFAULT_HOST = "127.0.0.1"

#: Environment for the moto process. AWS-managed IAM policies (e.g.
#: ``arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole``) are not
#: loaded by moto unless asked; without them ``aws_iam_role_policy_attachment`` of a
#: managed policy fails with ``NoSuchEntity``.
DEFAULT_MOTO_ENV = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}

#: Script run as the server process: ``moto.server`` plus AWS-fidelity patches.
ENTRY_SCRIPT = Path(__file__).resolve().with_name("moto_entry.py")
WATCH_PID_ENV_VAR = "CDKTF_LAMBDA_MOTO_WATCH_PID"  # read by moto_entry.py

# An opener that never uses a proxy: health checks go straight to loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class MotoServerError(RuntimeError):
    """The moto server could not be started, reached or stopped."""


@dataclass
class MotoServer:
    """Handle of a running (or recorded) moto server process."""

    pid: int
    port: int
    host: str = DEFAULT_HOST
    log_path: str | None = None
    started_at: float = 0.0
    _proc: subprocess.Popen | None = field(default=None, repr=False, compare=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def is_alive(self) -> bool:
        """The process exists (and is not a zombie)."""
        if self._proc is not None:
            return self._proc.poll() is None
        return pid_alive(self.pid)

    def gone_reason(self) -> str | None:
        """None while the server process runs; else why not, naming the endpoint.

        Meant for ``run_terraform(..., abort_if=server.gone_reason)``: terraform is stopped as soon as the
        server dies instead of retrying a dead endpoint for a minute.
        """
        if self.is_alive():
            return None
        return f"the moto server at {self.endpoint_url} (pid {self.pid}) is not running any more"

    def answers(self, timeout: float = 1.0) -> bool:
        """The server responds on its port."""
        return ping(self.endpoint_url, timeout=timeout)

    def log_tail(self, n: int = 30) -> str:
        if not self.log_path:
            return "(no log file)"
        try:
            return tail(Path(self.log_path).read_text(errors="replace"), n)
        except OSError as exc:
            return f"(log unreadable: {exc})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "port": self.port,
            "host": self.host,
            "endpoint_url": self.endpoint_url,
            "log_path": self.log_path,
            "started_at": self.started_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MotoServer:
        return cls(
            pid=int(data["pid"]),
            port=int(data["port"]),
            host=str(data.get("host", DEFAULT_HOST)),
            log_path=data.get("log_path"),
            started_at=float(data.get("started_at", 0.0)),
        )


# ------------------------------------------------------------------ process helpers


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"moto must only listen on a loopback address, not {host!r}")


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is currently free on ``host``."""
    _check_loopback(host)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = DEFAULT_HOST) -> bool:
    """Nothing is listening on ``host:port`` (and it can be bound).

    ``SO_REUSEADDR`` as a server sets it: connections the stopped server closed linger in TIME_WAIT for a minute,
    which would make a plain ``bind`` fail although nothing listens any more (on Linux a listening socket still
    blocks the bind).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def pid_alive(pid: int) -> bool:
    """A process with ``pid`` exists and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs: trust kill(0)
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def pid_is_moto(pid: int) -> bool:
    """The process ``pid`` runs a moto server (guards against a recycled PID)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return pid_alive(pid) and not Path("/proc").is_dir()
    return any(mark in cmdline for mark in ("moto_entry.py", "moto.server", "moto_server"))


def ping(endpoint_url: str, timeout: float = 1.0) -> bool:
    """True if a moto server answers at ``endpoint_url``."""
    try:
        with _OPENER.open(f"{endpoint_url}/moto-api/", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


# ----------------------------------------------------------------- start and stop


def start_server(
    *,
    port: int | None = None,
    host: str = DEFAULT_HOST,
    log_path: str | os.PathLike | None = None,
    timeout: float = 30.0,
    python: str | None = None,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    exit_with_parent: bool = False,
) -> MotoServer:
    """Start the moto server (:data:`ENTRY_SCRIPT` ``-H host -p port``) and wait until it answers.

    ``port=None`` picks a free port (retrying with a new one if it gets taken in
    between). Output goes to ``log_path`` (default: a new temp file). Raises
    :class:`MotoServerError` with the log tail if the process dies or does not answer
    within ``timeout`` seconds (the process is stopped in that case).

    ``exit_with_parent`` makes the server exit by itself when this Python process is
    gone (for test fixtures); leave it off for a server that must outlive its starter.
    """
    _check_loopback(host)
    attempts = 3 if port is None else 1
    last_error: MotoServerError | None = None
    for _ in range(attempts):
        chosen = port if port is not None else free_port(host)
        extra = dict(extra_env or {})
        if exit_with_parent:
            extra[WATCH_PID_ENV_VAR] = str(os.getpid())
        server = _spawn(chosen, host, log_path, python, env, extra)
        try:
            wait_until_ready(server, timeout=timeout)
            return server
        except MotoServerError as exc:
            stop_server(server)
            last_error = exc
            if "Address already in use" not in server.log_tail(50):
                break
    assert last_error is not None
    raise last_error


def _spawn(
    port: int,
    host: str,
    log_path: str | os.PathLike | None,
    python: str | None,
    env: Mapping[str, str] | None,
    extra_env: Mapping[str, str] | None,
) -> MotoServer:
    if log_path is None:
        fd, tmp = tempfile.mkstemp(prefix=f"moto-{port}-", suffix=".log")
        os.close(fd)
        log_path = tmp
    log_path = Path(log_path).absolute()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc_env = dict(os.environ if env is None else env)
    proc_env.pop(WATCH_PID_ENV_VAR, None)
    proc_env.update(DEFAULT_MOTO_ENV)
    proc_env.update(extra_env or {})
    proc_env["PYTHONUNBUFFERED"] = "1"
    cmd = [python or sys.executable, str(ENTRY_SCRIPT), "-H", host, "-p", str(port)]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=proc_env,
            # Own session: a Ctrl-C in the terminal that ran `up` does not reach it,
            # and it outlives the command that started it.
            start_new_session=True,
            close_fds=True,
        )
    return MotoServer(pid=proc.pid, port=port, host=host, log_path=str(log_path), started_at=time.time(), _proc=proc)


def wait_until_ready(server: MotoServer, timeout: float = 30.0, interval: float = 0.1) -> None:
    """Block until ``server`` answers; raise :class:`MotoServerError` if it dies or times out."""
    deadline = time.monotonic() + timeout
    while True:
        if not server.is_alive():
            code = server._proc.poll() if server._proc is not None else None
            raise MotoServerError(
                f"moto server (pid {server.pid}, port {server.port}) exited"
                f"{f' with code {code}' if code is not None else ''} before answering.\n"
                f"--- log {server.log_path} ---\n{server.log_tail()}"
            )
        if server.answers(timeout=1.0):
            return
        if time.monotonic() >= deadline:
            raise MotoServerError(
                f"moto server (pid {server.pid}) did not answer on {server.endpoint_url} within {timeout:.0f}s.\n"
                f"--- log {server.log_path} ---\n{server.log_tail()}"
            )
        time.sleep(interval)


def stop_server(server: MotoServer | int, timeout: float = 10.0) -> bool:
    """Stop the server process by PID: SIGTERM, wait, then SIGKILL, wait.

    Accepts a :class:`MotoServer` or a bare PID. A PID that is gone, or that no longer
    belongs to a moto server (recycled), is left alone. Returns True if a process was
    signalled.
    """
    if isinstance(server, int):
        server = MotoServer(pid=server, port=0)
    proc = server._proc
    if proc is not None:
        if proc.poll() is not None:
            return False
    elif not (pid_alive(server.pid) and pid_is_moto(server.pid)):
        return False
    _signal(server.pid, signal.SIGTERM)
    if not _wait_gone(server, timeout):
        _signal(server.pid, signal.SIGKILL)
        if not _wait_gone(server, 5.0):
            raise MotoServerError(f"moto server pid {server.pid} survived SIGKILL")
    return True


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_gone(server: MotoServer, timeout: float) -> bool:
    if server._proc is not None:
        try:
            server._proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(server.pid)
        if not pid_alive(server.pid):
            return True
        time.sleep(0.05)
    _reap(server.pid)
    return not pid_alive(server.pid)


def _reap(pid: int) -> None:
    """Collect the exit status if ``pid`` happens to be our child (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


@contextmanager
def running_server(**kwargs: Any) -> Iterator[MotoServer]:
    """``with running_server() as srv: ...`` -- the server is stopped by PID on exit, always.

    The server also exits by itself if this process dies (``exit_with_parent``).
    """
    kwargs.setdefault("exit_with_parent", True)
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        stop_server(server)


# ---------------------------------------------------------------------- state file


def read_state(state_file: str | os.PathLike) -> MotoServer | None:
    """The server recorded in ``state_file`` (None if no/invalid file)."""
    try:
        return MotoServer.from_dict(json.loads(Path(state_file).read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(state_file: str | os.PathLike, server: MotoServer) -> Path:
    path = Path(state_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(server.to_dict(), indent=2) + "\n")
    os.replace(tmp, path)
    return path


def status(state_file: str | os.PathLike) -> MotoServer | None:
    """The recorded server if its process is alive, is moto and answers; else None."""
    server = read_state(state_file)
    if server is None:
        return None
    if pid_alive(server.pid) and pid_is_moto(server.pid) and server.answers():
        return server
    return None


def start(state_file: str | os.PathLike, **kwargs: Any) -> tuple[MotoServer, bool]:
    """Reuse the server recorded in ``state_file`` if it is healthy, else start one.

    Returns ``(server, started_now)``. A stale record (dead or recycled PID) is
    replaced; a recorded process that is alive but does not answer is stopped first.
    ``kwargs`` go to :func:`start_server` (``log_path`` defaults to ``moto.log`` next to
    the state file).
    """
    existing = status(state_file)
    if existing is not None:
        return existing, False
    stale = read_state(state_file)
    if stale is not None:
        stop_server(stale)
    kwargs.setdefault("log_path", Path(state_file).with_name("moto.log"))
    server = start_server(**kwargs)
    try:
        write_state(state_file, server)
    except BaseException:
        stop_server(server)
        raise
    return server, True


def stop(state_file: str | os.PathLike, timeout: float = 10.0) -> bool:
    """Stop the server recorded in ``state_file`` (by PID) and remove the file.

    Returns True if a process was stopped.
    """
    server = read_state(state_file)
    stopped = False
    if server is not None:
        stopped = stop_server(server, timeout=timeout)
    try:
        Path(state_file).unlink()
    except FileNotFoundError:
        pass
    return stopped


# ----------------------------------------------------------------------- inventory


def reset(endpoint_url: str) -> None:
    """Delete every resource in the moto server (``POST /moto-api/reset``)."""
    req = urllib.request.Request(f"{endpoint_url}/moto-api/reset", data=b"", method="POST")
    with _OPENER.open(req, timeout=10) as resp:
        if resp.status != 200:
            raise MotoServerError(f"moto reset failed: HTTP {resp.status}")


def aws_client(service: str, endpoint_url: str, region: str = DEFAULT_REGION):
    """A boto3 client bound to ``endpoint_url`` with test credentials."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=TEST_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=region,
    )
    return session.client(
        service,
        endpoint_url=endpoint_url,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


def _paginate(client, op: str, key: str, **kwargs) -> list:
    items: list = []
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kwargs):
            items.extend(page.get(key, []))
    else:
        items.extend(getattr(client, op)(**kwargs).get(key, []))
    return items


#: Kinds reported by :func:`resource_inventory`, in order.
INVENTORY_KINDS = (
    "lambda_functions",
    "lambda_layer_versions",
    "lambda_event_source_mappings",
    "iam_roles",
    "iam_policies",
    "log_groups",
    "sqs_queues",
    "apigatewayv2_apis",
    "eventbridge_rules",
    "s3_buckets",
)


def resource_inventory(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, list[str]]:
    """Names of what exists in the server, by kind (see :data:`INVENTORY_KINDS`).

    IAM policies are customer-managed ones only (``Scope=Local``): AWS-managed
    policies that moto preloads are not "resources" of a stack. EventBridge rules are
    listed on every event bus.
    """
    c = lambda svc: aws_client(svc, endpoint_url, region)  # noqa: E731
    lam = c("lambda")
    inv: dict[str, list[str]] = {}
    inv["lambda_functions"] = [f["FunctionName"] for f in _paginate(lam, "list_functions", "Functions")]
    layer_versions: list[str] = []
    for layer in _paginate(lam, "list_layers", "Layers"):
        for v in _paginate(lam, "list_layer_versions", "LayerVersions", LayerName=layer["LayerName"]):
            layer_versions.append(f"{layer['LayerName']}:{v['Version']}")
    inv["lambda_layer_versions"] = layer_versions
    inv["lambda_event_source_mappings"] = [
        f"{m['UUID']} ({m.get('EventSourceArn', '?')})"
        for m in _paginate(lam, "list_event_source_mappings", "EventSourceMappings")
    ]
    iam = c("iam")
    inv["iam_roles"] = [r["RoleName"] for r in _paginate(iam, "list_roles", "Roles")]
    inv["iam_policies"] = [p["Arn"] for p in _paginate(iam, "list_policies", "Policies", Scope="Local")]
    logs = c("logs")
    inv["log_groups"] = [g["logGroupName"] for g in _paginate(logs, "describe_log_groups", "logGroups")]
    inv["sqs_queues"] = list(c("sqs").list_queues().get("QueueUrls", []))
    inv["apigatewayv2_apis"] = [
        f"{a['Name']} ({a['ApiId']})" for a in _paginate(c("apigatewayv2"), "get_apis", "Items")
    ]
    events = c("events")
    rules: list[str] = []
    for bus in events.list_event_buses().get("EventBuses", []):
        for rule in _paginate(events, "list_rules", "Rules", EventBusName=bus["Name"]):
            rules.append(rule["Name"] if bus["Name"] == "default" else f"{bus['Name']}/{rule['Name']}")
    inv["eventbridge_rules"] = rules
    inv["s3_buckets"] = [b["Name"] for b in c("s3").list_buckets().get("Buckets", [])]
    return inv


def resource_counts(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, int]:
    """Number of resources by kind; all zero after a clean ``destroy``."""
    return {kind: len(names) for kind, names in resource_inventory(endpoint_url, region).items()}


def leftovers(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, list[str]]:
    """Only the non-empty kinds of :func:`resource_inventory`."""
    return {k: v for k, v in resource_inventory(endpoint_url, region).items() if v}
