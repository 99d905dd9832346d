"""Officers move dossiers through the national statuses; citizens answer supplement requests.

Every change is checked against the allowed transitions (FACTS §1.3), kept in the dossier's
history with who and when, and appended to the status-change log that the scheduler turns
into pushes. The legal clock: the due date counts from reception (status 2); a supplement
request (5) pauses it, and the paused working days are added back when the dossier returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from services.calendar import add_working_days, reception_day, working_days_between
from services.clock import vietnam_date
from services.documents import Attachment
from services.dossier_codes import DossierStatus, TransitionError, check_transition
from services.dossiers import Dossier, DossierRepository, HistoryEntry, Phase, StatusChange


class NotSubmitted(ValueError):
    """The dossier is still waiting for its fee: officers cannot act on it yet."""


async def change_status(
    dossiers: DossierRepository,
    dossier: Dossier,
    new: DossierStatus,
    actor: str,
    note: str,
    now: datetime,
    processing_days: int,
) -> Dossier:
    """Apply one transition (or raise TransitionError / NotSubmitted) and log it."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        raise NotSubmitted(dossier.code)
    old = dossier.status
    check_transition(old, new)
    updated = dossier.with_status(new, now, actor, note)
    today = vietnam_date(now)
    if new is DossierStatus.RECEIVED:  # the legal clock starts (again) at reception
        updated = replace(updated, due_date=add_working_days(reception_day(today), processing_days))
    if old is DossierStatus.SUPPLEMENT_REQUESTED and new is DossierStatus.PROCESSING:
        paused = dossier.supplement_at or now
        extra = working_days_between(vietnam_date(paused), today)
        if dossier.due_date is not None:
            updated = replace(updated, due_date=add_working_days(dossier.due_date, extra))
    if old is DossierStatus.SUPPLEMENT_REQUESTED:
        updated = replace(updated, supplement=(), supplement_note="", supplement_at=None)
    await dossiers.update(updated)
    await dossiers.record_change(StatusChange(0, updated.id, int(new), now, actor, note))
    return updated


async def request_supplement(
    dossiers: DossierRepository,
    dossier: Dossier,
    components: Sequence[str],
    note: str,
    actor: str,
    now: datetime,
) -> Dossier:
    """4 → 5: ask the citizen for these components; the clock pauses."""
    if not components:
        raise TransitionError(
            "no_components",
            {"old": str(dossier.status), "new": str(int(DossierStatus.SUPPLEMENT_REQUESTED))},
        )
    updated = await change_status(
        dossiers, dossier, DossierStatus.SUPPLEMENT_REQUESTED, actor, note, now, 0
    )
    updated = replace(
        updated, supplement=tuple(components), supplement_note=note, supplement_at=now
    )
    await dossiers.update(updated)
    return updated


async def supplement_received(
    dossiers: DossierRepository,
    dossier: Dossier,
    attachments: Sequence[Attachment],
    now: datetime,
    processing_days: int,
) -> Dossier:
    """The citizen sent the supplement: 5 → 4, the files joined to the dossier."""
    with_files = replace(dossier, attachments=(*dossier.attachments, *attachments))
    return await change_status(
        dossiers, with_files, DossierStatus.PROCESSING, "citizen", "supplement", now,
        processing_days,
    )  # fmt: skip


async def record_result(
    dossiers: DossierRepository,
    dossier: Dossier,
    result: Attachment,
    actor: str,
    note: str,
    now: datetime,
) -> Dossier:
    """The agency's result file: kept on the dossier; 4 → 9 when still processing."""
    updated = replace(dossier, results=(*dossier.results, result))
    if updated.status is DossierStatus.PROCESSING:
        return await change_status(dossiers, updated, DossierStatus.RESOLVED, actor, note, now, 0)
    await dossiers.update(updated)
    return updated


async def mark_overdue(
    dossiers: DossierRepository,
    dossier: Dossier,
    overdue: bool,
    actor: str,
    note: str,
    now: datetime,
) -> Dossier:
    """Set or clear the overdue flag (kept in the history, the status unchanged)."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        raise NotSubmitted(dossier.code)
    entry = HistoryEntry(
        int(dossier.status), now, actor, note or ("overdue" if overdue else "on time")
    )
    updated = replace(dossier, overdue=overdue, history=(*dossier.history, entry))
    await dossiers.update(updated)
    return updated
