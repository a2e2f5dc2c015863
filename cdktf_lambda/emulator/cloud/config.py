"""Settings of the local cloud, read once in the moto server process from its environment and command line.

The commands that start the server (``cdktf-lambda local up``, the test fixtures) set them; every one has a default
(:mod:`cdktf_lambda.settings`), so a bare ``python -m cdktf_lambda.emulator.entry -H 127.0.0.1 -p 5000`` runs the
local cloud too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.paths import cache_dir
from cdktf_lambda.runtime.selection import Prefer

__all__ = ["CloudConfig"]

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
        False when :data:`LOCAL_CLOUD=0 <cdktf_lambda.settings.LOCAL_CLOUD>`.
    runner
        ``"target"`` (default): each function on its own runtime when it can be had here; ``"host"``: on this
        machine's Python (:data:`LOCAL_RUNNER=host <cdktf_lambda.settings.LOCAL_RUNNER>`).
    cache
        Where the local cloud keeps deployed zips, unpacked code and runtime packages. Default:
        ``<cache>/local-cloud``.
    iam
        Functions act with their roles and every call they make is authorized (:mod:`.iam`). Default: True
        (:data:`LOCAL_IAM=0 <cdktf_lambda.settings.LOCAL_IAM>` turns it off).
    """

    endpoint_url: str
    synth_dirs: tuple[Path, ...] = ()
    async_retry_delays: tuple[float, ...] = (60.0, 120.0)
    concurrency: int = field(default_factory=_default_concurrency)
    tick: float = 0.25
    enabled: bool = True
    runner: Prefer = "target"
    cache: Path = field(default_factory=lambda: cache_dir() / "local-cloud")
    iam: bool = True

    @property
    def host(self) -> str:
        """The loopback address the local servers listen on (the moto server's)."""
        return self.endpoint_url.split("://", 1)[1].rsplit(":", 1)[0]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None) -> CloudConfig:
        """The configuration of this process (``os.environ`` and ``sys.argv[1:]`` by default).

        Raises
        ------
        InvalidParameterError
            A variable has a value that is not allowed (the message names it).
        """
        args = list(sys.argv[1:] if argv is None else argv)
        host, port = _address(args)
        endpoint = settings.LOCAL_ENDPOINT.get(environ) or f"http://{host}:{port}"
        return cls(
            endpoint_url=endpoint.rstrip("/"),
            synth_dirs=settings.LOCAL_SYNTH_DIRS.get(environ),
            async_retry_delays=settings.LOCAL_ASYNC_RETRY_DELAYS.get(environ),
            concurrency=settings.LOCAL_CONCURRENCY.get(environ) or _default_concurrency(),
            enabled=settings.LOCAL_CLOUD.get(environ),
            runner="host" if settings.LOCAL_RUNNER.get(environ) == "host" else "target",
            iam=settings.LOCAL_IAM.get(environ),
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
