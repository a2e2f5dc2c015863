"""Settings of the local cloud, read once in the moto server process from its environment and command line.

The commands that start the server (``cdktf-lambda local up``, the test fixtures) set them; every one has a default,
so a bare ``moto_entry.py -H 127.0.0.1 -p 5000`` runs the local cloud too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CONCURRENCY_ENV",
    "ENABLE_ENV",
    "ENDPOINT_ENV",
    "RETRY_DELAYS_ENV",
    "SYNTH_DIRS_ENV",
    "CloudConfig",
]

#: ``0`` turns the local cloud off: moto runs as it is (Invoke then needs Docker).
ENABLE_ENV = "CDKTF_LAMBDA_LOCAL_CLOUD"
#: The moto server's own URL, which functions reach AWS through. Default: from ``-H``/``-p`` of the command line.
ENDPOINT_ENV = "CDKTF_LAMBDA_LOCAL_ENDPOINT"
#: Synth output directories (``os.pathsep``-separated) whose stack JSON maps a deployed dependency layer to its
#: lock file (see :mod:`.artifacts`).
SYNTH_DIRS_ENV = "CDKTF_LAMBDA_LOCAL_SYNTH_DIRS"
#: Seconds before the 1st, 2nd … retry of a failed asynchronous invocation (comma-separated). AWS: about 60, 120.
RETRY_DELAYS_ENV = "CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS"
#: Functions running at the same time, in all (further invocations wait for a slot).
CONCURRENCY_ENV = "CDKTF_LAMBDA_LOCAL_CONCURRENCY"

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000


def _default_concurrency() -> int:
    return 2 * (os.cpu_count() or 2)


@dataclass(frozen=True)
class CloudConfig:
    """What the local cloud needs to know.

    Attributes
    ----------
    endpoint_url
        The moto server, e.g. ``http://127.0.0.1:5000``: functions get it as ``AWS_ENDPOINT_URL``.
    synth_dirs
        Synth output directories to map dependency layers to their lock files. Default: none.
    async_retry_delays
        Seconds before each retry of a failed asynchronous invocation. Default: ``(60.0, 120.0)``.
    concurrency
        Functions running at once. Default: twice the number of CPUs.
    tick
        Seconds between two looks at what is deployed (new APIs, mappings, schedules). Default: ``0.25``.
    enabled
        False when ``CDKTF_LAMBDA_LOCAL_CLOUD=0``.
    """

    endpoint_url: str
    synth_dirs: tuple[Path, ...] = ()
    async_retry_delays: tuple[float, ...] = (60.0, 120.0)
    concurrency: int = field(default_factory=_default_concurrency)
    tick: float = 0.25
    enabled: bool = True

    @property
    def host(self) -> str:
        """The loopback address the local servers listen on (the moto server's)."""
        return self.endpoint_url.split("://", 1)[1].rsplit(":", 1)[0]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None) -> CloudConfig:
        """The configuration of this process (``os.environ`` and ``sys.argv[1:]`` by default).

        Raises
        ------
        ValueError
            A variable has a value that is not allowed (the message names it).
        """
        import sys

        env = os.environ if environ is None else environ
        args = list(sys.argv[1:] if argv is None else argv)
        host, port = _address(args)
        endpoint = env.get(ENDPOINT_ENV) or f"http://{host}:{port}"
        synth_dirs = tuple(Path(p) for p in env.get(SYNTH_DIRS_ENV, "").split(os.pathsep) if p)
        return cls(
            endpoint_url=endpoint.rstrip("/"),
            synth_dirs=synth_dirs,
            async_retry_delays=_delays(env.get(RETRY_DELAYS_ENV)),
            concurrency=_positive_int(CONCURRENCY_ENV, env.get(CONCURRENCY_ENV)) or _default_concurrency(),
            enabled=env.get(ENABLE_ENV, "1").strip() not in ("0", "false", "no", "off"),
        )


def _address(args: list[str]) -> tuple[str, int]:
    """``-H/--host`` and ``-p/--port`` of moto's command line (``--port=N`` too)."""
    host, port = DEFAULT_HOST, DEFAULT_PORT
    for index, arg in enumerate(args):
        name, sep, value = arg.partition("=")
        if not sep and index + 1 < len(args):
            value = args[index + 1]
        if name in ("-H", "--host") and value:
            host = value
        elif name in ("-p", "--port") and value.isdigit():
            port = int(value)
    return host, port


def _delays(raw: str | None) -> tuple[float, ...]:
    if raw is None or not raw.strip():
        return (60.0, 120.0)
    try:
        delays = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"{RETRY_DELAYS_ENV}={raw!r} is invalid: expected seconds, e.g. '60,120'") from None
    if any(delay < 0 for delay in delays):
        raise ValueError(f"{RETRY_DELAYS_ENV}={raw!r} is invalid: delays must not be negative")
    return delays


def _positive_int(name: str, raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError(f"{name}={raw!r} is invalid: expected a positive integer")
    return int(raw)
