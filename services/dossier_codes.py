"""Dossier (hồ sơ) codes and status codes: the 10 national statuses and their transitions,
the dossier code `<agency>-<YYMMDD>-<NNNN>`, and the payment reference derived from it.

Statuses are the DVCQG "TrangThaiHoSo" codes every one-stop system reports to the national
portal. The transition table is strict: it allows the portal's typical flow and nothing else.

- 2 → 5 is refused: an incomplete dossier is refused (1 → 3) or guided before reception; once
  received, only the specialist department (4) asks for supplements.
- 2 → 9 is refused: a result is always produced by processing, so 4 is recorded even for
  procedures settled on the spot (an officer tool records 2 → 4 → 9 in one action).
- 5 → 2 (re-received, new due date) and 5 → 4 (supplement accepted by the department) are both
  allowed, as in the portal's flow.
- 7 (withdrawal asked) leads only to 8: the portal has no "withdrawal refused" transition.

A "pending payment" step before submission is not a national status: it belongs to the draft,
never to this enum.

Dossier codes are `<agency code>-<YYMMDD>-<NNNN>` (Circular 01/2018/TT-VPCP, Art. 19), the agency
code in its full QCVN 102 form (`000.00.15.H12`) or the short form of iGate-style systems
(`H15.50`).

Payment references put a dossier code into a bank transfer's description (VietQR tag 62/08,
at most 25 characters of A-Z, 0-9 and spaces): `LP <agency> <YYMMDD> <NNNN>`, "LP" for lệ phí
(fee) and the agency code without dots, its short form turned unit-first so that both forms
read "digits, letter, two digits": `H04.101` → `101H04`, `000.00.15.H12` → `0000015H12`. So
`H04.101-251125-0001` pays as `LP 101H04 251125 0001` (21 characters, 25 at most). Banks drop
or change the spaces, so the reference is found again on letters and digits alone, and every
part of it has a length fixed by its neighbours: the agency digits run from "LP" to the
province letter, then come exactly 2 + 6 + 4 digits, whatever the bank glues after them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum

MAX_SEQUENCE = 9999

FULL_AGENCY = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}"
SHORT_AGENCY = r"[A-Z][0-9]{2}\.[0-9]{1,3}"
_FULL_AGENCY_RE = re.compile(FULL_AGENCY)
_SHORT_AGENCY_RE = re.compile(SHORT_AGENCY)
# Citizens type dashes as spaces, with spaces around them, or as phone keyboards' look-alikes.
_SEP = r"(?:\s*-\s*|\s+)"
_CODE_RE = re.compile(
    rf"(?P<agency>{FULL_AGENCY}|{SHORT_AGENCY}){_SEP}(?P<day>[0-9]{{6}}){_SEP}(?P<seq>[0-9]{{4}})"
)
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
MAX_CODE_INPUT = 64  # longer text is not a code; also bounds regex work on hostile input

REFERENCE_PREFIX = "LP"
MAX_REFERENCE = 25  # EMVCo 62/08 "purpose of transaction"
MAX_DESCRIPTION = 1000  # bank descriptions are shorter; bounds the search on hostile input
_COMPACT_REFERENCE_RE = re.compile(
    r"LP(?P<unit>[0-9]{7}|[0-9]{1,3})(?P<province>[A-Z][0-9]{2})(?P<day>[0-9]{6})(?P<seq>[0-9]{4})"
)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


class DossierStatus(IntEnum):
    """The national dossier status codes (DVCQG TrangThaiHoSo)."""

    SUBMITTED = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
    PAYMENT_REQUESTED = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWAL_REQUESTED = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    RESOLVED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả

    def label(self, lang: str = "vi") -> str:
        """The status's name in Vietnamese ("vi", the default) or English ("en")."""
        vi, en = STATUS_LABELS[self]
        return en if lang == "en" else vi

    @property
    def terminal(self) -> bool:
        """Whether no transition leaves this status."""
        return self in TERMINAL


STATUS_LABELS: Mapping[DossierStatus, tuple[str, str]] = {
    DossierStatus.SUBMITTED: ("Mới đăng ký", "Newly submitted"),
    DossierStatus.RECEIVED: ("Được tiếp nhận", "Received"),
    DossierStatus.REFUSED: ("Không được tiếp nhận", "Not received"),
    DossierStatus.PROCESSING: ("Đang xử lý", "Being processed"),
    DossierStatus.SUPPLEMENT_REQUESTED: ("Yêu cầu bổ sung giấy tờ", "Supplements requested"),
    DossierStatus.PAYMENT_REQUESTED: (
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Payment of financial obligations requested",
    ),
    DossierStatus.WITHDRAWAL_REQUESTED: ("Công dân yêu cầu rút hồ sơ", "Withdrawal requested"),
    DossierStatus.STOPPED: ("Dừng xử lý", "Processing stopped"),
    DossierStatus.RESOLVED: ("Đã xử lý xong", "Result ready"),
    DossierStatus.RETURNED: ("Đã trả kết quả", "Result delivered"),
}

TERMINAL: frozenset[DossierStatus] = frozenset(
    {DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.RETURNED}
)

_S = DossierStatus
TRANSITIONS: Mapping[DossierStatus, frozenset[DossierStatus]] = {
    _S.SUBMITTED: frozenset({_S.RECEIVED, _S.REFUSED, _S.WITHDRAWAL_REQUESTED}),
    _S.RECEIVED: frozenset({_S.PROCESSING, _S.WITHDRAWAL_REQUESTED}),
    _S.REFUSED: frozenset(),
    _S.PROCESSING: frozenset(
        {
            _S.SUPPLEMENT_REQUESTED,
            _S.PAYMENT_REQUESTED,
            _S.RESOLVED,
            _S.STOPPED,
            _S.WITHDRAWAL_REQUESTED,
        }
    ),
    _S.SUPPLEMENT_REQUESTED: frozenset({_S.RECEIVED, _S.PROCESSING, _S.WITHDRAWAL_REQUESTED}),
    _S.PAYMENT_REQUESTED: frozenset({_S.PROCESSING, _S.WITHDRAWAL_REQUESTED}),
    _S.WITHDRAWAL_REQUESTED: frozenset({_S.STOPPED}),
    _S.STOPPED: frozenset(),
    _S.RESOLVED: frozenset({_S.RETURNED}),
    _S.RETURNED: frozenset(),
}


@dataclass(frozen=True)
class TransitionError(ValueError):
    """A status change the national flow does not allow; `reason` keys the message to show.

    Reasons: "terminal" (the dossier is closed), "unchanged" (already in that status),
    "not_allowed" (params `allowed`: the codes reachable from the current status, "2,3,7").
    Every reason carries params `old` and `new` (status codes).
    """

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


def allowed_next(status: DossierStatus) -> frozenset[DossierStatus]:
    """The statuses a dossier in `status` may move to."""
    return TRANSITIONS[status]


def check_transition(old: DossierStatus, new: DossierStatus) -> None:
    """Raise `TransitionError` unless a dossier may move from `old` to `new`."""
    params: dict[str, str | int] = {"old": int(old), "new": int(new)}
    if old in TERMINAL:
        raise TransitionError("terminal", params)
    if old == new:
        raise TransitionError("unchanged", params)
    allowed = TRANSITIONS[old]
    if new not in allowed:
        params["allowed"] = ",".join(str(int(s)) for s in sorted(allowed))
        raise TransitionError("not_allowed", params)


class AgencyForm(StrEnum):
    """How an agency code is written: QCVN 102 in full, or the short iGate form."""

    FULL = "full"  # 000.00.15.H12
    SHORT = "short"  # H15.50


@dataclass(frozen=True, slots=True)
class DossierCode:
    """A parsed dossier code; `text` is its canonical spelling."""

    agency: str
    day: date
    sequence: int
    form: AgencyForm
    text: str


@dataclass(frozen=True)
class DossierCodeError(ValueError):
    """A dossier code that cannot be built; `reason` is "agency_code", "sequence" or
    "code"."""

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


def agency_form(agency_code: str) -> AgencyForm | None:
    """Which form an agency code is written in, None if it is neither."""
    if _FULL_AGENCY_RE.fullmatch(agency_code):
        return AgencyForm.FULL
    if _SHORT_AGENCY_RE.fullmatch(agency_code):
        return AgencyForm.SHORT
    return None


def format_code(agency_code: str, day: date, sequence: int) -> str:
    """The dossier code `<agency code>-<YYMMDD>-<NNNN>` of the day's `sequence`-th dossier."""
    if agency_form(agency_code) is None:
        raise DossierCodeError("agency_code")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise DossierCodeError("sequence", {"sequence": sequence, "max": MAX_SEQUENCE})
    if not 2000 <= day.year <= 2099:  # YY cannot tell other centuries apart
        raise DossierCodeError("day", {"year": day.year})
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


def parse_code(text: str) -> DossierCode | None:
    """Read a dossier code as citizens type it (any case, spaces for dashes), or None."""
    if len(text) > MAX_CODE_INPUT:
        return None
    match = _CODE_RE.fullmatch(text.translate(_DASHES).strip().upper())
    if match is None:
        return None
    agency, yymmdd, sequence = match["agency"], match["day"], int(match["seq"])
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None
    if sequence == 0:
        return None
    form = AgencyForm.FULL if _FULL_AGENCY_RE.fullmatch(agency) else AgencyForm.SHORT
    return DossierCode(agency, day, sequence, form, f"{agency}-{yymmdd}-{sequence:04d}")


def payment_reference(code: str) -> str:
    """The bank-transfer reference of a dossier code: `LP 101H04 251125 0001`."""
    parsed = parse_code(code)
    if parsed is None:
        raise DossierCodeError("code")
    if parsed.form is AgencyForm.FULL:
        agency = parsed.agency.replace(".", "")
    else:
        province, unit = parsed.agency.split(".")
        agency = unit + province
    # At most 2 + 10 + 6 + 4 characters and 3 spaces: MAX_REFERENCE exactly.
    return f"{REFERENCE_PREFIX} {agency} {parsed.day:%y%m%d} {parsed.sequence:04d}"


def find_reference(description: str) -> str | None:
    """The first payment reference in a bank transfer's description, however the bank
    re-cased, re-spaced or wrapped it; returned in the canonical form of `payment_reference`."""
    compact = _NOT_ALNUM.sub("", description[:MAX_DESCRIPTION].upper())
    position = 0
    while (match := _COMPACT_REFERENCE_RE.search(compact, position)) is not None:
        unit, province = match["unit"], match["province"]
        if _code_parts(unit, province, match["day"], match["seq"]) is not None:
            return f"{REFERENCE_PREFIX} {unit}{province} {match['day']} {match['seq']}"
        position = match.start() + 1
    return None


def code_for_reference(reference: str) -> str | None:
    """The dossier code a canonical payment reference stands for, None if it is not one."""
    match = _COMPACT_REFERENCE_RE.fullmatch(reference.replace(" ", ""))
    if match is None:
        return None
    return _code_parts(match["unit"], match["province"], match["day"], match["seq"])


def _code_parts(unit: str, province: str, yymmdd: str, sequence: str) -> str | None:
    """The dossier code from a reference's parts, None if the date or sequence is impossible."""
    if len(unit) == 7:
        agency = f"{unit[:3]}.{unit[3:5]}.{unit[5:]}.{province}"
    else:
        agency = f"{province}.{unit}"
    parsed = parse_code(f"{agency}-{yymmdd}-{sequence}")
    return None if parsed is None else parsed.text
