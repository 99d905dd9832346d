"""The officer API's request and response bodies, and how a dossier is shown to an officer.

Every body is a pydantic model, so /openapi.json documents the whole API.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from bot.web.officer_course import (
    ContactChangeOut,
    WithdrawalOut,
    contact_changes_out,
    withdrawal_out,
)
from bot.web.officer_errors import Label, refusal
from bot.web.officer_ledger import (
    PaymentOut,
    RefundAccountOut,
    RefundOut,
    payments_out,
    refund_account_out,
    refunds_out,
)
from services.applicant import Party
from services.catalog import Procedure
from services.catalog_index import Catalog
from services.clock import VIETNAM
from services.documents import Attachment
from services.dossier_codes import DossierStatus, allowed_next
from services.dossiers import Dossier

API_PREFIX = "/api/v1"
MAX_NOTE = 1000
MAX_COMPONENTS = 30
MAX_COMPONENT_TEXT = 200
RESULT_COMPONENT = "ket_qua"  # results join the citizen's document store under this component
RESULT_LABEL = "Kết quả giải quyết"

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)]
ComponentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_COMPONENT_TEXT)
]
AnswerValue = str | int | bool | dict[str, str]
# Moments go out in Vietnam's time (+07:00), the day an officer reads is the citizen's day.
VietnamTime = Annotated[datetime, AfterValidator(lambda moment: moment.astimezone(VIETNAM))]
_IDENTIFIER = re.compile(r"[a-z0-9_]+")


class StatusChangeIn(BaseModel):
    """Move a dossier to another national status (FACTS §1.3)."""

    model_config = ConfigDict(extra="forbid")

    status: DossierStatus = Field(description="The new status code, 1 to 10")
    note: Note = ""


class SupplementIn(BaseModel):
    """Ask the citizen for more documents (4 → 5)."""

    model_config = ConfigDict(extra="forbid")

    components: list[ComponentText] = Field(
        min_length=1,
        max_length=MAX_COMPONENTS,
        description="Component ids of the procedure (e.g. to_khai_ct01) or free-text names",
    )
    note: Note = ""


class OverdueIn(BaseModel):
    """Set or clear the overdue flag (not a status)."""

    model_config = ConfigDict(extra="forbid")

    overdue: StrictBool
    note: Note = ""


class FileOut(BaseModel):
    """An attached document or a result file."""

    document_id: str
    name: str
    kind: str = Field(description="pdf, jpeg or png")
    size: int
    component: str
    component_name: str | None = None
    download_url: str


class HistoryOut(BaseModel):
    """One entry of the dossier's history."""

    status: int
    status_label: Label | None
    at: VietnamTime
    actor: str
    note: str


class ComponentOut(BaseModel):
    """A component asked for: a procedure component (with its id) or a free-text name."""

    id: str | None
    name: str


class SupplementOut(BaseModel):
    """The open supplement request."""

    components: list[ComponentOut]
    note: str
    requested_at: VietnamTime | None


class PartyOut(BaseModel):
    """A person on a dossier: who filed it (logged in) or whom it is about."""

    id_number: str
    full_name: str
    birth_date: str = Field(description="ISO date")
    sex: str = Field(description="nam or nu")


class DossierSummary(BaseModel):
    """A dossier in a list."""

    code: str
    procedure_id: str
    procedure_name: Label | None
    agency_id: str
    phase: str = Field(description="awaiting_payment or submitted")
    status: int | None
    status_label: Label | None
    submitted_at: VietnamTime | None
    due_date: date | None
    overdue: bool
    payment_method: str = Field(description="online (bank transfer) or counter")
    amount_paid: int = Field(description="VND paid towards the fee so far")
    amount_due: int = Field(description="VND of the fee still due (0 when paid or free)")
    refund_due: int = Field(description="VND owed back to the citizen")


class DossierDetail(DossierSummary):
    """One dossier with everything an officer needs to handle it."""

    fee: int | None
    created_at: VietnamTime
    allowed_next: list[int]
    answers: dict[str, AnswerValue]
    attachments: list[FileOut]
    results: list[FileOut]
    history: list[HistoryOut]
    supplement: SupplementOut | None
    filer: PartyOut | None = Field(description="The logged-in citizen who filed")
    subject: PartyOut | None = Field(description="Whom the dossier is about")
    relation: str = Field(description="ban_than, con, cha_me or uy_quyen (empty: older)")
    payments: list[PaymentOut]
    refunds: list[RefundOut]
    refund_account: RefundAccountOut | None
    withdrawal: WithdrawalOut | None = Field(description="The citizen asked to withdraw")
    contact_changes: list[ContactChangeOut] = Field(
        description="Delivery address or phone changed by the citizen after submission"
    )


class DossierPage(BaseModel):
    """A page of dossiers, oldest due first."""

    items: list[DossierSummary]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last")


def status_label(status: int | None) -> Label | None:
    """The Vietnamese and English names of a status code."""
    try:
        known = DossierStatus(status) if status is not None else None
    except ValueError:  # a code outside the national list, from another system
        return None
    return Label(vi=known.label("vi"), en=known.label("en")) if known is not None else None


def summary(dossier: Dossier, catalog: Catalog) -> DossierSummary:
    """The list view of a dossier."""
    procedure = catalog.procedure(dossier.procedure_id)
    return DossierSummary(**_summary_fields(dossier, procedure))


def detail(dossier: Dossier, catalog: Catalog) -> DossierDetail:
    """The full view of a dossier."""
    procedure = catalog.procedure(dossier.procedure_id)
    status = dossier.status
    return DossierDetail(
        **_summary_fields(dossier, procedure),
        fee=dossier.fee,
        created_at=dossier.created_at,
        allowed_next=sorted(int(s) for s in allowed_next(status)) if status else [],
        answers=dict(dossier.answers),
        attachments=[_file(dossier, a, procedure) for a in dossier.attachments],
        results=[_file(dossier, a, procedure) for a in dossier.results],
        history=[
            HistoryOut(
                status=h.status,
                status_label=status_label(h.status),
                at=h.at,
                actor=h.actor,
                note=h.note,
            )
            for h in dossier.history
        ],
        supplement=_supplement(dossier, procedure),
        filer=_party(dossier.filer),
        subject=_party(dossier.subject),
        relation=dossier.relation,
        payments=payments_out(dossier),
        refunds=refunds_out(dossier),
        refund_account=refund_account_out(dossier),
        withdrawal=withdrawal_out(dossier),
        contact_changes=contact_changes_out(dossier),
    )


def _party(party: Party | None) -> PartyOut | None:
    if party is None:
        return None
    return PartyOut(
        id_number=party.id_number,
        full_name=party.full_name,
        birth_date=party.birth_date,
        sex=party.sex,
    )


def component_name(procedure: Procedure | None, component: str) -> str | None:
    """The Vietnamese name of a procedure component, None for anything else."""
    if procedure is not None:
        for spec in procedure.documents:
            if spec.key == component:
                return spec.name.vi
    if component == RESULT_COMPONENT:
        return RESULT_LABEL
    return None


def file_url(code: str, document_id: str) -> str:
    """Where an officer downloads one file of a dossier."""
    return f"{API_PREFIX}/dossiers/{quote(code, safe='')}/files/{quote(document_id, safe='')}"


def _summary_fields(dossier: Dossier, procedure: Procedure | None) -> dict[str, Any]:
    status = int(dossier.status) if dossier.status is not None else None
    return {
        "code": dossier.code,
        "procedure_id": dossier.procedure_id,
        "procedure_name": (
            Label(vi=procedure.name.vi, en=procedure.name.en) if procedure is not None else None
        ),
        "agency_id": dossier.agency_id,
        "phase": dossier.phase.value,
        "status": status,
        "status_label": status_label(status),
        "submitted_at": dossier.submitted_at,
        "due_date": dossier.due_date,
        "overdue": dossier.overdue,
        "payment_method": dossier.payment_method.value,
        "amount_paid": dossier.paid_total,
        "amount_due": dossier.due,
        "refund_due": dossier.refund_total,
    }


def _file(dossier: Dossier, attachment: Attachment, procedure: Procedure | None) -> FileOut:
    return FileOut(
        document_id=attachment.document_id,
        name=attachment.name,
        kind=attachment.kind,
        size=attachment.size,
        component=attachment.component,
        component_name=component_name(procedure, attachment.component),
        download_url=file_url(dossier.code, attachment.document_id),
    )


def _supplement(dossier: Dossier, procedure: Procedure | None) -> SupplementOut | None:
    if not dossier.supplement:
        return None
    components = [_component(procedure, item) for item in dossier.supplement]
    return SupplementOut(
        components=components, note=dossier.supplement_note, requested_at=dossier.supplement_at
    )


def _component(procedure: Procedure | None, item: str) -> ComponentOut:
    name = component_name(procedure, item)
    return (
        ComponentOut(id=item, name=name) if name is not None else ComponentOut(id=None, name=item)
    )


def supplement_components(procedure: Procedure | None, items: Sequence[str]) -> list[str]:
    """What a supplement request asks for, each once: a component of the procedure as its id
    (given as the id or as its full name), anything else as the free text typed. A bare
    identifier the procedure does not have is a typo, refused with 422 and the valid ids."""
    keys = [spec.key for spec in procedure.documents] if procedure is not None else []
    by_name: dict[str, str] = {}
    for spec in procedure.documents if procedure is not None else ():
        by_name[spec.name.vi.casefold()] = by_name[spec.name.en.casefold()] = spec.key
    chosen: list[str] = []
    for item in items:
        value = item if item in keys else by_name.get(item.casefold(), item)
        if value not in keys and _IDENTIFIER.fullmatch(value):
            raise refusal(422, "unknown_component", {"component": value}, components=keys)
        if value not in chosen:
            chosen.append(value)
    return chosen
