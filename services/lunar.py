"""The Vietnamese lunar calendar (âm lịch), for holidays fixed by lunar date.

Hồ Ngọc Đức's algorithm: new moons and the sun's longitude from Jean Meeus's "Astronomical
Algorithms", evaluated at UTC+7. The time zone matters: Vietnam's and China's calendars differ
in the years when a new moon falls between 23:00 and 24:00 Vietnamese time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

TIME_ZONE = 7.0  # hours east of UTC; fixed since 1975
FIRST_YEAR, LAST_YEAR = 1900, 2199  # the range where the series are accurate to the day
_JD_EPOCH = 1721425  # Julian day number of date.min (1 January of year 1)
_SYNODIC = 29.530588853
_K_EPOCH = 2415021.076998695  # the new moon of 1900-01-01, origin of the lunation count
_DR = math.pi / 180


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; `leap` marks the repeated (nhuận) month."""

    year: int
    month: int
    day: int
    leap: bool = False


def _jd(day: date) -> int:
    return day.toordinal() + _JD_EPOCH


def _from_jd(jd: int) -> date:
    return date.fromordinal(jd - _JD_EPOCH)


def _new_moon(k: int) -> float:
    """The Julian date of the k-th new moon after 1900-01-01 (Meeus, chapter 49, abridged)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DR)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * _DR
    mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * _DR
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * _DR
    c1 = (0.1734 - 0.000393 * t) * math.sin(m) + 0.0021 * math.sin(2 * m)
    c1 += -0.4068 * math.sin(mpr) + 0.0161 * math.sin(2 * mpr) - 0.0004 * math.sin(3 * mpr)
    c1 += 0.0104 * math.sin(2 * f) - 0.0051 * math.sin(m + mpr) - 0.0074 * math.sin(m - mpr)
    c1 += 0.0004 * math.sin(2 * f + m) - 0.0004 * math.sin(2 * f - m)
    c1 += -0.0006 * math.sin(2 * f + mpr) + 0.0010 * math.sin(2 * f - mpr)
    c1 += 0.0005 * math.sin(2 * mpr + m)
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _new_moon_day(k: int) -> int:
    """The Julian day number, local time, of the day holding the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + TIME_ZONE / 24)


def _sun_sector(jd: int) -> int:
    """Which of the 12 30° sectors the sun's longitude is in at the start of local day `jd`."""
    t = (jd - 0.5 - TIME_ZONE / 24 - 2451545.0) / 36525
    t2 = t * t
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(_DR * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(_DR * 2 * m) + 0.000290 * math.sin(_DR * 3 * m)
    longitude = ((l0 + dl) * _DR) % (2 * math.pi)
    return math.floor(longitude / math.pi * 6)


def _month_11(year: int) -> int:
    """The first day of lunar month 11 (the month holding the winter solstice) of `year`."""
    k = math.floor((_jd(date(year, 12, 31)) - 2415021) / _SYNODIC)
    start = _new_moon_day(k)
    if _sun_sector(start) >= 9:  # that new moon is after the solstice: take the one before
        start = _new_moon_day(k - 1)
    return start


def _leap_offset(a11: int) -> int:
    """In a 13-month year from month 11 at `a11`, the index of the first month with no
    major solar term: that month is the leap month."""
    k = math.floor((a11 - _K_EPOCH) / _SYNODIC + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            return i - 1


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is outside {FIRST_YEAR}..{LAST_YEAR}")


def to_lunar(day: date) -> LunarDate:
    """The lunar date of a solar (Gregorian) date."""
    _check_year(day.year)
    jd = _jd(day)
    # Mean lunations only estimate k: step to the last new moon on or before the day (the
    # plain estimate is one lunation off in May 2054).
    k = math.floor((jd - _K_EPOCH) / _SYNODIC)
    while _new_moon_day(k) > jd:
        k -= 1
    while _new_moon_day(k + 1) <= jd:
        k += 1
    month_start = _new_moon_day(k)
    a11 = b11 = _month_11(day.year)
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month_11(day.year - 1)
    else:
        lunar_year = day.year + 1
        b11 = _month_11(day.year + 1)
    diff = math.floor((month_start - a11) / 29)
    month, leap = diff + 11, False
    if b11 - a11 > 365:
        leap_diff = _leap_offset(a11)
        if diff >= leap_diff:
            month = diff + 10
            leap = diff == leap_diff
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_year, month, jd - month_start + 1, leap)


def from_lunar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a lunar date; ValueError if that lunar date does not exist."""
    _check_year(year)
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ValueError(f"no lunar day {day}/{month}")
    if month < 11:
        a11, b11 = _month_11(year - 1), _month_11(year)
    else:
        a11, b11 = _month_11(year), _month_11(year + 1)
    k = math.floor(0.5 + (a11 - _K_EPOCH) / _SYNODIC)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_offset(a11)
        if leap or offset >= leap_offset:
            offset += 1
    solar = _from_jd(_new_moon_day(k + offset) + day - 1)
    # A day 30 of a 29-day month, or a leap flag on an ordinary month, lands elsewhere.
    if to_lunar(solar) != LunarDate(year, month, day, leap):
        raise ValueError(f"lunar {day}/{month}/{year}{' (leap)' if leap else ''} does not exist")
    return solar


def lunar_new_year(year: int) -> date:
    """Tết Nguyên đán: the solar date of lunar 1/1 of `year`."""
    return from_lunar(year, 1, 1)


def last_day_of_lunar_year(year: int) -> date:
    """The last day (29 or 30 of month 12) of the lunar year that ends just before Tết `year`."""
    return lunar_new_year(year) - timedelta(days=1)
