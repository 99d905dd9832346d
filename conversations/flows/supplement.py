"""Answering an officer's request for more documents (status 5, Yêu cầu bổ sung giấy tờ).

    (push button "Nộp bổ sung") ──▶ AWAITING_FILES ──file──▶ checked, kept in the document store
                                     ──pick a component──▶ files now go to that one
                                     ──send──▶ (every component has a file) 5 → 4, files joined
                                              to the dossier, back in the officer's queue

Files are checked like any upload (real type, size). Nothing touches the dossier until the
citizen presses send, and then everything happens in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.flows.course_access import Owner
from conversations.messages import Button, Day, Lines, Outgoing, Text, Upload, btn, main_btn, say
from conversations.status_messages import component_name, status_label
from conversations.steps import Dialog, Window, unreachable
from conversations.upload_texts import rejection
from conversations.widgets import Cancel, Do, FileInput, Numbered
from services.catalog import Procedure
from services.documents import Attachment, StoredDocument
from services.dossier_codes import DossierStatus, TransitionError
from services.dossiers import Dossier
from services.files import ACCEPTED, MAX_FILE_BYTES, UploadRejected, check_upload, sanitise_name
from services.handover import HandoverKind, queue_handover
from services.status_changes import NotSubmitted, supplement_received

NAME = "supplement"
COMPONENT = "sc"


class SupplementState(StrEnum):
    """What the supplement step awaits."""

    AWAITING_FILES = "AWAITING_FILES"


@dataclass(frozen=True, slots=True)
class SupplementData:
    """The dossier, the component the citizen chose for the next file ("" for the first one
    still missing), and the documents received so far."""

    dossier_id: str
    component: str = ""
    documents: tuple[str, ...] = ()


Supplying = Owner[SupplementData]


def _accepted(proc: Procedure | None, component: str) -> tuple[str, ...]:
    spec = next((d for d in proc.documents if d.key == component), None) if proc else None
    return spec.accepted if spec else ACCEPTED


async def _owned(ctx: Context, dossier_id: str) -> Dossier | Turn:
    from conversations.flows.dossiers import is_mine

    dossier = await ctx.repos.dossiers.get(dossier_id)
    if dossier is None:
        return home.show(say("status.not_found", code="—"))
    if not is_mine(ctx, dossier):
        return home.show(say("supplement.not_yours"))
    if dossier.status is not DossierStatus.SUPPLEMENT_REQUESTED or not dossier.supplement:
        status = status_label(dossier.status) if dossier.status else "—"
        return home.show(say("supplement.not_requested", code=dossier.code, status=status))
    return dossier


async def start(ctx: Context, dossier_id: str) -> Turn:
    """The push's "send supplement" button."""
    found = await _owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    return await _checklist(ctx, found, SupplementData(found.id))


async def _received(ctx: Context, data: SupplementData) -> list[StoredDocument]:
    found = [await ctx.repos.documents.get(i) for i in data.documents]
    return [d for d in found if d is not None]


def _active(dossier: Dossier, have: list[StoredDocument], wanted: str) -> str:
    if wanted in dossier.supplement:
        return wanted
    done = {d.component for d in have}
    return next((c for c in dossier.supplement if c not in done), dossier.supplement[0])


async def _checklist(
    ctx: Context, dossier: Dossier, data: SupplementData, *notes: Outgoing
) -> Turn:
    proc = ctx.catalog.procedure(dossier.procedure_id)
    have = await _received(ctx, data)
    active = _active(dossier, have, data.component)
    lines = []
    for component in dossier.supplement:
        files = [d.name for d in have if d.component == component]
        key = "supplement.line_done" if files else "supplement.line_missing"
        lines.append(
            Text(key, {"name": component_name(proc, component), "files": ", ".join(files)})
        )
    text = Text(
        "supplement.checklist",
        {
            "code": dossier.code,
            "note": Text("supplement.note", {"note": dossier.supplement_note})
            if dossier.supplement_note
            else "",
            "lines": Lines(tuple(lines)),
            "active": Text("supplement.active", {"name": component_name(proc, active)}),
        },
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                Text("supplement.choose", {"name": component_name(proc, c)}),
                payloads.pick(COMPONENT, str(index)),
            ),
        )
        for index, c in enumerate(dossier.supplement)
        if c != active
    ]
    rows.append((main_btn("supplement.send", payloads.do("send")),))
    rows.append((btn("btn.cancel", payloads.do("cancel")),))
    turn = Turn(NAME, SupplementState.AWAITING_FILES, data, (Outgoing(text, tuple(rows)),))
    return turn.saying(*notes)


async def _receive(c: Supplying, upload: Upload) -> Turn:
    ctx, dossier, data = c.ctx, c.dossier, c.data
    proc = ctx.catalog.procedure(dossier.procedure_id)
    have = await _received(ctx, data)
    component = _active(dossier, have, data.component)
    head = ctx.uploads.head(upload.ref) if upload.ref else b""
    try:
        kind = check_upload(
            upload.name, upload.size, head, _accepted(proc, component), MAX_FILE_BYTES
        )
    except UploadRejected as refused:
        if upload.ref:
            ctx.uploads.reject(upload.ref)
        reason = rejection(refused)
        return await _checklist(ctx, dossier, data, say("docs.rejected", reason=reason))
    document = StoredDocument(
        id=ctx.ids.new_id(),
        owner=ctx.address.key,
        citizen_id=ctx.citizen_id or dossier.citizen_id,
        component=component,
        name=sanitise_name(upload.name),
        kind=kind,
        size=upload.size,
        ref=ctx.uploads.accept(upload.ref),
        created_at=ctx.clock.now(),
        label=_label(proc, component),
    )
    await ctx.repos.documents.add(document)
    # the next file goes to the next component still missing, unless the citizen picks one
    updated = replace(data, documents=(*data.documents, document.id), component="")
    note = say("supplement.received", name=document.name, component=component_name(proc, component))
    return await _checklist(ctx, dossier, updated, note)


def _label(proc: Procedure | None, component: str) -> str:
    spec = next((d for d in proc.documents if d.key == component), None) if proc else None
    return spec.name.vi if spec else component


async def _send(c: Supplying) -> Turn:
    ctx, dossier, data = c.ctx, c.dossier, c.data
    proc = ctx.catalog.procedure(dossier.procedure_id)
    have = await _received(ctx, data)
    done = {d.component for d in have}
    gaps = [c for c in dossier.supplement if c not in done]
    if gaps:
        lines = Lines(
            tuple(Text("push.supplement_line", {"name": component_name(proc, c)}) for c in gaps)
        )
        return await _checklist(ctx, dossier, data, say("supplement.missing", lines=lines))
    attachments = [Attachment(d.component, d.id, d.name, d.kind, d.size, d.ref) for d in have]
    days = proc.processing_days if proc else 0
    try:
        updated = await supplement_received(
            ctx.repos.dossiers, dossier, attachments, ctx.clock.now(), days
        )
    except (TransitionError, NotSubmitted):
        return home.show(say("supplement.not_requested", code=dossier.code, status="—"))
    sent = {"document_ids": [a.document_id for a in attachments]}
    await queue_handover(ctx.repos, updated, HandoverKind.SUPPLEMENT, sent, ctx.clock.now())
    due = Day(updated.due_date) if updated.due_date else "—"
    return home.show(say("supplement.sent", code=dossier.code, due=due))


async def _supplying(ctx: Context, data: SupplementData) -> Supplying | Turn:
    found = await _owned(ctx, data.dossier_id)
    return found if isinstance(found, Turn) else Owner(ctx, data, found)


async def _component(c: Supplying, index: int) -> Turn | None:
    if index >= len(c.dossier.supplement):
        return None
    return await _checklist(
        c.ctx, c.dossier, replace(c.data, component=c.dossier.supplement[index])
    )


DIALOG: Dialog[SupplementData, Supplying] = Dialog(
    _supplying,
    unreachable,
    {
        SupplementState.AWAITING_FILES: Window(
            lambda c: _checklist(c.ctx, c.dossier, c.data),
            FileInput(_receive),
            Numbered(COMPONENT, _component),
            Do("send", _send),
            Cancel(lambda c: home.show(say("supplement.cancelled"))),
        )
    },
)
FLOW: Flow[SupplementData] = Flow(
    name=NAME, data_type=SupplementData, steps=DIALOG.steps, prompts=DIALOG.prompts
)
