"""Parse and validate a citizen's typed answer to one e-form field.

Each parser returns the value to store (JSON-friendly: str, int, bool) or raises
`AnswerError` with a reason code and parameters, from which the conversation layer builds a
specific message. Select, yes/no and address answers also arrive as buttons; their typed forms
are parsed here too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from services.catalog import DateRange, FieldSpec, FieldType, Option
from services.identity import (
    IdNumberError,
    IdProblem,
    Sex,
    check_id_matches,
    normalise_mobile,
    parse_id_number,
)
from services.phone_numbers import phone_problem
from services.text_folding import fold, to_ascii

JsonValue = str | int | bool | dict[str, str]

TEXT_MAX = 200
TEXTAREA_MAX = 2000
MONEY_MAX = 10**13
EARLIEST = date(1900, 1, 1)
FUTURE_YEARS = 10
_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YES = {"co", "c", "yes", "y", "dong y", "ok", "phai", "dung", "1", "true"}
_NO = {"khong", "k", "ko", "no", "n", "0", "false", "khong dong y"}


@dataclass(frozen=True)
class AnswerError(ValueError):
    """A typed answer that does not fit the field; `reason` keys the message to show."""

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


def parse_answer(
    spec: FieldSpec, text: str, today: date, answers: Mapping[str, JsonValue]
) -> JsonValue:
    """Validate `text` for `spec`; `answers` holds earlier answers for cross-field checks."""
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise AnswerError("empty")
    match spec.type:
        case FieldType.TEXT | FieldType.TEXTAREA:
            return _text(spec, text)
        case FieldType.NUMBER:
            return _number(spec, text)
        case FieldType.MONEY:
            return parse_money(text)
        case FieldType.DATE:
            return parse_date(text, spec.date_range, today).isoformat()
        case FieldType.CCCD:
            return _cccd(spec, text, today, answers)
        case FieldType.PHONE:
            phone = normalise_mobile(text)
            if phone is None:
                problem, params = phone_problem(text)
                raise AnswerError(f"phone_{problem.value}", params)
            return phone
        case FieldType.EMAIL:
            if len(text) > 254 or not _EMAIL_RE.match(text):
                raise AnswerError("email")
            return text.lower()
        case FieldType.SELECT:
            return match_option(spec.options, text).value
        case FieldType.YESNO:
            return parse_yes_no(text)
        case FieldType.ADDRESS:
            raise AnswerError("address_use_steps")
        case FieldType.ACCOUNT:
            return parse_account(text)
        case FieldType.HOLDER:
            return parse_holder(text)


def _text(spec: FieldSpec, text: str) -> str:
    limit = spec.max_length or (TEXTAREA_MAX if spec.type is FieldType.TEXTAREA else TEXT_MAX)
    if len(text) > limit:
        raise AnswerError("too_long", {"max": limit, "length": len(text)})
    if spec.type is FieldType.TEXT:
        text = " ".join(text.split())
    return text


def _number(spec: FieldSpec, text: str) -> int:
    cleaned = text.replace(" ", "")
    if not cleaned.isascii() or not cleaned.lstrip("-").isdigit() or len(cleaned) > 12:
        raise AnswerError("number")
    value = int(cleaned)
    low = spec.min_value if spec.min_value is not None else 0
    high = spec.max_value
    if value < low or (high is not None and value > high):
        raise AnswerError("number_range", {"min": low, "max": high if high is not None else "∞"})
    return value


def parse_money(text: str) -> int:
    """Parse a VND amount: "15000", "15.000 đ", "15,000", "15k", "1,5 triệu"."""
    folded = fold(text).replace(" ", "")
    multiplier = 1
    for suffix, factor in (("trieu", 10**6), ("tr", 10**6), ("k", 1000), ("nghin", 1000)):
        if folded.endswith(suffix):
            folded, multiplier = folded[: -len(suffix)], factor
            break
    for suffix in ("vnd", "dong", "d"):
        if multiplier == 1 and folded.endswith(suffix):
            folded = folded[: -len(suffix)]
            break
    if multiplier > 1:
        number = folded.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", folded):
        number = folded.replace(".", "").replace(",", "")
    else:
        number = folded
    if not re.fullmatch(r"\d+(\.\d+)?", number):
        raise AnswerError("money")
    try:
        value = Decimal(number) * multiplier
    except InvalidOperation:
        raise AnswerError("money") from None
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        raise AnswerError("money")
    if value > MONEY_MAX:
        raise AnswerError("money_too_large")
    return int(value)


def parse_date(text: str, allowed: DateRange, today: date) -> date:
    """Parse dd/mm/yyyy (also with - or .) and check it lies in the allowed range."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise AnswerError("date_format")
    day, month, year = (int(part) for part in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise AnswerError("date_invalid") from None
    latest = date(today.year + FUTURE_YEARS, 12, 31)
    if allowed is DateRange.PAST and value > today:
        raise AnswerError("date_future")
    if allowed is DateRange.FUTURE and value < today:
        raise AnswerError("date_past")
    if value < EARLIEST:
        raise AnswerError("date_too_early", {"year": EARLIEST.year})
    if value > latest:
        raise AnswerError("date_too_late", {"year": latest.year})
    return value


def _cccd(spec: FieldSpec, text: str, today: date, answers: Mapping[str, JsonValue]) -> str:
    try:
        parsed = parse_id_number(text, today)
        birth = answers.get(spec.birth_date_field or "")
        sex = answers.get(spec.sex_field or "")
        check_id_matches(
            parsed,
            date.fromisoformat(birth) if isinstance(birth, str) else None,
            Sex(sex) if isinstance(sex, str) and sex in Sex._value2member_map_ else None,
        )
    except IdNumberError as exc:
        raise _cccd_error(exc, answers.get(spec.birth_date_field or "")) from None
    return parsed.number


def _cccd_error(exc: IdNumberError, birth: JsonValue | None) -> AnswerError:
    """The refusal; a future birth year from a wrong century digit, when the birth date is
    known, is named as what it is: the ID does not match that date."""
    if exc.problem is IdProblem.FUTURE_YEAR and isinstance(birth, str):
        year = date.fromisoformat(birth).year
        return AnswerError(
            "cccd_birth_year_mismatch", {"id_year": exc.params["year"], "year": year}
        )
    return AnswerError(f"cccd_{exc.problem.value}", exc.params)


def match_option(options: tuple[Option, ...], text: str) -> Option:
    """Match a typed choice by its number in the list, its value or its label (folded)."""
    wanted = fold(text)
    if wanted.isdigit() and 1 <= int(wanted) <= len(options):
        return options[int(wanted) - 1]
    for option in options:
        if wanted in (fold(option.value), fold(option.label.vi), fold(option.label.en)):
            return option
    prefixed = [o for o in options if fold(o.label.vi).startswith(wanted)]
    if len(wanted) >= 3 and len(prefixed) == 1:
        return prefixed[0]
    raise AnswerError("select", {"count": len(options)})


def parse_yes_no(text: str) -> bool:
    """Understand typed yes/no in Vietnamese or English."""
    folded = fold(text).strip(".! ")
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise AnswerError("yesno")


def parse_account(text: str) -> str:
    """A bank account number: 6 to 19 letters or digits; spaces, dots and dashes dropped."""
    account = re.sub(r"[\s.\-]", "", text).upper()
    if not (account.isascii() and account.isalnum() and 6 <= len(account) <= 19):
        raise AnswerError("account")
    return account


def parse_holder(text: str) -> str:
    """An account holder's name as banks print it: "Nông Thị Hoa" → "NONG THI HOA"."""
    name = " ".join(to_ascii(text).upper().split())
    if not (2 <= len(name) <= 50) or not all(ch.isalpha() or ch == " " for ch in name):
        raise AnswerError("holder")
    return name
