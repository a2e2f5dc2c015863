"""Runtime settings read once from the Lambda environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_APP_NAME = "practice"
DEFAULT_ENVIRONMENT = "dev"
DEFAULT_LOG_LEVEL = "INFO"
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
LOG_LEVELS: frozenset[str] = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})


class ConfigurationError(RuntimeError):
    """A setting the function needs for a resource (table, queue) is missing."""


@dataclass(frozen=True)
class Settings:
    """Validated, immutable application settings.

    Attributes
    ----------
    app_name : str
        Application name used in logs and API responses (``APP_NAME``).
    environment : str
        Deployment environment, e.g. ``dev`` or ``prod`` (``ENVIRONMENT``).
    log_level : str
        Upper-case standard logging level name (``LOG_LEVEL``).
    retention_days : int
        Days of data the nightly job keeps, 1..3650 (``RETENTION_DAYS``).
    greetings_table : str
        Name of the greetings DynamoDB table (``GREETINGS_TABLE``); empty when not configured.
    worker_queue_url : str
        URL of the worker's SQS queue (``WORKER_QUEUE_URL``); empty when not configured.
    """

    app_name: str = DEFAULT_APP_NAME
    environment: str = DEFAULT_ENVIRONMENT
    log_level: str = DEFAULT_LOG_LEVEL
    retention_days: int = DEFAULT_RETENTION_DAYS
    greetings_table: str = ""
    worker_queue_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables.

        Parameters
        ----------
        environ : Mapping[str, str], optional
            Source of variables; defaults to ``os.environ``.

        Returns
        -------
        Settings
            The validated settings; unset variables take their defaults.

        Raises
        ------
        ValueError
            If a variable is set to an invalid value; the message names the variable,
            the offending value and what is allowed.
        """
        env = os.environ if environ is None else environ
        return cls(
            app_name=_non_empty(env, "APP_NAME", DEFAULT_APP_NAME),
            environment=_non_empty(env, "ENVIRONMENT", DEFAULT_ENVIRONMENT),
            log_level=_log_level(env),
            retention_days=_retention_days(env),
            greetings_table=env.get("GREETINGS_TABLE", "").strip(),
            worker_queue_url=env.get("WORKER_QUEUE_URL", "").strip(),
        )

    def require(self, field: str) -> str:
        """The value of the resource setting ``field`` (``greetings_table``, ``worker_queue_url``).

        Raises
        ------
        ConfigurationError
            The variable behind it is not set: the function was deployed without it.
        """
        value = getattr(self, field)
        if not value:
            raise ConfigurationError(f"{field.upper()} is not set: the function is not wired to its resources")
        return value


def _non_empty(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not value:
        raise ValueError(f"{name}={raw!r} is invalid: must not be empty or whitespace")
    return value


def _log_level(env: Mapping[str, str]) -> str:
    raw = env.get("LOG_LEVEL")
    if raw is None:
        return DEFAULT_LOG_LEVEL
    value = raw.strip().upper()
    if value not in LOG_LEVELS:
        allowed = ", ".join(sorted(LOG_LEVELS))
        raise ValueError(f"LOG_LEVEL={raw!r} is invalid: expected one of {allowed}")
    return value


def _retention_days(env: Mapping[str, str]) -> int:
    raw = env.get("RETENTION_DAYS")
    if raw is None:
        return DEFAULT_RETENTION_DAYS
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"RETENTION_DAYS={raw!r} is invalid: expected an integer") from None
    if not 1 <= value <= MAX_RETENTION_DAYS:
        raise ValueError(f"RETENTION_DAYS={raw!r} is invalid: expected 1..{MAX_RETENTION_DAYS}")
    return value
