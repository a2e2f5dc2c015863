"""Runtime helpers shared by the practice Lambda functions (shipped as a layer)."""

from __future__ import annotations

from practice_util.greeting import SUPPORTED_LANGUAGES, GreetingError, build_greeting, normalize_name
from practice_util.log import get_logger
from practice_util.payload import PayloadError, parse_json_object
from practice_util.settings import LOG_LEVELS, ConfigurationError, Settings
from practice_util.store import GreetingItem, GreetingStore, greeting_store
from practice_util.timeutil import isoformat_z, parse_utc_timestamp, start_of_utc_day, utc_now

__all__ = [
    "LOG_LEVELS",
    "SUPPORTED_LANGUAGES",
    "ConfigurationError",
    "GreetingError",
    "GreetingItem",
    "GreetingStore",
    "PayloadError",
    "Settings",
    "build_greeting",
    "get_logger",
    "greeting_store",
    "isoformat_z",
    "normalize_name",
    "parse_json_object",
    "parse_utc_timestamp",
    "start_of_utc_day",
    "utc_now",
]
