"""The local AWS emulator: a moto server as a subprocess on 127.0.0.1, managed by its PID.

* :func:`start_server` / :func:`stop_server` -- one server, with an in-process handle (:class:`MotoServer`).
* :func:`running_server` -- a context manager that always stops the server.
* :mod:`.recorded` -- the same, recorded in a JSON state file, so one command can leave the server running and a
  later one can stop it (``make deploy-local``/``destroy-local``).
* :func:`reset` empties the server; :func:`aws_client` is a boto3 client bound to it
  (:mod:`cdktf_lambda.emulator.contents` lists what exists in it).

The server runs :data:`ENTRY_MODULE`, on loopback addresses only. boto3 and moto (``cdktf-lambda[local]``) are
needed to start a server or make a client, not to import this module.

Examples
--------
>>> with running_server() as server:  # doctest: +SKIP
...     aws_client("sqs", server.endpoint_url).create_queue(QueueName="jobs")
"""

from __future__ import annotations

import os
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

from cdktf_lambda import settings
from cdktf_lambda.errors import EmulatorError
from cdktf_lambda.processes import (
    DEFAULT_HOST,
    check_loopback,
    free_port,
    pid_alive,
    pid_matches,
    stop_process_tree,
    tail,
)

#: Credentials handed to the AWS provider / boto3 when talking to a local emulator. They are not secrets: moto
#: accepts anything.
TEST_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
}
#: Region of local deploys.
DEFAULT_REGION = "us-east-1"
#: Environment for the moto process. AWS-managed IAM policies (e.g.
#: ``arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole``) are not loaded by moto unless asked;
#: without them ``aws_iam_role_policy_attachment`` of a managed policy fails with ``NoSuchEntity``.
DEFAULT_MOTO_ENV = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}

#: The server process: ``moto.server`` plus the AWS-fidelity patches and the local cloud (``python -m ENTRY_MODULE``).
ENTRY_MODULE = "cdktf_lambda.emulator.entry"
#: Parts of a moto server's command line (:func:`pid_is_moto`).
MOTO_CMDLINE_MARKERS = (ENTRY_MODULE, "moto.server", "moto_server")

# An opener that never uses a proxy: health checks go straight to loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class MotoServerError(EmulatorError):
    """The moto server could not be started, reached or stopped."""


@dataclass
class MotoServer:
    """Handle of a running (or recorded) moto server process.

    Parameters
    ----------
    pid, port, host
        The server process and the address it listens on.
    log_path, started_at
        The file that gets its output, and ``time.time()`` at its start (None and 0.0 when unknown).
    """

    pid: int
    port: int
    host: str = DEFAULT_HOST
    log_path: str | None = None
    started_at: float = 0.0
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def endpoint_url(self) -> str:
        """``http://host:port``, what ``AWS_ENDPOINT_URL`` is set to."""
        return f"http://{self.host}:{self.port}"

    def is_alive(self) -> bool:
        """The process exists (and is not a zombie)."""
        if self._proc is not None:
            return self._proc.poll() is None
        return pid_alive(self.pid)

    def gone_reason(self) -> str | None:
        """None while the server process runs; else why not, naming the endpoint.

        For ``run_terraform(..., abort_if=server.gone_reason)``: terraform stops as soon as the server dies.
        """
        if self.is_alive():
            return None
        return f"the moto server at {self.endpoint_url} (pid {self.pid}) is not running any more"

    def answers(self, timeout: float = 1.0) -> bool:
        """The server responds on its port."""
        return ping(self.endpoint_url, timeout=timeout)

    def log_tail(self, n: int = 30) -> str:
        """The last ``n`` lines of the server's log (or why there are none)."""
        if not self.log_path:
            return "(no log file)"
        try:
            return tail(Path(self.log_path).read_text(errors="replace"), n)
        except OSError as exc:
            return f"(log unreadable: {exc})"

    def to_dict(self) -> dict[str, Any]:
        """What the state file records."""
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
        """The server a state file records (see :meth:`to_dict`)."""
        return cls(
            pid=int(data["pid"]),
            port=int(data["port"]),
            host=str(data.get("host", DEFAULT_HOST)),
            log_path=data.get("log_path"),
            started_at=float(data.get("started_at", 0.0)),
        )


def pid_is_moto(pid: int) -> bool:
    """The process ``pid`` runs a moto server (guards against a recycled PID)."""
    return pid_matches(pid, MOTO_CMDLINE_MARKERS)


def ping(endpoint_url: str, timeout: float = 1.0) -> bool:
    """True if a moto server answers at ``endpoint_url``."""
    try:
        with _OPENER.open(f"{endpoint_url}/moto-api/", timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


# ----------------------------------------------------------------- start and stop


def start_server(
    *,
    port: int | None = None,
    host: str = DEFAULT_HOST,
    log_path: str | os.PathLike[str] | None = None,
    timeout: float = 30.0,
    python: str | None = None,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    exit_with_parent: bool = False,
) -> MotoServer:
    """Start the moto server (:data:`ENTRY_MODULE` ``-H host -p port``) and wait until it answers.

    Parameters
    ----------
    port
        Default: a free one (another is tried if it gets taken in between).
    host
        A loopback address.
    log_path
        Gets the server's output. Default: a new temporary file.
    timeout
        Seconds the server has to answer.
    python
        The interpreter for :data:`ENTRY_MODULE` (it needs ``cdktf-lambda[local]``). Default: this one.
    env, extra_env
        The server's environment (default ``os.environ``), plus :data:`DEFAULT_MOTO_ENV` and ``extra_env``.
    exit_with_parent
        The server exits by itself when this process is gone (for test fixtures; off for a server that must
        outlive its starter).

    Raises
    ------
    MotoServerError
        The process died or did not answer in time (it is stopped then); the message has its log's tail.
    ValueError
        ``host`` is not a loopback address.
    """
    check_loopback(host)
    attempts = 3 if port is None else 1
    last_error: MotoServerError | None = None
    for _ in range(attempts):
        chosen = port if port is not None else free_port(host)
        extra = dict(extra_env or {})
        if exit_with_parent:
            extra[settings.MOTO_WATCH_PID.name] = str(os.getpid())
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
    log_path: str | os.PathLike[str] | None,
    python: str | None,
    env: Mapping[str, str] | None,
    extra_env: Mapping[str, str],
) -> MotoServer:
    if log_path is None:
        fd, tmp = tempfile.mkstemp(prefix=f"moto-{port}-", suffix=".log")
        os.close(fd)
        log_path = tmp
    log_path = Path(log_path).absolute()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc_env = dict(os.environ if env is None else env)
    proc_env.pop(settings.MOTO_WATCH_PID.name, None)
    proc_env.update(DEFAULT_MOTO_ENV)
    proc_env.update(extra_env)
    proc_env["PYTHONUNBUFFERED"] = "1"
    cmd = [python or sys.executable, "-m", ENTRY_MODULE, "-H", host, "-p", str(port)]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=proc_env,
            # Own session: a Ctrl-C in the terminal that ran `up` does not reach it, and it outlives `up`.
            start_new_session=True,
            close_fds=True,
        )
    return MotoServer(pid=proc.pid, port=port, host=host, log_path=str(log_path), started_at=time.time(), _proc=proc)


def wait_until_ready(server: MotoServer, timeout: float = 30.0, interval: float = 0.1) -> None:
    """Block until ``server`` answers; :class:`MotoServerError` (with the log's tail) if it dies or times out."""
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
    """Stop the server and what it runs, by PID (:func:`~cdktf_lambda.processes.stop_process_tree`); True if it
    was signalled.

    ``server`` is a :class:`MotoServer` or a bare PID; a PID that is gone, or no longer belongs to a moto server
    (recycled), is left alone. ``timeout``: seconds between SIGTERM and SIGKILL. Raises :class:`MotoServerError`
    if the process survives SIGKILL.
    """
    if isinstance(server, int):
        server = MotoServer(pid=server, port=0)
    target: int | subprocess.Popen[bytes]
    if server._proc is not None:
        target = server._proc
    elif pid_is_moto(server.pid):
        target = server.pid
    else:
        return False
    try:
        return stop_process_tree(target, timeout)
    except TimeoutError as exc:
        raise MotoServerError(f"moto server pid {server.pid} survived SIGKILL") from exc


@contextmanager
def running_server(**kwargs: Any) -> Iterator[MotoServer]:
    """``with running_server() as srv: ...`` -- the server is stopped by PID on exit, always.

    ``kwargs`` go to :func:`start_server`; ``exit_with_parent`` defaults to True here, so the server also
    exits by itself if this process dies.
    """
    kwargs.setdefault("exit_with_parent", True)
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        stop_server(server)


# ---------------------------------------------------------------------- contents


def reset(endpoint_url: str) -> None:
    """Delete every resource in the moto server (``POST /moto-api/reset``)."""
    req = urllib.request.Request(f"{endpoint_url}/moto-api/reset", data=b"", method="POST")
    with _OPENER.open(req, timeout=10) as resp:
        if resp.status != 200:
            raise MotoServerError(f"moto reset failed: HTTP {resp.status}")


def aws_client(service: str, endpoint_url: str, region: str = DEFAULT_REGION) -> Any:
    """A boto3 client for ``service`` bound to ``endpoint_url``, with the test credentials.

    boto3 is imported here, on first use (it comes with ``cdktf-lambda[local]``).
    """
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
