"""Working days and due dates in Vietnam, and the lunar calendar behind Tết and Hùng Kings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.calendar import (
    VietnamHolidays,
    add_working_days,
    is_working_day,
    next_working_day,
    public_holidays,
    reception_day,
    working_days_between,
)
from services.lunar import (
    LunarDate,
    from_lunar,
    last_day_of_lunar_year,
    lunar_new_year,
    to_lunar,
)

NO_HOLIDAYS: frozenset[date] = frozenset()


@pytest.mark.parametrize(
    ("year", "tet"),
    [(2024, date(2024, 2, 10)), (2025, date(2025, 1, 29)), (2026, date(2026, 2, 17)),
     (2027, date(2027, 2, 6)), (2028, date(2028, 1, 26)), (2023, date(2023, 1, 22)),
     (2021, date(2021, 2, 12))],
)  # fmt: skip
def test_tet_dates(year: int, tet: date) -> None:
    assert lunar_new_year(year) == tet
    assert to_lunar(tet) == LunarDate(year, 1, 1)


@pytest.mark.parametrize(
    ("year", "expected"),
    # 2007 and 2030: a new moon between 23:00 and 24:00 in Vietnam, so Tết comes a day
    # before China's; 1985: a whole month before. Only UTC+7 gives these.
    [(2007, date(2007, 2, 17)), (2030, date(2030, 2, 2)), (1985, date(1985, 1, 21))],
)
def test_tet_is_computed_at_vietnamese_time(year: int, expected: date) -> None:
    assert lunar_new_year(year) == expected


@pytest.mark.parametrize(
    ("year", "day"),
    [(2025, date(2025, 4, 7)), (2026, date(2026, 4, 26)), (2024, date(2024, 4, 18)),
     (2023, date(2023, 4, 29))],
)  # fmt: skip
def test_hung_kings_day(year: int, day: date) -> None:
    assert from_lunar(year, 3, 10) == day


def test_leap_months_are_found() -> None:
    # 2023 repeated month 2; 2025 repeated month 6.
    assert to_lunar(date(2023, 3, 22)) == LunarDate(2023, 2, 1, leap=True)
    assert to_lunar(date(2025, 7, 25)) == LunarDate(2025, 6, 1, leap=True)
    assert from_lunar(2025, 6, 1, leap=True) == date(2025, 7, 25)
    with pytest.raises(ValueError, match="does not exist"):
        from_lunar(2026, 6, 1, leap=True)


def test_last_day_of_the_lunar_year_is_29_or_30() -> None:
    # Tết Ất Tỵ (2025) and Bính Ngọ (2026) had no "30 Tết"; Giáp Thìn (2024) had one.
    assert to_lunar(last_day_of_lunar_year(2025)) == LunarDate(2024, 12, 29)
    assert to_lunar(last_day_of_lunar_year(2026)) == LunarDate(2025, 12, 29)
    assert to_lunar(last_day_of_lunar_year(2024)) == LunarDate(2023, 12, 30)
    assert last_day_of_lunar_year(2025) == date(2025, 1, 28)


def test_day_30_of_a_29_day_month_does_not_exist() -> None:
    with pytest.raises(ValueError):
        from_lunar(2025, 12, 30)


def test_the_month_that_fooled_the_mean_lunation_estimate() -> None:
    # May 2054: a day-0 bug in the plain algorithm; each day must have a real lunar day.
    for n in range(-3, 4):
        assert 1 <= to_lunar(date(2054, 5, 7) + timedelta(days=n)).day <= 30


@given(st.dates(date(1901, 3, 1), date(2198, 12, 31)))
def test_lunar_conversion_round_trips(day: date) -> None:
    lunar = to_lunar(day)
    assert 1 <= lunar.month <= 12 and 1 <= lunar.day <= 30
    assert from_lunar(lunar.year, lunar.month, lunar.day, lunar.leap) == day


def test_years_outside_the_range_are_refused() -> None:
    with pytest.raises(ValueError):
        to_lunar(date(1800, 1, 1))


# --- holidays --------------------------------------------------------------------------------


def test_2026_holidays() -> None:
    assert public_holidays(2026) == {
        date(2026, 1, 1),
        *(date(2026, 2, d) for d in range(16, 21)),  # 29 Tết to mùng 4
        date(2026, 4, 26),  # Hùng Kings, a Sunday…
        date(2026, 4, 27),  # …compensated on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 2),
        date(2026, 9, 3),  # no known decision: the day after
    }


def test_2025_tet_saturday_is_compensated_on_monday() -> None:
    holidays = public_holidays(2025)
    tet_days = {date(2025, 1, 28), *(date(2025, 1, 29) + timedelta(days=n) for n in range(4))}
    assert tet_days <= holidays and date(2025, 2, 1).weekday() == 5
    assert date(2025, 2, 3) in holidays and date(2025, 2, 4) not in holidays
    assert date(2025, 9, 1) in holidays and date(2025, 9, 3) not in holidays  # decided 1 Sep


def test_two_weekend_holidays_push_two_compensatory_days() -> None:
    # 2022: 30 April on Saturday, 1 May on Sunday: Monday 2 and Tuesday 3 May off.
    holidays = public_holidays(2022)
    assert {date(2022, 5, 2), date(2022, 5, 3)} <= holidays
    assert date(2022, 5, 4) not in holidays


def test_compensation_skips_days_already_off() -> None:
    # 2023: Hùng Kings Saturday 29/4, Sunday 30/4, Monday 1/5 → Tuesday 2 and Wednesday 3 May.
    holidays = public_holidays(2023)
    assert {date(2023, 5, 2), date(2023, 5, 3)} <= holidays
    assert date(2023, 5, 4) not in holidays


def test_new_year_on_a_weekend() -> None:
    assert date(2022, 1, 3) in public_holidays(2022)  # 1 Jan 2022 was a Saturday
    assert date(2026, 1, 2) not in public_holidays(2026)  # 1 Jan 2026 is a Thursday


@given(st.integers(2000, 2150))
def test_every_year_has_eleven_statutory_days_off_on_weekdays(year: int) -> None:
    # 11 holidays; each weekend one is replaced, so exactly 11 fall on weekdays.
    weekdays = [d for d in public_holidays(year) if d.weekday() < 5]
    assert len(weekdays) == 11
    assert all(d.year == year for d in public_holidays(year))


# --- working days ----------------------------------------------------------------------------


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 11, 25))  # Wednesday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 9, 2))
    assert is_working_day(date(2026, 9, 2), NO_HOLIDAYS)
    assert not is_working_day(date(2026, 11, 25), {date(2026, 11, 25)})


def test_due_dates_count_from_the_next_working_day() -> None:
    wednesday = date(2026, 11, 25)
    assert add_working_days(wednesday, 0) == wednesday
    assert add_working_days(wednesday, 1) == date(2026, 11, 26)
    assert add_working_days(wednesday, 3) == date(2026, 11, 30)  # over the weekend
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday


def test_due_dates_skip_holidays() -> None:
    # Received Friday 13 February 2026: Tết takes 16–20 February.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert add_working_days(date(2026, 2, 13), 3, NO_HOLIDAYS) == date(2026, 2, 18)


def test_due_dates_cross_the_year() -> None:
    # Wednesday 30 December 2026 + 3: Thursday 31, (1 January off), Monday 4, Tuesday 5.
    assert add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)


def test_negative_processing_times_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 25), -1)


def test_reception_moves_to_the_next_working_day() -> None:
    assert reception_day(date(2026, 11, 28)) == date(2026, 11, 30)
    assert reception_day(date(2026, 11, 25)) == date(2026, 11, 25)
    assert next_working_day(date(2026, 4, 29)) == date(2026, 5, 4)  # 30/4, 1/5, weekend


def test_holidays_container_answers_for_any_year() -> None:
    holidays = VietnamHolidays()
    assert date(2031, 1, 1) in holidays and date(2031, 1, 6) not in holidays
    assert "2031-01-01" not in holidays


@given(st.dates(date(2020, 1, 1), date(2040, 12, 31)), st.integers(0, 60))
def test_due_date_is_a_working_day_exactly_n_working_days_later(start: date, days: int) -> None:
    due = add_working_days(start, days)
    assert working_days_between(start, due) == days
    if days:
        assert is_working_day(due)
        assert working_days_between(start, due - timedelta(days=1)) == days - 1
