"""Structured JSON logging built on the Powertools ``Logger``."""

from __future__ import annotations

from typing import IO

from aws_lambda_powertools import Logger

from practice_util.settings import Settings


def get_logger(service: str, *, settings: Settings | None = None, stream: IO[str] | None = None) -> Logger:
    """Return a JSON logger for one function.

    Every record carries ``service``, ``app`` and ``environment``; nothing from the
    environment beyond those settings is ever added, so secret variables never reach the logs.

    Parameters
    ----------
    service : str
        Service name (also the name of the underlying ``logging`` logger).
    settings : Settings, optional
        Source of the level and the static keys; defaults to ``Settings.from_env()``.
    stream : IO[str], optional
        Output stream, stdout by default. Only honoured the first time a service is configured
        (Powertools reuses the handler of an already configured logger).

    Returns
    -------
    Logger
        A Powertools logger; Lambda Advanced Logging Controls (``AWS_LAMBDA_LOG_LEVEL``),
        when set, take precedence over ``LOG_LEVEL``.
    """
    settings = settings or Settings.from_env()
    logger = Logger(service=service, level=settings.log_level, stream=stream, utc=True)
    logger.append_keys(app=settings.app_name, environment=settings.environment)
    return logger
