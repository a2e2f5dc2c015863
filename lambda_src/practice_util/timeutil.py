"""Timezone-aware UTC timestamp helpers."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with a ``Z`` suffix, to the second.

    Raises
    ------
    ValueError
        If ``moment`` is naive.
    """
    if moment.tzinfo is None:
        raise ValueError("cannot format a naive datetime as UTC")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def parse_utc_timestamp(text: str, *, what: str = "timestamp") -> datetime:
    """Parse an ISO 8601 timestamp with an explicit offset (e.g. ``2024-03-01T06:00:00Z``) into UTC.

    Raises
    ------
    ValueError
        If ``text`` is not ISO 8601 or has no UTC offset.
    """
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {text!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValueError(f"{what} {text!r} has no UTC offset")
    return moment.astimezone(UTC)


def start_of_utc_day(moment: datetime) -> datetime:
    """Return midnight UTC of the day containing the aware datetime ``moment``."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
