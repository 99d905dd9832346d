"""Per-field rules of the catalogue applied to an answer, and the checks a whole form passes.

`validate_answer` is what the form engine calls for a typed answer: the field type's parser,
then the field's own rules (date limits, person names, the sex an ID must encode), then the
cross-field rules the answer completes. `form_problems` rechecks stored answers at review.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.answers import AnswerError, JsonValue, parse_answer, parse_date
from services.catalog import FieldSpec, FieldType, Procedure
from services.catalog_rules import RoleSex, TextFormat
from services.form_checks import CheckError, broken_checks, check_on_answer
from services.identity import IdNumberError, Sex, parse_id_number

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "–": "-"})
_NAME_SEPARATORS = frozenset(" -'")


def validate_answer(
    proc: Procedure, spec: FieldSpec, text: str, today: date, answers: Mapping[str, JsonValue]
) -> JsonValue:
    """Parse and check a typed answer; raises `AnswerError` (or `CheckError`) with the reason."""
    value = apply_rules(spec, parse_answer(spec, text, today, answers), today)
    error = check_on_answer(proc, spec.key, {**answers, spec.key: value}, today)
    if error is not None:
        raise error
    return value


def apply_rules(spec: FieldSpec, value: JsonValue, today: date) -> JsonValue:
    """The field's own catalogue rules on a parsed value; returns the value to store."""
    rules = spec.rules
    if rules.format is TextFormat.PERSON_NAME and isinstance(value, str):
        return person_name(value)
    if spec.type is FieldType.DATE and isinstance(value, str):
        day = date.fromisoformat(value)
        if rules.min_date and day < (low := rules.min_date.resolve(today)):
            raise AnswerError("date_before_min", {"limit": low.strftime("%d/%m/%Y")})
        if rules.max_date and day > (high := rules.max_date.resolve(today)):
            raise AnswerError("date_after_max", {"limit": high.strftime("%d/%m/%Y")})
    if rules.sex is not None and spec.type is FieldType.CCCD and isinstance(value, str):
        wanted = Sex.FEMALE if rules.sex is RoleSex.FEMALE else Sex.MALE
        if parse_id_number(value, today).sex is not wanted:
            reason = "cccd_not_female" if wanted is Sex.FEMALE else "cccd_not_male"
            raise AnswerError(reason, {"digit": value[3]})
    return value


def person_name(text: str) -> str:
    """A person's name: Latin letters with any diacritics, spaces, hyphens, apostrophes."""
    name = " ".join(unicodedata.normalize("NFC", text).translate(_APOSTROPHES).split())
    for ch in name:
        if ch in _NAME_SEPARATORS:
            continue
        if ch.isdigit():
            raise AnswerError("name_digits")
        if not _latin_letter(ch):
            raise AnswerError("name_symbol", {"char": ch})
    letters = sum(ch.isalpha() for ch in name)
    if letters < 2 or name[0] in _NAME_SEPARATORS or name[-1] in _NAME_SEPARATORS:
        raise AnswerError("name_short" if letters < 2 else "name_edges")
    return name


@functools.lru_cache(maxsize=1024)
def _latin_letter(ch: str) -> bool:
    """A letter of the Latin script (Vietnamese ones included); cached: names repeat letters."""
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A stored answer that no longer passes its field's checks."""

    spec: FieldSpec
    error: AnswerError


def recheck(
    spec: FieldSpec, value: JsonValue, today: date, answers: Mapping[str, JsonValue]
) -> None:
    """Check a stored answer again (answers can change, and drafts age); raises `AnswerError`."""
    if spec.type is FieldType.CCCD and isinstance(value, str):
        apply_rules(spec, parse_answer(spec, value, today, answers), today)
    elif spec.type is FieldType.DATE and isinstance(value, str):
        day = date.fromisoformat(value)
        parse_date(day.strftime("%d/%m/%Y"), spec.date_range, today)
        apply_rules(spec, value, today)
    elif spec.rules.format is not None and isinstance(value, str):
        apply_rules(spec, value, today)


def form_problems(
    proc: Procedure, answers: Mapping[str, JsonValue], today: date
) -> tuple[tuple[FieldProblem, ...], tuple[CheckError, ...]]:
    """Stored answers that fail their field's checks, and the cross-field rules broken."""
    problems: list[FieldProblem] = []
    for spec in proc.shown_fields(answers):
        value = answers.get(spec.key)
        if value is None:
            continue
        try:
            recheck(spec, value, today, answers)
        except (AnswerError, IdNumberError) as error:
            if isinstance(error, IdNumberError):
                error = AnswerError(f"cccd_{error.problem.value}", error.params)
            problems.append(FieldProblem(spec, error))
    return tuple(problems), broken_checks(proc, answers, today)
