"""Cross-field rules of a procedure (its `checks:`), and which questions are still to come.

A rule is checked when the last of its fields (in form order) is answered, and again over the
whole form at review, since an edit of an earlier answer can break it. A rule whose fields
are not all shown and answered does not apply yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from services.answers import AnswerError, JsonValue
from services.catalog import FieldSpec, FieldType, Procedure
from services.catalog_rules import Check, CheckKind
from services.identity import IdNumberError, parse_id_number


@dataclass(frozen=True)
class CheckError(AnswerError):
    """A broken cross-field rule; `fields` are the keys it is about, in the rule's order."""

    fields: tuple[str, ...] = ()


def check_on_answer(
    proc: Procedure, key: str, answers: Mapping[str, JsonValue], today: date
) -> CheckError | None:
    """The first rule broken by answering `key`, among rules whose last field is `key`."""
    concerned = [check for check in proc.checks if key in check.fields]
    if not concerned:  # most answers: no rule to check, and no cost
        return None
    order = {spec.key: index for index, spec in enumerate(proc.fields)}
    for check in concerned:
        if max(check.fields, key=lambda k: order.get(k, -1)) == key:
            error = evaluate(proc, check, answers, today)
            if error is not None:
                return error
    return None


def broken_checks(
    proc: Procedure, answers: Mapping[str, JsonValue], today: date
) -> tuple[CheckError, ...]:
    """Every rule the answers break (for the review)."""
    found = (evaluate(proc, check, answers, today) for check in proc.checks)
    return tuple(error for error in found if error is not None)


def evaluate(
    proc: Procedure, check: Check, answers: Mapping[str, JsonValue], today: date
) -> CheckError | None:
    """Whether `check` holds; None when it holds or does not apply yet."""
    values = [answers.get(key) for key in check.fields]
    if any(v is None or v == "" for v in values):
        return None
    found = {spec.key: spec for spec in proc.fields if spec.key in check.fields}
    specs = [found[key] for key in check.fields if key in found and found[key].shown(answers)]
    if len(specs) < len(check.fields):  # a field the answers hide: the rule does not apply
        return None
    match check.kind:
        case CheckKind.DISTINCT:
            for (a, va), (b, vb) in combinations(zip(check.fields, values, strict=True), 2):
                if _same(va, vb):
                    return CheckError("check_distinct", {}, fields=(a, b))
        case CheckKind.ORDER:
            pairs = zip(check.fields, check.fields[1:], values, values[1:], strict=False)
            for a, b, va, vb in pairs:
                if _after(va, vb):
                    return CheckError("check_order", {}, fields=(a, b))
        case CheckKind.AGE_GAP:
            return _age_gap(check, specs, values, today)
    return None


def _after(a: JsonValue | None, b: JsonValue | None) -> bool:
    """Whether `a` comes after `b`: ISO dates compare as text, numbers as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a > b
    if isinstance(a, int) and isinstance(b, int):
        return a > b
    return False


def _same(a: JsonValue | None, b: JsonValue | None) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def _birth(spec: FieldSpec, value: JsonValue | None, today: date) -> date | int | None:
    """A date field's day, or the birth year an ID number encodes."""
    if not isinstance(value, str):
        return None
    if spec.type is FieldType.DATE:
        return date.fromisoformat(value)
    try:
        return parse_id_number(value, today).birth_year
    except IdNumberError:
        return None  # the field's own check reports it


def _age_gap(
    check: Check, specs: list[FieldSpec], values: list[JsonValue | None], today: date
) -> CheckError | None:
    older = _birth(specs[0], values[0], today)
    younger = _birth(specs[1], values[1], today)
    if older is None or younger is None:
        return None
    older_year = older if isinstance(older, int) else older.year
    younger_year = younger if isinstance(younger, int) else younger.year
    gap = younger_year - older_year
    if isinstance(older, date) and isinstance(younger, date):
        gap -= (younger.month, younger.day) < (older.month, older.day)
        reversed_ = younger < older
    else:
        reversed_ = younger_year < older_year
    params: dict[str, str | int] = {
        "older_year": older_year,
        "younger_year": younger_year,
        "years": check.years,
        "gap": max(gap, 0),
    }
    if reversed_:
        return CheckError("check_born_before", params, fields=check.fields)
    if gap < check.years:
        return CheckError("check_age_gap", params, fields=check.fields)
    return None


def expected_fields(
    proc: Procedure, answers: Mapping[str, JsonValue], current: str
) -> tuple[FieldSpec, ...]:
    """The questions of the whole form as far as the answers so far tell.

    A conditional field whose controlling question is still to come counts as asked (it may
    be), so the "question i of n" counter never passes its total when it appears; once the
    controlling question is answered or skipped, the field counts only if it applies.
    """
    keys = [spec.key for spec in proc.fields]
    here = keys.index(current) if current in keys else len(keys)
    counted: dict[str, FieldSpec] = {}
    for spec in proc.fields:
        if spec.show_if is None or spec.shown(answers):
            counted[spec.key] = spec
            continue
        controller = spec.show_if[0]
        undecided = controller not in answers and keys.index(controller) >= here
        if undecided and controller in counted:
            counted[spec.key] = spec
    return tuple(counted.values())
