"""When schedule expressions fire: rate(), cron() with EventBridge's special characters, at(), time zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cdktf_lambda.emulator.cloud.cron import ExpressionError, next_fire, rate_seconds

AFTER = datetime(2024, 3, 1, 12, 0, 30, tzinfo=UTC)  # a Friday


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(15 0 * * ? *)", at(2024, 3, 2, 0, 15)),
        ("cron(0/15 * * * ? *)", at(2024, 3, 1, 12, 15)),
        ("cron(*/20 * * * ? *)", at(2024, 3, 1, 12, 20)),
        ("cron(0 8-17 ? * MON-FRI *)", at(2024, 3, 1, 13, 0)),
        ("cron(0 9 ? * MON *)", at(2024, 3, 4, 9, 0)),
        ("cron(0 9 ? * 2 *)", at(2024, 3, 4, 9, 0)),  # 2 = Monday (1 = Sunday)
        ("cron(0 0 1 JAN,JUL ? *)", at(2024, 7, 1, 0, 0)),
        ("cron(0 12 L * ? *)", at(2024, 3, 31, 12, 0)),
        ("cron(0 12 LW * ? *)", at(2024, 3, 29, 12, 0)),  # 31st is a Sunday: the Friday before
        ("cron(0 12 16W * ? *)", at(2024, 3, 15, 12, 0)),  # 16th is a Saturday: Friday the 15th
        ("cron(0 12 3W * ? *)", at(2024, 3, 4, 12, 0)),  # 3rd is a Sunday: Monday the 4th
        ("cron(0 10 ? * 6#3 *)", at(2024, 3, 15, 10, 0)),  # third Friday
        ("cron(0 10 ? * 6L *)", at(2024, 3, 29, 10, 0)),  # last Friday
        ("cron(0 0 29 2 ? *)", at(2028, 2, 29, 0, 0)),
        ("cron(0 12 * * ? 2030)", at(2030, 1, 1, 12, 0)),
        ("cron(1 12 1 3 ? 2024)", at(2024, 3, 1, 12, 1)),
    ],
)
def test_cron(expression: str, expected: datetime) -> None:
    assert next_fire(expression, AFTER) == expected


def test_a_cron_that_never_fires_again() -> None:
    assert next_fire("cron(0 0 1 1 ? 2020)", AFTER) is None


def test_cron_in_a_time_zone() -> None:
    # 09:00 in New York on 2024-03-01 (EST, UTC-5) is 14:00 UTC.
    assert next_fire("cron(0 9 * * ? *)", AFTER, timezone="America/New_York") == at(2024, 3, 1, 14, 0)


def test_rate_counts_from_its_anchor() -> None:
    anchor = at(2024, 3, 1, 11, 58, 0)
    assert next_fire("rate(5 minutes)", AFTER, anchor=anchor) == at(2024, 3, 1, 12, 3, 0)
    assert next_fire("rate(1 hour)", AFTER) == at(2024, 3, 1, 13, 0, 30)
    assert [rate_seconds(e) for e in ("rate(1 day)", "rate(2 hours)", "cron(0 0 * * ? *)")] == [86400, 7200, None]


def test_at_fires_once() -> None:
    assert next_fire("at(2024-03-01T13:00:00)", AFTER) == at(2024, 3, 1, 13, 0)
    assert next_fire("at(2024-03-01T11:00:00)", AFTER) is None
    assert next_fire("at(2024-03-01T14:00:00)", AFTER, timezone="Europe/Paris") == at(2024, 3, 1, 13, 0)


@pytest.mark.parametrize(
    "expression", ["every day", "cron(0 0 * * *)", "cron(60 0 * * ? *)", "cron(0 0 * 13 ? *)", "cron(0 0 ? * FOO *)"]
)
def test_what_is_not_an_expression(expression: str) -> None:
    with pytest.raises(ExpressionError):
        next_fire(expression, AFTER)
