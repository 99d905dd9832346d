"""Time as a port: flows and services ask a Clock, tests advance a fake one.

One clock for people: every date shown and every date rule is Vietnam's (Asia/Ho_Chi_Minh,
UTC+7 all year, no daylight saving). Times are stored in UTC; `vietnam_date` is the one way
from a stored time to a day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


def vietnam_date(moment: datetime) -> date:
    """The calendar day in Vietnam at `moment` (an aware datetime; stored times are UTC, so
    `moment.date()` would be a day behind from 00:00 to 07:00 Vietnam time)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no day in Vietnam")
    return moment.astimezone(VIETNAM).date()


def today(clock: Clock) -> date:
    """Today's date in Vietnam (working days, dossier codes, date answers, fee validity)."""
    return vietnam_date(clock.now())
