"""Scheduled Lambda: delete the greetings older than ``RETENTION_DAYS``, and log how many it deleted.

Both scheduled-event shapes are accepted: an EventBridge scheduled rule's (``source: aws.events``, ``detail: {}``)
and an EventBridge Scheduler schedule's (``source: aws.scheduler``, ``detail`` the string ``"{}"``). Both carry the
scheduled time in ``time``.

The cutoff is the time the schedule fired (the event's ``time``) minus ``RETENTION_DAYS``: every item of
the greetings table (``GREETINGS_TABLE``) created before it is deleted (a scan for ``created_at < cutoff``, then a
conditional delete of each). Running it twice deletes nothing more: the job is idempotent, so a retried or missed run
is harmless.

A non-schedule event raises ``InvalidScheduleEventError`` (a ``ValueError``): the invocation is
reported as failed, which is what an alarm on the function's ``Errors`` metric should see.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal, TypedDict

from aws_lambda_powertools.utilities.typing import LambdaContext
from practice_util import GreetingStore, Settings, get_logger, greeting_store, isoformat_z, parse_utc_timestamp

SERVICE = "cron-server"
JOB_NAME = "greetings-retention"
SETTINGS = Settings.from_env()
logger = get_logger(SERVICE, settings=SETTINGS)


#: ``source`` of a scheduled rule's event and of an EventBridge Scheduler event.
SCHEDULE_SOURCES = ("aws.events", "aws.scheduler")


def get_store() -> GreetingStore:
    """The greetings table of ``GREETINGS_TABLE`` (one per process, made on first use)."""
    return greeting_store(SETTINGS.require("greetings_table"))


class InvalidScheduleEventError(ValueError):
    """The event is not an EventBridge ``Scheduled Event`` (from a scheduled rule or from EventBridge Scheduler)."""


class CronSummary(TypedDict):
    status: Literal["ok"]
    job: str
    scheduled_at: str
    retention_days: int
    cutoff: str
    deleted: int
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


def retention_cutoff(scheduled_at: datetime, retention_days: int) -> datetime:
    """The oldest creation time a greeting may have to be kept: ``retention_days`` before ``scheduled_at``."""
    return scheduled_at - timedelta(days=retention_days)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> CronSummary:
    """Handle a scheduled event (scheduled rule or EventBridge Scheduler): delete the expired greetings, return the
    run summary.

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
    cutoff = isoformat_z(retention_cutoff(scheduled_at, SETTINGS.retention_days))
    deleted = get_store().delete_created_before(cutoff)
    summary: CronSummary = {
        "status": "ok",
        "job": JOB_NAME,
        "scheduled_at": isoformat_z(scheduled_at),
        "retention_days": SETTINGS.retention_days,
        "cutoff": cutoff,
        "deleted": deleted,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }
    logger.info("Expired greetings deleted", extra={"deleted": deleted, "cutoff": cutoff, "job": JOB_NAME})
    return summary
