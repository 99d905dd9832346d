"""Time as a port: flows and services ask a Clock, tests advance a fake one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


def today(clock: Clock) -> date:
    """Today's date in Vietnam (working days and date answers are local)."""
    return clock.now().astimezone(VIETNAM).date()
