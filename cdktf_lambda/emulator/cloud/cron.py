"""When an EventBridge schedule expression fires next: ``rate(...)``, ``cron(...)`` and ``at(...)``.

``cron(minutes hours day-of-month month day-of-week year)`` with EventBridge's rules: ``*``, lists (``,``), ranges
(``-``), steps (``/``), month names (``JAN``–``DEC``) and day names (``SUN``–``SAT``, 1 = Sunday); ``?`` in one of the
two day fields; ``L`` (last day of the month, or with a weekday ``5L``: its last one in the month), ``W`` (``15W``:
the weekday nearest the 15th, within the month; ``LW``: the last weekday), ``#`` (``6#3``: the third Friday).

Examples
--------
>>> next_fire("cron(15 0 * * ? *)", datetime(2024, 3, 1, 12, 0, tzinfo=UTC)).isoformat()
'2024-03-02T00:15:00+00:00'
>>> next_fire("rate(5 minutes)", datetime(2024, 3, 1, 12, 1, tzinfo=UTC), anchor=datetime(2024, 3, 1, tzinfo=UTC))
datetime.datetime(2024, 3, 1, 12, 5, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["ExpressionError", "next_fire", "rate_seconds"]

_MONTHS = {name.upper(): index for index, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
#: How far ahead a cron expression is searched (an expression that never fires again gives None).
HORIZON_DAYS = 366 * 8


class ExpressionError(ValueError):
    """Not a schedule expression this module understands."""


def rate_seconds(expression: str) -> int | None:
    """The period of a ``rate()`` expression in seconds (None for other expressions)."""
    match = _RATE.match(expression.strip())
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")] if match else None


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """The values a plain field (no ``?``/``L``/``W``/``#``) allows."""
    result: set[int] = set()
    for part in field.split(","):
        part, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if part == "*":
            start, end = low, high
        else:
            first, _, last = part.partition("-")
            start = _number(first, names)
            end = _number(last, names) if last else (high if step_text else start)
        if not (low <= start <= high and low <= end <= high) or step < 1:
            raise ExpressionError(f"{field!r}: values must be within {low}-{high}")
        span = range(start, end + 1) if start <= end else [*range(start, high + 1), *range(low, end + 1)]
        result.update(list(span)[::step])
    return result


def _number(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ExpressionError(f"{text!r} is not a number{' or name' if names else ''}")
    return int(text)


def _weekday(day: date) -> int:
    """EventBridge's day of the week: 1 = Sunday … 7 = Saturday."""
    return (day.isoweekday() % 7) + 1


def _day_of_month(field: str) -> Callable[[date], bool]:
    if field == "?":
        return lambda day: True
    if field in ("L", "LW"):

        def last(day: date) -> bool:
            final = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            if field == "LW":
                while final.isoweekday() > 5:
                    final -= timedelta(days=1)
            return day == final

        return last
    if field.endswith("W"):
        wanted = int(field[:-1])

        def nearest_weekday(day: date) -> bool:
            days = calendar.monthrange(day.year, day.month)[1]
            target = date(day.year, day.month, min(wanted, days))
            if target.isoweekday() == 6:  # Saturday: the Friday before, unless that leaves the month
                target = target - timedelta(days=1) if target.day > 1 else target + timedelta(days=2)
            elif target.isoweekday() == 7:  # Sunday: the Monday after, unless that leaves the month
                target = target + timedelta(days=1) if target.day < days else target - timedelta(days=2)
            return day == target

        return nearest_weekday
    allowed = _values(field, 1, 31)
    return lambda day: day.day in allowed


def _day_of_week(field: str) -> Callable[[date], bool]:
    if field == "?":
        return lambda day: True
    if field == "L":
        return lambda day: _weekday(day) == 7
    if field.endswith("L"):
        wanted = _number(field[:-1], _DAYS)
        return lambda day: _weekday(day) == wanted and (day + timedelta(days=7)).month != day.month
    if "#" in field:
        weekday, _, nth = field.partition("#")
        wanted, index = _number(weekday, _DAYS), int(nth)
        return lambda day: _weekday(day) == wanted and (day.day - 1) // 7 + 1 == index
    allowed = _values(field, 1, 7, _DAYS)
    return lambda day: _weekday(day) in allowed


def _next_cron(fields: list[str], after: datetime, zone: ZoneInfo) -> datetime | None:
    if len(fields) != 6:
        raise ExpressionError("cron() takes 6 fields: minutes hours day-of-month month day-of-week year")
    minutes, hours = sorted(_values(fields[0], 0, 59)), sorted(_values(fields[1], 0, 23))
    months, years = _values(fields[3], 1, 12, _MONTHS), _values(fields[5], 1970, 2199)
    day_ok, weekday_ok = _day_of_month(fields[2]), _day_of_week(fields[4])
    local = after.astimezone(zone)
    day = local.date()
    for _ in range(HORIZON_DAYS):
        if day.year in years and day.month in months and day_ok(day) and weekday_ok(day):
            for hour in hours:
                for minute in minutes:
                    candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                    if candidate > local:
                        return candidate.astimezone(UTC)
        day += timedelta(days=1)
    return None


def next_fire(
    expression: str, after: datetime, *, anchor: datetime | None = None, timezone: str = "UTC"
) -> datetime | None:
    """The first time strictly after ``after`` (aware) that ``expression`` fires, in UTC; None if never again.

    ``anchor`` is when a ``rate()`` schedule started (default: ``after``): it fires at ``anchor`` + n × period.
    ``timezone`` (an IANA name) is the one cron and ``at`` expressions are written in (EventBridge Scheduler's
    ``ScheduleExpressionTimezone``; rules use UTC).

    Raises
    ------
    ExpressionError
        Not a ``rate()``, ``cron()`` or ``at()`` expression, or a field out of range.
    """
    text = expression.strip()
    period = rate_seconds(text)
    if period is not None:
        start = anchor or after
        elapsed = max(0.0, (after - start).total_seconds())
        return start + timedelta(seconds=(int(elapsed // period) + 1) * period)
    zone = ZoneInfo(timezone)
    at = _AT.match(text)
    if at:
        when = datetime.fromisoformat(at.group(1)).replace(tzinfo=zone).astimezone(UTC)
        return when if when > after else None
    if text.startswith("cron(") and text.endswith(")"):
        return _next_cron(text[5:-1].split(), after, zone)
    raise ExpressionError(f"{expression!r} is not a rate(), cron() or at() expression")
