"""Why a typed phone number is not a Vietnamese mobile number, in the citizen's terms."""

from __future__ import annotations

import re
from enum import StrEnum

from services.identity import MOBILE_RE

_SEPARATORS = re.compile(r"[\s.\-()]")


class PhoneProblem(StrEnum):
    """The real problem with a typed mobile number (each has its own message)."""

    LETTERS = "letters"  # "09l2345678", "số của tôi"
    SYMBOLS = "symbols"  # "0912/345/678"
    FOREIGN = "foreign"  # "+1 415…": a mobile number registered in Vietnam is needed
    MISSING_ZERO = "missing_zero"  # "912345678": the leading 0 was dropped
    LANDLINE = "landline"  # "0206 3852 123": a fixed line (0 + 2xx area code) cannot get SMS
    OLD_PREFIX = "old_prefix"  # "0912…" was "01…" before the 2018 move to 10 digits
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    PREFIX = "prefix"  # 10 digits, but no network uses that prefix


def phone_problem(text: str) -> tuple[PhoneProblem, dict[str, str | int]]:
    """The problem with `text`, assuming it is not a valid mobile number, and its parameters."""
    raw = _SEPARATORS.sub("", text.strip())
    if any(ch.isalpha() for ch in raw):
        return PhoneProblem.LETTERS, {}
    if raw.startswith("+") and not raw.startswith("+84") and raw[1:].isdigit():
        return PhoneProblem.FOREIGN, {}
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    odd = next((ch for ch in raw if not (ch.isascii() and ch.isdigit())), None)
    if odd is not None:
        return PhoneProblem.SYMBOLS, {"char": odd}
    if not raw.startswith("0") and MOBILE_RE.match("0" + raw):
        return PhoneProblem.MISSING_ZERO, {"suggestion": "0" + raw}
    if raw.startswith("02") and len(raw) >= 10:
        return PhoneProblem.LANDLINE, {}
    if raw.startswith("01") and len(raw) == 11:
        return PhoneProblem.OLD_PREFIX, {}
    if len(raw) < 10:
        return PhoneProblem.TOO_SHORT, {"length": len(raw)}
    if len(raw) > 10:
        return PhoneProblem.TOO_LONG, {"length": len(raw)}
    return PhoneProblem.PREFIX, {"prefix": raw[:3]}
