"""Working days in Vietnam: weekends, public holidays (Labour Code 2019) and due dates.

Public holidays follow Art. 112 cl. 1 of the Labour Code 2019 (Bộ luật Lao động 45/2019/QH14):
- 1 January;
- Tết Nguyên đán, 5 days. The law fixes the count and Art. 112 cl. 3 lets the Prime Minister
  pick the days each year. We use the last day of the lunar year (29 or 30 of month 12) and lunar
  1/1 to 4/1, the split most years' decisions use (2026: 16–20 February);
- the Hùng Kings' commemoration, lunar 10/3;
- 30 April and 1 May;
- 2 September and one adjacent day (1 or 3 September, chosen each year by the Prime Minister):
  the known choices are in `NATIONAL_DAY_ADJACENT`, other years default to 3 September.
When a holiday falls on a Saturday or Sunday (the weekly rest days of the public sector), the
next working day is given off instead (Art. 111 cl. 3).

Not modelled: the yearly swaps of a working day with a Saturday (hoán đổi ngày làm việc) and
the Prime Minister's other Tết splits (2024: 8–14 February, 2025: 27–31 January). Callers that
need the exact official calendar pass their own `holidays`.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache

from services.lunar import from_lunar, last_day_of_lunar_year, lunar_new_year

# The Prime Minister's yearly choice of the day next to 2 September (1 or 3).
NATIONAL_DAY_ADJACENT: dict[int, int] = {2021: 3, 2022: 1, 2023: 1, 2024: 3, 2025: 1}
_ONE_DAY = timedelta(days=1)


def is_weekend(day: date) -> bool:
    """Saturday or Sunday."""
    return day.weekday() >= 5


def _statutory_days(year: int) -> list[date]:
    """The holidays of Art. 112 cl. 1, before compensation."""
    tet = lunar_new_year(year)
    adjacent = NATIONAL_DAY_ADJACENT.get(year, 3)
    return [
        date(year, 1, 1),
        last_day_of_lunar_year(year),
        *(tet + timedelta(days=n) for n in range(4)),
        from_lunar(year, 3, 10),
        date(year, 4, 30),
        date(year, 5, 1),
        date(year, 9, 2),
        date(year, 9, adjacent),
    ]


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Every day off for public holidays in `year`, compensatory days included."""
    statutory = sorted(set(_statutory_days(year)))
    days_off = set(statutory)
    for holiday in statutory:
        if is_weekend(holiday):
            # Each weekend holiday moves to the next day that is neither weekend nor off:
            # 30 April on Saturday and 1 May on Sunday give Monday and Tuesday.
            substitute = holiday + _ONE_DAY
            while is_weekend(substitute) or substitute in days_off:
                substitute += _ONE_DAY
            days_off.add(substitute)
    return frozenset(days_off)


class VietnamHolidays:
    """Vietnam's public holidays of any year, computed when first asked (a `Container`)."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in public_holidays(day.year)


def is_working_day(day: date, holidays: Container[date] | None = None) -> bool:
    """Monday to Friday and not a holiday; `holidays` defaults to Vietnam's public holidays."""
    days_off = VietnamHolidays() if holidays is None else holidays
    return not is_weekend(day) and day not in days_off


def next_working_day(day: date, holidays: Container[date] | None = None) -> date:
    """The first working day strictly after `day`."""
    day += _ONE_DAY
    while not is_working_day(day, holidays):
        day += _ONE_DAY
    return day


def reception_day(day: date, holidays: Container[date] | None = None) -> date:
    """The day a dossier counts as received: `day` itself, or the next working day when a
    dossier arrives online on a weekend or holiday."""
    return day if is_working_day(day, holidays) else next_working_day(day, holidays)


def add_working_days(start: date, days: int, holidays: Container[date] | None = None) -> date:
    """The due date `days` working days after reception on `start`.

    Counting starts on the next working day after `start` (the day of reception is not
    counted), so 1 day after a Friday reception is the Monday; 0 days means the same day
    (procedures settled on the spot).
    """
    if days < 0:
        raise ValueError("a processing time cannot be negative")
    due = start
    for _ in range(days):
        due = next_working_day(due, holidays)
    return due


def working_days_between(start: date, end: date, holidays: Container[date] | None = None) -> int:
    """How many working days lie after `start` up to and including `end` (0 if end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day, holidays)
    return count
