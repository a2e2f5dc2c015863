"""Every ``CDKTF_LAMBDA_*`` environment variable, in one place: its name, type, default and what it does.

No other module of the library reads these variables: each asks its :class:`Setting` (``settings.CACHE_DIR.get()``).
A setting is read when asked, not at import, so a test or a command that sets a variable before a run is heard. A
value that is not allowed raises :class:`~cdktf_lambda.errors.InvalidParameterError` naming the variable and what is
allowed. Two variables are read by the node loaders of :mod:`cdktf_lambda._fast_import` (``reader="node"``): they are
listed here so that this module stays the one list.

:func:`markdown_table` is the table of them all, in Markdown (the documentation site's settings page shows it).

Examples
--------
>>> from cdktf_lambda import settings
>>> settings.BYTECODE.get({"CDKTF_LAMBDA_BYTECODE": "0"})
False
>>> settings.LOCAL_CONCURRENCY.name
'CDKTF_LAMBDA_LOCAL_CONCURRENCY'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from cdktf_lambda.errors import InvalidParameterError
from cdktf_lambda.types import FLAVORS, Flavor

__all__ = ["SETTINGS", "Setting", "markdown_table"]

T = TypeVar("T")
_OFF = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable: ``name``, the value used when it is unset or empty (``default``), a one-line
    ``description``, and ``parse`` (its text → the typed value, raising ``ValueError`` with what is allowed)."""

    name: str
    default: T
    description: str
    parse: Callable[[str], T]
    reader: Literal["python", "node"] = "python"
    #: How the default reads in the documentation, when it is not a literal value.
    default_text: str | None = None

    def get(self, environ: Mapping[str, str] | None = None) -> T:
        """The value in ``environ`` (default: ``os.environ``), or the default."""
        raw = (os.environ if environ is None else environ).get(self.name, "").strip()
        if not raw:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise InvalidParameterError(self.name, raw, str(exc)) from None

    def is_set(self, environ: Mapping[str, str] | None = None) -> bool:
        return bool((os.environ if environ is None else environ).get(self.name, "").strip())


def _flag(raw: str) -> bool:
    return raw.lower() not in _OFF


def _text(raw: str) -> str:
    return raw


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(part).expanduser() for part in raw.split(os.pathsep) if part)


def _positive_int(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError("a positive integer")
    return int(raw)


def _delays(raw: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError("seconds before each retry, comma-separated, e.g. '60,120'") from None
    if any(delay < 0 for delay in delays):
        raise ValueError("delays that are not negative, e.g. '60,120'")
    return delays


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(" or ".join(allowed))
        return raw

    return parse


def _flavor(raw: str) -> Flavor:
    if raw not in FLAVORS:
        raise ValueError(" or ".join(FLAVORS))
    return raw


def _pid(raw: str) -> int:
    if not raw.isdigit():
        raise ValueError("a process id")
    return int(raw)


# --- synth: the CDK and packaging ----------------------------------------------------------------------------------
FLAVOR: Setting[Flavor] = Setting(
    "CDKTF_LAMBDA_FLAVOR", "cdktf", "the CDK the constructs use: cdktf (CDK for Terraform 0.21) or cdktn", _flavor
)
PROJECT_DIR: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_PROJECT_DIR", None, "the project directory relative paths resolve against", _path,
    default_text="the nearest directory holding `cdktf.json`",
)  # fmt: skip
CACHE_DIR: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_CACHE_DIR", None, "where built zips, layers and the local cloud's files are kept", _path,
    default_text="`<project>/.cdktf-lambda-cache`",
)  # fmt: skip
BYTECODE: Setting[bool] = Setting(
    "CDKTF_LAMBDA_BYTECODE", True, "`0` builds every zip without bytecode for the target runtime", _flag
)
WHEELHOUSE: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_WHEELHOUSE", None, "a directory of wheels dependency layers install from (offline builds)", _path
)
FAST_IMPORT: Setting[bool] = Setting(
    "CDKTF_LAMBDA_FAST_IMPORT", True, "`0` imports the provider bindings whole (slow) instead of what is used", _flag
)
FAST_IMPORT_REPORT: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_FAST_IMPORT_REPORT", None, "a file the provider loaders write what they loaded to", _path
)
CLI_CACHE: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_CLI_CACHE", None, "where the CLI preload keeps the export names of what it defers", _path,
    reader="node",
)  # fmt: skip
CLI_REPORT: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_CLI_REPORT", None, "a file the CLI preload writes what it deferred and loaded to", _path,
    reader="node",
)  # fmt: skip

# --- runtimes ------------------------------------------------------------------------------------------------------
RUNTIME_DIR: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_RUNTIME_DIR", None, "the per-user cache of provisioned Lambda runtimes", _path,
    default_text="`$XDG_CACHE_HOME/cdktf-lambda/runtimes` (`~/.cache/…`)",
)  # fmt: skip
PROVISION_METHOD: Setting[str | None] = Setting(
    "CDKTF_LAMBDA_PROVISION_METHOD", None, "how a runtime is provisioned: debootstrap or extract",
    _choice("debootstrap", "extract"), default_text="debootstrap as root when installed, else extract",
)  # fmt: skip
DEBIAN_MIRROR: Setting[str | None] = Setting(
    "CDKTF_LAMBDA_DEBIAN_MIRROR", None, "the Debian archive runtimes are provisioned from", _text,
    default_text="the first Debian archive of the machine's apt sources",
)  # fmt: skip

# --- the local cloud -----------------------------------------------------------------------------------------------
LOCAL_CLOUD: Setting[bool] = Setting(
    "CDKTF_LAMBDA_LOCAL_CLOUD", True, "`0` runs the emulator without the local cloud (Invoke then needs Docker)", _flag
)
LOCAL_ENDPOINT: Setting[str | None] = Setting(
    "CDKTF_LAMBDA_LOCAL_ENDPOINT", None, "the emulator's URL functions reach AWS through", _text,
    default_text="from the server's `-H`/`-p`",
)  # fmt: skip
LOCAL_SYNTH_DIRS: Setting[tuple[Path, ...]] = Setting(
    "CDKTF_LAMBDA_LOCAL_SYNTH_DIRS", (), "synth output directories that map deployed layers to their lock files",
    _paths, default_text="none",
)  # fmt: skip
LOCAL_ASYNC_RETRY_DELAYS: Setting[tuple[float, ...]] = Setting(
    "CDKTF_LAMBDA_LOCAL_ASYNC_RETRY_DELAYS", (60.0, 120.0), "seconds before each retry of a failed async invocation",
    _delays, default_text="`60,120`",
)  # fmt: skip
LOCAL_CONCURRENCY: Setting[int | None] = Setting(
    "CDKTF_LAMBDA_LOCAL_CONCURRENCY", None, "functions running at once in the local cloud", _positive_int,
    default_text="twice the CPUs",
)  # fmt: skip
LOCAL_RUNNER: Setting[str] = Setting(
    "CDKTF_LAMBDA_LOCAL_RUNNER", "target", "`host` runs the local cloud's functions on this machine's Python",
    _choice("target", "host"),
)  # fmt: skip
LOCAL_IAM: Setting[bool] = Setting(
    "CDKTF_LAMBDA_LOCAL_IAM", True, "`0` lets the local cloud's functions do anything (no IAM enforcement)", _flag
)
MOTO_WATCH_PID: Setting[int | None] = Setting(
    "CDKTF_LAMBDA_MOTO_WATCH_PID", None, "the emulator exits when the process with this id is gone", _pid
)

# --- deploying -----------------------------------------------------------------------------------------------------
CDKTF_CLI: Setting[str | None] = Setting(
    "CDKTF_LAMBDA_CDKTF_CLI", None, "the CDK CLI `local up`/`down` run (a path or a command line)", _text,
    default_text="the project's `node_modules/.bin/cdktf`, else `cdktf` on `PATH`",
)  # fmt: skip
TERRAFORM: Setting[str | None] = Setting(
    "CDKTF_LAMBDA_TERRAFORM", None, "the terraform binary", _text, default_text="`terraform` on `PATH`"
)
TF_STREAM: Setting[bool] = Setting(
    "CDKTF_LAMBDA_TF_STREAM", False, "`1` echoes Terraform's output to stderr as it arrives", _flag
)
PROVIDER_MIRROR: Setting[Path | None] = Setting(
    "CDKTF_LAMBDA_PROVIDER_MIRROR", None, "the offline Terraform provider mirror to use", _path,
    default_text="searched in the usual plugin directories",
)  # fmt: skip

#: Every setting, by variable name.
SETTINGS: dict[str, Setting[object]] = {
    setting.name: setting  # type: ignore[misc]
    for setting in (
        FLAVOR, PROJECT_DIR, CACHE_DIR, BYTECODE, WHEELHOUSE, FAST_IMPORT, FAST_IMPORT_REPORT, CLI_CACHE, CLI_REPORT,
        RUNTIME_DIR, PROVISION_METHOD, DEBIAN_MIRROR,
        LOCAL_CLOUD, LOCAL_ENDPOINT, LOCAL_SYNTH_DIRS, LOCAL_ASYNC_RETRY_DELAYS, LOCAL_CONCURRENCY, LOCAL_RUNNER,
        LOCAL_IAM, MOTO_WATCH_PID,
        CDKTF_CLI, TERRAFORM, TF_STREAM, PROVIDER_MIRROR,
    )
}  # fmt: skip


def _default_text(setting: Setting[object]) -> str:
    if setting.default_text is not None:
        return setting.default_text
    if isinstance(setting.default, bool):
        return "on" if setting.default else "off"
    return "unset" if setting.default is None else f"`{setting.default}`"


def markdown_table() -> str:
    """The table of every variable (the documentation site's settings page), from :data:`SETTINGS`."""
    rows = ["| variable | what | default |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | {s.description} | {_default_text(s)} |" for s in SETTINGS.values()]
    return "\n".join(rows) + "\n"
