"""Attaching the dossier's documents (thành phần hồ sơ) as ordinary chat attachments.

    AWAITING_FILES ──file──▶ checked (real type, size) ──▶ kept, or refused with the reason
                   ──pick a component──▶ files now go to that component
                   ──from the store──▶ PICKING_STORED ──pick──▶ attached, back to the list
                   ──remove──▶ MANAGING ──pick──▶ removed, back to the list
                   ──done──▶ the submission summary (only when every mandatory one has a file)

The declaration itself (components whose key starts with "to_khai") is the e-form the citizen
has just filled in: it counts as attached.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.cards import both, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import draft_sync, home
from conversations.messages import (
    Button,
    Day,
    Lines,
    Outgoing,
    Text,
    Upload,
    btn,
    main_btn,
    raw,
    say,
)
from conversations.picker import list_buttons
from conversations.steps import Dialog, Window
from conversations.upload_texts import rejection
from conversations.widgets import Back, Cancel, Do, FileInput, Numbered, Pager, Select
from services.catalog import DocumentSpec, Procedure
from services.documents import Attachment, StoredDocument
from services.drafts import Draft
from services.files import (
    MAX_DOSSIER_BYTES,
    MAX_FILE_BYTES,
    UploadRejected,
    check_upload,
    sanitise_name,
)
from services.personal_data import belongs_to

NAME = "documents"
COMPONENTS, STORED, ATTACHED = "c", "k", "a"
DECLARATION = "to_khai"


class DocumentsState(StrEnum):
    """What the documents step awaits."""

    AWAITING_FILES = "AWAITING_FILES"
    PICKING_STORED = "PICKING_STORED"
    MANAGING = "MANAGING"


@dataclass(frozen=True, slots=True)
class DocumentsData:
    """The draft, and the component files now go to."""

    draft_id: str
    component: str = ""
    page: int = 0


def is_declaration(spec: DocumentSpec) -> bool:
    """The e-form's own declaration: filled in the chat, nothing to upload."""
    return spec.key.startswith(DECLARATION)


def missing(proc: Procedure, draft: Draft) -> list[DocumentSpec]:
    """Mandatory components with no file yet."""
    have = {a.component for a in draft.attachments}
    return [d for d in proc.documents if d.required and not is_declaration(d) and d.key not in have]


def _uploadable(proc: Procedure) -> list[DocumentSpec]:
    return [d for d in proc.documents if not is_declaration(d)]


def _active(proc: Procedure, draft: Draft, wanted: str) -> DocumentSpec | None:
    """The component files go to: the chosen one, else the first mandatory one missing."""
    specs = _uploadable(proc)
    chosen = next((d for d in specs if d.key == wanted), None)
    if chosen is not None:
        return chosen
    gaps = missing(proc, draft)
    return gaps[0] if gaps else (specs[0] if specs else None)


async def start(ctx: Context, proc: Procedure, draft: Draft) -> Turn:
    """The checklist of components, after the form is confirmed."""
    return await checklist(ctx, proc, draft, DocumentsData(draft.id))


def _line(spec: DocumentSpec, draft: Draft) -> Text:
    files = [a for a in draft.attachments if a.component == spec.key]
    if is_declaration(spec):
        return Text("docs.line_declaration", {"name": both(spec.name)})
    key = (
        "docs.line_done"
        if files
        else ("docs.line_missing" if spec.required else "docs.line_optional")
    )
    names = ", ".join(a.name for a in files)
    return Text(key, {"name": both(spec.name), "count": len(files), "files": names})


async def checklist(ctx: Context, proc: Procedure, draft: Draft, data: DocumentsData) -> Turn:
    """The components with what each has, and where the next file goes."""
    active = _active(proc, draft, data.component)
    lines = Lines(tuple(_line(spec, draft) for spec in proc.documents))
    text = Text(
        "docs.checklist",
        {
            "procedure": procedure_name(proc),
            "lines": lines,
            "active": Text("docs.active", {"name": both(active.name)}) if active else "",
        },
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                Text("docs.choose", {"name": both(spec.name)}), payloads.pick(COMPONENTS, spec.key)
            ),
        )
        for spec in _uploadable(proc)
        if active is None or spec.key != active.key
    ]
    if await my_documents(ctx):
        rows.append((btn("docs.from_store", payloads.do("store")),))
    if draft.attachments:
        rows.append((btn("docs.manage", payloads.do("manage")),))
    rows.append((main_btn("docs.done", payloads.do("done")),))
    rows.append(
        (btn("docs.back_to_form", payloads.do("form")), btn("btn.cancel", payloads.do("cancel")))
    )
    state = replace(data, component=active.key if active else "")
    return Turn(NAME, DocumentsState.AWAITING_FILES, state, (Outgoing(text, tuple(rows)),))


@dataclass(frozen=True, slots=True)
class Attaching:
    """What a documents step works on: the context, the data, the procedure and the draft."""

    ctx: Context
    data: DocumentsData
    proc: Procedure
    draft: Draft


async def _attaching(ctx: Context, data: DocumentsData) -> Attaching | None:
    draft = await ctx.drafts.get(data.draft_id)
    proc = ctx.catalog.procedure(draft.procedure_id) if draft else None
    return Attaching(ctx, data, proc, draft) if proc and draft else None


def _gone(ctx: Context, data: DocumentsData) -> Turn:
    return home.show(say("form.draft_gone"))


def _list(c: Attaching, component: str | None = None) -> Awaitable[Turn]:
    data = c.data if component is None else replace(c.data, component=component)
    return checklist(c.ctx, c.proc, c.draft, data)


async def _receive(c: Attaching, upload: Upload) -> Turn:
    ctx, proc, draft, data = c.ctx, c.proc, c.draft, c.data
    spec = _active(proc, draft, data.component)
    if spec is None:
        ctx.uploads.reject(upload.ref)
        return (await checklist(ctx, proc, draft, data)).saying(say("docs.none_needed"))
    used = sum(a.size for a in draft.attachments)
    head = ctx.uploads.head(upload.ref) if upload.ref else b""
    try:
        kind = check_upload(
            upload.name, upload.size, head, spec.accepted, MAX_FILE_BYTES, used, MAX_DOSSIER_BYTES
        )
    except UploadRejected as refused:
        if upload.ref:
            ctx.uploads.reject(upload.ref)
        reason = rejection(refused)
        return (await checklist(ctx, proc, draft, data)).saying(say("docs.rejected", reason=reason))
    stored_ref = ctx.uploads.accept(upload.ref)
    name = sanitise_name(upload.name)
    document = StoredDocument(
        id=ctx.ids.new_id(),
        owner=ctx.address.key,
        citizen_id=ctx.citizen_id,
        component=spec.key,
        name=name,
        kind=kind,
        size=upload.size,
        ref=stored_ref,
        created_at=ctx.clock.now(),
        label=spec.name.vi,
    )
    await ctx.repos.documents.add(document)
    return await _attach(ctx, proc, draft, data, spec, document, "docs.received")


async def _attach(
    ctx: Context,
    proc: Procedure,
    draft: Draft,
    data: DocumentsData,
    spec: DocumentSpec,
    document: StoredDocument,
    message: str,
) -> Turn:
    attachment = Attachment(
        spec.key, document.id, document.name, document.kind, document.size, document.ref
    )
    draft = replace(draft, attachments=(*draft.attachments, attachment), updated_at=ctx.clock.now())
    await ctx.drafts.update(draft)
    note = say(message, name=document.name, component=both(spec.name))
    return (await checklist(ctx, proc, draft, replace(data, component=spec.key))).saying(note)


def _component(c: Attaching, key: str) -> Awaitable[Turn] | None:
    chosen = c.proc.documents and any(d.key == key for d in _uploadable(c.proc))
    return _list(c, key) if chosen else None


async def _done(c: Attaching) -> Turn:
    from conversations.flows import submission

    gaps = missing(c.proc, c.draft)
    if gaps:
        names = Lines(tuple(Text("docs.missing_line", {"name": both(d.name)}) for d in gaps))
        return (await _list(c)).saying(say("docs.missing", lines=names))
    return await submission.summary(c.ctx, c.proc, c.draft)


async def _to_form(c: Attaching) -> Turn:
    """Back to the form's review, to change an answer."""
    from conversations.flows import form

    return await form.resume(c.ctx, c.draft, to_review=True)


async def my_documents(ctx: Context) -> list[StoredDocument]:
    """The document store as this chat may see it (see services.personal_data.belongs_to)."""
    stored = await ctx.repos.documents.list_for(ctx.address.key, ctx.citizen_id)
    return [d for d in stored if belongs_to(ctx.address.key, ctx.citizen_id, d.owner, d.citizen_id)]


async def _stored(ctx: Context, data: DocumentsData) -> Turn:
    documents = await my_documents(ctx)
    items = [
        (
            d.id,
            Text(
                "docs.stored_item",
                {"label": d.label, "name": d.name, "day": Day(d.created_at)},
            ),
        )
        for d in documents
    ]
    rows, page = list_buttons(STORED, items, data.page, ctx.settings.page_size)
    text = Text("docs.store_pick", {"page": page.number + 1, "pages": page.count})
    buttons = (*rows, (btn("btn.back", payloads.do("back")),))
    return Turn(
        NAME,
        DocumentsState.PICKING_STORED,
        replace(data, page=page.number),
        (Outgoing(text, buttons),),
    )


def _manage(proc: Procedure, draft: Draft, data: DocumentsData) -> Turn:
    names = {d.key: d.name for d in proc.documents}
    buttons = [
        (
            Button(
                Text(
                    "docs.remove_item",
                    {
                        "component": both(names[a.component])
                        if a.component in names
                        else raw(a.component),
                        "name": a.name,
                    },
                ),
                payloads.pick(ATTACHED, str(index)),
            ),
        )
        for index, a in enumerate(draft.attachments)
    ]
    buttons.append((btn("btn.back", payloads.do("back")),))
    return Turn(NAME, DocumentsState.MANAGING, data, (say("docs.manage_pick", tuple(buttons)),))


async def _reuse(c: Attaching, document_id: str) -> Turn | None:
    ctx, proc, draft, data = c.ctx, c.proc, c.draft, c.data
    document = await ctx.repos.documents.get(document_id)
    mine = document is not None and (
        document.owner == ctx.address.key
        or (ctx.citizen_id and document.citizen_id == ctx.citizen_id)
    )
    spec = _active(proc, draft, data.component)
    if document is None or not mine or spec is None:
        return None
    if document.kind not in spec.accepted:
        note = say("docs.stored_wrong_type", name=document.name, component=both(spec.name))
        return (await _list(c)).saying(note)
    return await _attach(ctx, proc, draft, data, spec, document, "docs.reused")


async def _remove(c: Attaching, index: int) -> Turn | None:
    attachments = c.draft.attachments
    if index >= len(attachments):
        return None
    removed, kept = attachments[index], attachments[:index] + attachments[index + 1 :]
    draft = replace(c.draft, attachments=kept, updated_at=c.ctx.clock.now())
    await c.ctx.drafts.update(draft)
    turn = await checklist(c.ctx, c.proc, draft, replace(c.data, component=removed.component))
    return turn.saying(say("docs.removed", name=removed.name))


BACK: Do[Attaching] = Back(_list)
DIALOG = Dialog(
    _attaching,
    _gone,
    {
        DocumentsState.AWAITING_FILES: Window(
            _list,
            FileInput(_receive),
            Select(COMPONENTS, _component),
            Do("store", lambda c: _stored(c.ctx, c.data)),
            Do("manage", lambda c: _manage(c.proc, c.draft, c.data)),
            Do("done", _done),
            Do("form", _to_form),
            Cancel(lambda c: home.show(say("form.cancelled", procedure=procedure_name(c.proc)))),
        ),
        DocumentsState.PICKING_STORED: Window(
            lambda c: _stored(c.ctx, c.data),
            BACK,
            Pager(STORED, lambda c, page: _stored(c.ctx, replace(c.data, page=page))),
            Select(STORED, _reuse),
        ),
        DocumentsState.MANAGING: Window(
            lambda c: _manage(c.proc, c.draft, c.data), BACK, Numbered(ATTACHED, _remove)
        ),
    },
)
FLOW: Flow[DocumentsData] = Flow(
    name=NAME, data_type=DocumentsData, steps=DIALOG.steps, prompts=DIALOG.prompts
)

# Files join the draft as it stands: only a draft already submitted stops them.
FLOW = draft_sync.guarded(FLOW, changes=False)
