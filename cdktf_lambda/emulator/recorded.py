"""A moto server recorded in a JSON state file (pid, port, log), so one command can leave it running and a later one
can find it, or stop it by its PID: :func:`start`, :func:`status`, :func:`stop`.

A record whose PID is gone, or now belongs to another program (recycled), is treated as no server.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cdktf_lambda.emulator.server import MotoServer, pid_is_moto, start_server, stop_server
from cdktf_lambda.paths import write_text_atomic
from cdktf_lambda.processes import pid_alive

__all__ = ["read_state", "start", "status", "stop", "write_state"]


def read_state(state_file: str | os.PathLike[str]) -> MotoServer | None:
    """The server recorded in ``state_file`` (None if there is no file or it is invalid)."""
    try:
        return MotoServer.from_dict(json.loads(Path(state_file).read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(state_file: str | os.PathLike[str], server: MotoServer) -> Path:
    """Record ``server`` in ``state_file`` (through a temporary file and ``os.replace``); returns its path."""
    path = Path(state_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(server.to_dict(), indent=2) + "\n")
    return path


def status(state_file: str | os.PathLike[str]) -> MotoServer | None:
    """The recorded server if its process is alive, is moto and answers; else None."""
    server = read_state(state_file)
    if server is None:
        return None
    if pid_alive(server.pid) and pid_is_moto(server.pid) and server.answers():
        return server
    return None


def start(state_file: str | os.PathLike[str], **kwargs: Any) -> tuple[MotoServer, bool]:
    """Reuse the server recorded in ``state_file`` if it is healthy, else start one and record it.

    Returns ``(server, started_now)``. A stale record (dead or recycled PID) is replaced; a recorded moto process
    that is alive but does not answer is stopped first. ``kwargs`` go to :func:`start_server` (``log_path``
    defaults to ``moto.log`` next to the state file).
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


def stop(state_file: str | os.PathLike[str], timeout: float = 10.0) -> bool:
    """Stop the server recorded in ``state_file`` (by PID) and remove the file; True if one was stopped."""
    server = read_state(state_file)
    stopped = False
    if server is not None:
        stopped = stop_server(server, timeout=timeout)
    try:
        Path(state_file).unlink()
    except FileNotFoundError:
        pass
    return stopped
