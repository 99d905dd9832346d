"""The parts of a fee rule and of what a procedure offers, as catalogue data.

A fee item (services.catalog.FeeItem) is a base price that these parts refine: a quantity
read from a numeric answer (per copy, per page, per person; "from the third one on"), price
tiers over that quantity, price cases chosen by an answer or by the date (a temporary cut),
and exemptions for people the legal basis names (a condition on the answers: a select value,
a yes/no, or an age computed from a date answer on the filing date). Each part keeps where its
figures come from (`source`) or says it is `inferred`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.local_text import LocalText

YES, NO = "yes", "no"  # how a condition names the answers of a yes/no field


def age_on(birth: date, day: date) -> int:
    """Whole years from `birth` to `day` (a birthday counts on its day)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_period(day: date, start: date | None, end: date | None) -> bool:
    """Whether `day` lies within [start, end] (an open side is unbounded)."""
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True, slots=True)
class Condition:
    """A test on one answer: a value among `values`, or an age bound from a date answer."""

    field: str
    values: tuple[str, ...] = ()
    age_under: int | None = None
    age_from: int | None = None

    def holds(self, answers: Mapping[str, object], day: date) -> bool:
        """Whether the answers meet the condition on `day`; an unanswered field never does."""
        value = answers.get(self.field)
        if value is None or value == "":
            return False
        if self.values:
            text = (YES if value else NO) if isinstance(value, bool) else str(value)
            if text not in self.values:
                return False
        if self.age_under is None and self.age_from is None:
            return True
        try:
            age = age_on(date.fromisoformat(str(value)), day)
        except ValueError:
            return False
        return (self.age_under is None or age < self.age_under) and (
            self.age_from is None or age >= self.age_from
        )


def all_hold(conditions: tuple[Condition, ...], answers: Mapping[str, object], day: date) -> bool:
    """Every condition holds (an empty list always does)."""
    return all(condition.holds(answers, day) for condition in conditions)


@dataclass(frozen=True, slots=True)
class Quantity:
    """How many units an answer asks for: e.g. copies; the first `beyond` are not counted."""

    field: str
    unit: LocalText  # the unit's name: "bản" / "copy"
    beyond: int = 0


@dataclass(frozen=True, slots=True)
class Tier:
    """A unit price for the units up to `up_to` (counted from the first; None: all the rest)."""

    amount: int
    up_to: int | None = None


@dataclass(frozen=True, slots=True)
class PriceCase:
    """A price variant: used instead of the base price when its conditions and dates hold."""

    amount: int | None
    online_amount: int | None = None
    when: tuple[Condition, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    note: LocalText | None = None
    source: str = ""
    inferred: bool = False

    def applies(self, answers: Mapping[str, object], day: date) -> bool:
        """Whether this case sets the price for these answers on `day`."""
        return in_period(day, self.valid_from, self.valid_until) and all_hold(
            self.when, answers, day
        )


@dataclass(frozen=True, slots=True)
class Exemption:
    """Who pays less: `percent` off (100: free) when every condition holds."""

    when: tuple[Condition, ...]
    note: LocalText  # "miễn cho trẻ em dưới 16 tuổi"
    percent: int = 100
    source: str = ""
    inferred: bool = False


class VisitPurpose(StrEnum):
    """Why the citizen must go to an office in person, even when filing online."""

    BIOMETRICS = "biometrics"  # photo, fingerprints, iris
    SIGNING = "signing"  # sign in front of the officer
    ORIGINALS = "originals"  # show or hand in original papers
    PRESENCE = "presence"  # be present (e.g. both partners at a marriage)


class VisitWhen(StrEnum):
    """When the visit happens relative to the online filing."""

    BEFORE_RESULT = "before_result"  # after filing, before the agency can decide
    AT_RESULT = "at_result"  # when collecting the result


@dataclass(frozen=True, slots=True)
class Visit:
    """An in-person step the procedure needs, where and when."""

    purpose: VisitPurpose
    when: VisitWhen
    place: LocalText
    source: str = ""
    inferred: bool = False
