"""Recording a dossier's result: the officer sends the file as an ordinary chat attachment.

AWAITING_RESULT ──file──▶ checked like a citizen's upload (real type, size) ──▶ stored in
                the citizen's document store (source RESULT, component "ket_qua"),
                kept on the dossier; 4 → 9 when still processing ──▶ the card
                ──back──▶ the card
"""

from __future__ import annotations

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows.admin_state import (
    NAME,
    AdminData,
    AdminState,
    Officer,
    actor,
    not_submitted,
    viewing,
)
from conversations.messages import Outgoing, Upload, btn, say
from conversations.officer_card import RESULT_STATUSES, status_option
from conversations.upload_texts import rejection
from services.documents import Attachment, DocumentSource, StoredDocument
from services.dossiers import Dossier, Phase
from services.files import ACCEPTED, MAX_FILE_BYTES, UploadRejected, check_upload, sanitise_name
from services.status_changes import record_result

RESULT_COMPONENT = "ket_qua"
RESULT_LABEL = "Kết quả giải quyết"  # the store's label, like a component's Vietnamese name


def _awaiting(dossier: Dossier, data: AdminData, *before: Outgoing) -> Turn:
    ask = say(
        "admin.result_ask",
        ((btn("btn.back", payloads.do("back")),),),
        code=dossier.code,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    )
    return Turn(NAME, AdminState.AWAITING_RESULT, data, (*before, ask))


def start(ctx: Context, dossier: Dossier, note: str) -> Turn:
    """Wait for the result file (only while processing, 4, or with the result ready, 9)."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        return viewing(ctx, dossier, not_submitted(dossier))
    if dossier.status not in RESULT_STATUSES:
        refusal = say(
            "admin.result_not_now", code=dossier.code, status=status_option(dossier.status)
        )
        return viewing(ctx, dossier, refusal)
    return _awaiting(dossier, AdminData(dossier.id, note=note))


async def receive(c: Officer, upload: Upload) -> Turn:
    """The result file: checked, stored, recorded on the dossier (4 → 9), then the card."""
    ctx, dossier, data = c.ctx, c.dossier, c.data
    if dossier.status not in RESULT_STATUSES:  # changed meanwhile by someone else
        if upload.ref:
            ctx.uploads.reject(upload.ref)
        return start(ctx, dossier, data.note)
    head = ctx.uploads.head(upload.ref) if upload.ref else b""
    try:
        kind = check_upload(upload.name, upload.size, head, ACCEPTED, MAX_FILE_BYTES)
    except UploadRejected as refused:
        if upload.ref:
            ctx.uploads.reject(upload.ref)
        return _awaiting(dossier, data, say("docs.rejected", reason=rejection(refused)))
    now = ctx.clock.now()
    document = StoredDocument(
        id=ctx.ids.new_id(),
        owner=dossier.owner,
        citizen_id=dossier.citizen_id,
        component=RESULT_COMPONENT,
        name=sanitise_name(upload.name),
        kind=kind,
        size=upload.size,
        ref=ctx.uploads.accept(upload.ref),
        created_at=now,
        source=DocumentSource.RESULT,
        label=RESULT_LABEL,
    )
    await ctx.repos.documents.add(document)
    attachment = Attachment(
        RESULT_COMPONENT, document.id, document.name, kind, document.size, document.ref
    )
    updated = await record_result(
        ctx.repos.dossiers, dossier, attachment, actor(ctx), data.note, now
    )
    status = status_option(updated.status) if updated.status else "—"
    done = say("admin.result_recorded", code=dossier.code, name=document.name, status=status)
    return viewing(ctx, updated, done)


def awaiting(c: Officer) -> Turn:
    """Ask for the file again."""
    return _awaiting(c.dossier, c.data)
