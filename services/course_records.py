"""What a citizen's change of course leaves on a dossier: the withdrawal and contact changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.answers import JsonValue


class WithdrawReason(StrEnum):
    """Why the citizen withdraws (the choices offered; OTHER comes with their own words)."""

    NOT_NEEDED = "not_needed"  # no longer needed
    WRONG_PROCEDURE = "wrong_procedure"  # filed for the wrong procedure or agency
    WRONG_DETAILS = "wrong_details"  # wrong details; will file again
    TOO_SLOW = "too_slow"  # it takes too long
    OTHER = "other"

    def label(self) -> str:
        """The reason in Vietnamese, as the officer reads it in the dossier's history."""
        return REASON_LABELS[self]


REASON_LABELS: dict[WithdrawReason, str] = {
    WithdrawReason.NOT_NEEDED: "Không còn nhu cầu",
    WithdrawReason.WRONG_PROCEDURE: "Nộp nhầm thủ tục/cơ quan",
    WithdrawReason.WRONG_DETAILS: "Khai sai thông tin, sẽ nộp lại",
    WithdrawReason.TOO_SLOW: "Thời gian giải quyết quá lâu",
    WithdrawReason.OTHER: "Lý do khác",
}


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """The citizen asked to withdraw: why, when, from which status, and what is refunded."""

    reason: WithdrawReason
    at: datetime
    from_status: int
    detail: str = ""  # the citizen's own words
    refunded: int = 0  # owed back in VND (fees already paid)


@dataclass(frozen=True, slots=True)
class ContactChange:
    """A delivery address or contact phone changed by the citizen after submission."""

    key: str  # the form's field key (dia_chi_nhan, so_dien_thoai, sdt_nguoi_nhan)
    old: JsonValue
    new: JsonValue
    at: datetime
