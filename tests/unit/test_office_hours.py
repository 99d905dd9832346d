"""Office hours of the officers' desk, in Vietnam's time: when the next answer can come."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.clock import VIETNAM
from services.office_hours import OfficeHours, parse_sessions

HOURS = OfficeHours()


def vn(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (datetime(2026, 12, 5, 15, 0, tzinfo=UTC), vn(7, 7, 30)),  # Saturday 22:00 → Monday
        (vn(4, 11, 45), vn(4, 13, 30)),  # Friday's lunch break → the afternoon
        (vn(4, 17, 0), vn(7, 7, 30)),  # Friday at closing time → Monday
        (vn(8, 6, 59), vn(8, 7, 30)),  # Tuesday before opening → that morning
        # Tuesday 00:30 in Vietnam is still Monday 17:30 in UTC: Tuesday morning, not Monday's
        (datetime(2026, 12, 7, 17, 30, tzinfo=UTC), vn(8, 7, 30)),
        (vn(1, 20, 0, month=9), vn(4, 7, 30, month=9)),  # National Day 2–3/9 → 4/9
    ],
)
def test_outside_hours_the_next_opening_is_in_vietnam_time(
    moment: datetime, opening: datetime
) -> None:
    assert not HOURS.is_open(moment)
    assert HOURS.next_opening(moment) == opening


def test_inside_hours_the_desk_is_open_now() -> None:
    assert HOURS.is_open(vn(7, 7, 30)) and HOURS.is_open(vn(7, 16, 59))
    assert HOURS.next_opening(vn(7, 10, 0)) == vn(7, 10, 0)


def test_configured_sessions_and_holidays_are_honoured() -> None:
    hours = OfficeHours(parse_sessions("08:00-12:00, 13:00-16:30"), holidays={date(2026, 12, 7)})
    assert hours.next_opening(datetime(2026, 12, 5, 15, 0, tzinfo=UTC)) == vn(8, 8, 0)
    assert hours.is_open(vn(8, 16, 0)) and not hours.is_open(vn(8, 16, 30))


@pytest.mark.parametrize("text", ["", "7:30", "11:30-07:30", "07:30-11:30,11:00-17:00", "x-y"])
def test_malformed_office_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_sessions(text)
