"""Scheduled Lambda: plan the nightly retention sweep for the time a schedule fired.

Both scheduled-event shapes are accepted: an EventBridge scheduled rule's (``source: aws.events``, ``detail: {}``)
and an EventBridge Scheduler schedule's (``source: aws.scheduler``, ``detail`` the string ``"{}"``). Both carry the
scheduled time in ``time``.

The job is deterministic given the event's ``time`` and ``RETENTION_DAYS``: it computes the
report window (the previous full UTC day), the retention cutoff (midnight UTC ``RETENTION_DAYS``
before the run day) and the daily partitions (``dt=YYYY-MM-DD``) that fell out of retention in the
last ``CATCH_UP_DAYS`` days (so a missed run or two is caught up; deletions are idempotent). It
logs and returns that plan; it performs no I/O.

A non-schedule event raises ``InvalidScheduleEventError`` (a ``ValueError``): the invocation is
reported as failed, which is what an alarm on the function's ``Errors`` metric should see.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal, TypedDict

from aws_lambda_powertools.utilities.typing import LambdaContext
from practice_util import Settings, get_logger, isoformat_z, parse_utc_timestamp, start_of_utc_day

SERVICE = "cron-server"
JOB_NAME = "retention-plan"
CATCH_UP_DAYS = 3
SETTINGS = Settings.from_env()
logger = get_logger(SERVICE, settings=SETTINGS)


#: ``source`` of a scheduled rule's event and of an EventBridge Scheduler event.
SCHEDULE_SOURCES = ("aws.events", "aws.scheduler")


class InvalidScheduleEventError(ValueError):
    """The event is not an EventBridge ``Scheduled Event`` (from a scheduled rule or from EventBridge Scheduler)."""


class ReportWindow(TypedDict):
    start: str
    end: str


class CronSummary(TypedDict):
    status: Literal["ok"]
    job: str
    scheduled_at: str
    report_window: ReportWindow
    retention_days: int
    retention_cutoff: str
    expired_partitions: list[str]
    expired_count: int
    duration_ms: float


def parse_schedule_event(event: Any) -> datetime:
    """Return the UTC time a scheduled rule or an EventBridge Scheduler schedule fired.

    Raises
    ------
    InvalidScheduleEventError
        If ``event`` is not a ``Scheduled Event`` from ``aws.events`` or ``aws.scheduler`` with an ISO 8601 ``time``.
    """
    if not isinstance(event, Mapping):
        raise InvalidScheduleEventError(f"expected an EventBridge event object, got {type(event).__name__}")
    detail_type, source = event.get("detail-type"), event.get("source")
    if detail_type != "Scheduled Event" or source not in SCHEDULE_SOURCES:
        raise InvalidScheduleEventError(
            "expected an EventBridge 'Scheduled Event' from 'aws.events' or 'aws.scheduler', "
            f"got detail-type={detail_type!r}, source={source!r}"
        )
    raw_time = event.get("time")
    if not isinstance(raw_time, str):
        raise InvalidScheduleEventError(f"scheduled event 'time' must be a string, got {raw_time!r}")
    try:
        return parse_utc_timestamp(raw_time, what="scheduled event 'time'")
    except ValueError as exc:
        raise InvalidScheduleEventError(str(exc)) from None


def plan_retention(scheduled_at: datetime, retention_days: int, *, started: float | None = None) -> CronSummary:
    """Compute the retention plan for a run at ``scheduled_at``.

    Parameters
    ----------
    scheduled_at : datetime
        Aware time the schedule fired.
    retention_days : int
        Days of data to keep.
    started : float, optional
        ``time.perf_counter()`` value the run started at, for ``duration_ms``.

    Returns
    -------
    CronSummary
        The plan, with ISO 8601 UTC timestamps.
    """
    started = time.perf_counter() if started is None else started
    run_day = start_of_utc_day(scheduled_at)
    cutoff = run_day - timedelta(days=retention_days)
    expired = [f"dt={(cutoff - timedelta(days=offset)).date().isoformat()}" for offset in range(CATCH_UP_DAYS, 0, -1)]
    return {
        "status": "ok",
        "job": JOB_NAME,
        "scheduled_at": isoformat_z(scheduled_at),
        "report_window": {"start": isoformat_z(run_day - timedelta(days=1)), "end": isoformat_z(run_day)},
        "retention_days": retention_days,
        "retention_cutoff": isoformat_z(cutoff),
        "expired_partitions": expired,
        "expired_count": len(expired),
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> CronSummary:
    """Handle a scheduled event (scheduled rule or EventBridge Scheduler) and return the run summary.

    Raises
    ------
    InvalidScheduleEventError
        For any event that is not an EventBridge ``Scheduled Event`` (logged first).
    """
    started = time.perf_counter()
    try:
        scheduled_at = parse_schedule_event(event)
    except InvalidScheduleEventError as exc:
        logger.error("Rejected non-schedule event", extra={"reason": str(exc)})
        raise
    summary = plan_retention(scheduled_at, SETTINGS.retention_days, started=started)
    logger.info("Retention plan computed", extra={"summary": summary})
    return summary
