"""How an officer sees a citizen's change of course on a dossier: the withdrawal asked for
and the delivery address or phone changed after submission (old and new values)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from services.clock import VIETNAM
from services.dossiers import Dossier

VietnamTime = Annotated[datetime, AfterValidator(lambda moment: moment.astimezone(VIETNAM))]
AnswerValue = str | int | bool | dict[str, str]


class WithdrawalOut(BaseModel):
    """The citizen asked to withdraw the dossier."""

    reason: str = Field(description="not_needed, wrong_procedure, wrong_details, too_slow or other")
    reason_label: str = Field(description="The reason in Vietnamese")
    detail: str = Field(description="The citizen's own words (may be empty)")
    at: VietnamTime
    from_status: int = Field(description="The status the dossier was in")
    refunded: int = Field(description="VND recorded for refund (the fee paid)")


class ContactChangeOut(BaseModel):
    """A delivery address or contact phone changed by the citizen after submission."""

    field: str = Field(description="dia_chi_nhan, so_dien_thoai or sdt_nguoi_nhan")
    old: AnswerValue
    new: AnswerValue
    at: VietnamTime


def withdrawal_out(dossier: Dossier) -> WithdrawalOut | None:
    """The withdrawal, if the citizen asked for one."""
    w = dossier.withdrawal
    if w is None:
        return None
    return WithdrawalOut(
        reason=w.reason.value,
        reason_label=w.reason.label(),
        detail=w.detail,
        at=w.at,
        from_status=w.from_status,
        refunded=w.refunded,
    )


def contact_changes_out(dossier: Dossier) -> list[ContactChangeOut]:
    """Every contact change, oldest first."""
    return [
        ContactChangeOut(field=c.key, old=_value(c.old), new=_value(c.new), at=c.at)
        for c in dossier.contact_changes
    ]


def _value(value: Any) -> AnswerValue:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return value if isinstance(value, str | int | bool) else str(value)
