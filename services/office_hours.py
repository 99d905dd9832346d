"""When officers are at their desks: opening sessions on working days, in Vietnam's time.

The default is the administrative week of a one-stop desk: Monday to Friday, 07:30–11:30 and
13:30–17:00, public holidays off (services.calendar). Deployments may configure other sessions
("07:00-11:30,13:00-17:00").
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.calendar import VietnamHolidays, is_working_day
from services.clock import VIETNAM

Session = tuple[time, time]
DEFAULT_SESSIONS: tuple[Session, ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
_SEARCH_DAYS = 60  # Tết and a weekend fit well within this


def parse_sessions(text: str) -> tuple[Session, ...]:
    """ "07:30-11:30,13:30-17:00" → sessions, checked to be ordered and not overlapping."""
    sessions: list[Session] = []
    for part in text.split(","):
        start, sep, end = part.strip().partition("-")
        if not sep:
            raise ValueError(f"office hours: {part.strip()!r} is not like 07:30-11:30")
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        if closes <= opens or (sessions and opens < sessions[-1][1]):
            raise ValueError(f"office hours: {part.strip()!r} is out of order")
        sessions.append((opens, closes))
    if not sessions:
        raise ValueError("office hours: no session given")
    return tuple(sessions)


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Opening sessions of each working day; holidays default to Vietnam's public ones."""

    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    holidays: Container[date] | None = None

    def _days_off(self) -> Container[date]:
        return VietnamHolidays() if self.holidays is None else self.holidays

    def is_open(self, moment: datetime) -> bool:
        """Whether an officer is expected at the desk at `moment` (an aware datetime)."""
        local = moment.astimezone(VIETNAM)
        if not is_working_day(local.date(), self._days_off()):
            return False
        now = local.time()
        return any(opens <= now < closes for opens, closes in self.sessions)

    def next_opening(self, moment: datetime) -> datetime:
        """The start of the next session after `moment` (in Vietnam's time zone); `moment`
        itself when the desk is open then."""
        if self.is_open(moment):
            return moment.astimezone(VIETNAM)
        local = moment.astimezone(VIETNAM)
        day = local.date()
        for offset in range(_SEARCH_DAYS):
            current = day + timedelta(days=offset)
            if not is_working_day(current, self._days_off()):
                continue
            for opens, _ in self.sessions:
                start = datetime.combine(current, opens, VIETNAM)
                if start > local:
                    return start
        raise ValueError("no opening session in the coming weeks")  # a misconfiguration
