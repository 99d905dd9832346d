"""Validation rules a clerk would apply, as catalogue data: per field and across fields.

Per field: date limits relative to today (``max_date: "+2y"``, ``min_date: "1900-01-01"``,
``min_date: "-30d"``), person names of letters only (``format: person_name``), and the sex an
ID number must encode for its role (``sex: female`` for a mother's ID). Across fields
(``checks:`` of a procedure): different ID numbers, dates in order, and an age gap between a
parent and a child. Each field also belongs to a review group (a block or ``group:``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from services.catalog import FieldSpec

_E = TypeVar("_E", bound=StrEnum)
Fail = Callable[[str, str], None]  # (where, message): how a reader reports a problem

_RELATIVE_RE = re.compile(r"^([+-])(\d{1,4})([dmy])$")


class TextFormat(StrEnum):
    """What a text field may contain, beyond its length."""

    PERSON_NAME = "person_name"  # letters (Vietnamese and other Latin), space, hyphen, apostrophe


class RoleSex(StrEnum):
    """The sex an ID number must encode for the person the field is about."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, slots=True)
class DateBound:
    """A date limit: a fixed day, or today shifted by days, months or years."""

    fixed: date | None = None
    amount: int = 0  # signed offset from today, in `unit`
    unit: str = "d"  # "d", "m" or "y"

    def resolve(self, today: date) -> date:
        """The limit as a day, given today's date (in Vietnam)."""
        if self.fixed is not None:
            return self.fixed
        if self.unit == "d":
            return today + timedelta(days=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        index = today.year * 12 + today.month - 1 + months
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(today.day, last))


@dataclass(frozen=True, slots=True)
class FieldRules:
    """Per-field rules beyond the field type."""

    min_date: DateBound | None = None
    max_date: DateBound | None = None
    format: TextFormat | None = None
    sex: RoleSex | None = None


NO_RULES = FieldRules()


class CheckKind(StrEnum):
    """The cross-field rules the catalogue can state."""

    DISTINCT = "distinct"  # no two of the fields have the same answer (ID numbers)
    ORDER = "order"  # each field's answer is no earlier (no smaller) than the one before
    AGE_GAP = "age_gap"  # the older person (date or ID) born at least `years` before the other


@dataclass(frozen=True, slots=True)
class Check:
    """One cross-field rule of a procedure."""

    kind: CheckKind
    fields: tuple[str, ...]
    years: int = 0


@dataclass(frozen=True, slots=True)
class FieldGroup:
    """A heading of the review: the block a field belongs to (applicant, child, mother…)."""

    key: str
    label_vi: str
    label_en: str


RULE_KEYS = frozenset({"min_date", "max_date", "format", "sex", "group"})
CHECK_KEYS = frozenset({"rule", "fields", "years", "note"})


def parse_date_bound(raw: Any, where: str, fail: Fail) -> DateBound | None:
    """``"+2y"``, ``"-30d"``, ``"-6m"``, ``"today"`` or a day ``"1900-01-01"``."""
    if raw is None:
        return None
    if isinstance(raw, date):  # YAML reads an unquoted 1900-01-01 as a date
        return DateBound(fixed=raw)
    text = str(raw).strip()
    if text == "today":
        return DateBound()
    match = _RELATIVE_RE.match(text)
    if match:
        sign, amount, unit = match.groups()
        return DateBound(amount=int(amount) * (-1 if sign == "-" else 1), unit=unit)
    try:
        return DateBound(fixed=date.fromisoformat(text))
    except ValueError:
        fail(where, f'{raw!r} is not a date limit: use "+2y", "-30d", "today" or "1900-01-01"')
        return None


def parse_field_rules(body: Mapping[str, Any], path: str, fail: Fail) -> FieldRules:
    """The per-field rule keys of one field body."""
    rules = FieldRules(
        min_date=parse_date_bound(body.get("min_date"), f"{path}.min_date", fail),
        max_date=parse_date_bound(body.get("max_date"), f"{path}.max_date", fail),
        format=_enum(TextFormat, body.get("format"), f"{path}.format", fail),
        sex=_enum(RoleSex, body.get("sex"), f"{path}.sex", fail),
    )
    today = date(2000, 1, 1)  # any day: only the order of two limits of one kind matters
    low, high = rules.min_date, rules.max_date
    same_kind = low and high and (low.fixed is None) == (high.fixed is None)
    if low and high and same_kind and low.resolve(today) > high.resolve(today):
        fail(path, "min_date is after max_date")
    return rules


def parse_group(body: Mapping[str, Any], path: str, fail: Fail) -> str:
    """The review group a procedure's own field is shown under ("" = the default group)."""
    value = body.get("group")
    if value is None:
        return ""
    if not isinstance(value, str) or not value:
        fail(f"{path}.group", "must name a group of blocks.yaml `groups:`")
        return ""
    return value


def parse_groups(raw: Any, fail: Fail) -> dict[str, FieldGroup]:
    """``groups: {applicant: {vi: ..., en: ...}, ...}`` of blocks.yaml."""
    groups: dict[str, FieldGroup] = {}
    if raw is None:
        return groups
    if not isinstance(raw, Mapping):
        fail("groups", "must be a mapping of group key to {vi, en}")
        return groups
    for key, label in raw.items():
        vi = label.get("vi") if isinstance(label, Mapping) else None
        en = label.get("en") if isinstance(label, Mapping) else None
        if not isinstance(vi, str) or not isinstance(en, str) or not vi or not en:
            fail(f"groups.{key}", "needs both languages: {vi: ..., en: ...}")
            continue
        groups[str(key)] = FieldGroup(str(key), vi, en)
    return groups


def parse_checks(raw: Any, fail: Fail) -> tuple[Check, ...]:
    """``checks: [{rule: distinct, fields: [a, b]}, {rule: age_gap, fields: [a, b], years: 9}]``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        fail("checks", "expected a list of rules")
        return ()
    checks: list[Check] = []
    for index, item in enumerate(raw):
        where = f"checks[{index}]"
        if not isinstance(item, Mapping):
            fail(where, "expected a mapping {rule, fields}")
            continue
        for unknown in sorted(str(k) for k in item if k not in CHECK_KEYS):
            fail(where, f"unknown key '{unknown}'")
        kind = _enum(CheckKind, item.get("rule"), f"{where}.rule", fail)
        keys = item.get("fields")
        if not isinstance(keys, list) or len(keys) < 2 or not all(isinstance(k, str) for k in keys):
            fail(f"{where}.fields", "needs a list of at least two field keys")
            continue
        years = item.get("years", 0)
        if kind is CheckKind.AGE_GAP and (len(keys) != 2 or not isinstance(years, int)):
            fail(where, "age_gap needs exactly two fields [older, younger] and whole `years`")
            continue
        if kind is not None:
            checks.append(Check(kind, tuple(keys), years if isinstance(years, int) else 0))
    return tuple(checks)


def check_rule_links(
    fields: Sequence[FieldSpec],
    checks: Sequence[Check],
    groups: Mapping[str, FieldGroup],
    fail: Fail,
) -> None:
    """Rules must name existing fields of a fitting type; groups must be declared."""
    by_key = {spec.key: spec for spec in fields}
    for spec in fields:
        where = f"fields[{spec.key}]"
        rules = spec.rules
        if (rules.min_date or rules.max_date) and spec.type != "date":
            fail(where, "min_date/max_date are only for date fields")
        if rules.format is not None and spec.type not in ("text", "textarea"):
            fail(f"{where}.format", "is only for text fields")
        if rules.sex is not None and (spec.type != "cccd" or spec.sex_field):
            fail(f"{where}.sex", "is for an ID (cccd) field without a sex_field")
        if spec.group and spec.group not in groups:
            fail(f"{where}.group", f"unknown group {spec.group!r}; known: {sorted(groups)}")
    allowed = {
        CheckKind.DISTINCT: {"cccd", "text", "phone", "email"},
        CheckKind.ORDER: {"date", "number", "money"},
        CheckKind.AGE_GAP: {"date", "cccd"},
    }
    for index, check in enumerate(checks):
        for key in check.fields:
            target = by_key.get(key)
            if target is None:
                fail(f"checks[{index}]", f"refers to a field that does not exist: {key!r}")
            elif str(target.type) not in allowed[check.kind]:
                kinds = ", ".join(sorted(allowed[check.kind]))
                fail(f"checks[{index}]", f"{check.kind} needs {kinds} fields, not {key!r}")


def _enum(kind: type[_E], raw: Any, where: str, fail: Fail) -> _E | None:
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        fail(where, f"unknown value {raw!r}; expected one of: {', '.join(kind)}")
        return None
