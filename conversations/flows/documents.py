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

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.cards import both, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import draft_sync, home
from conversations.messages import (
    Button,
    Day,
    Incoming,
    IncomingKind,
    Lines,
    Outgoing,
    Text,
    btn,
    main_btn,
    raw,
    say,
)
from conversations.payloads import Verb
from conversations.picker import list_buttons
from conversations.upload_texts import rejection
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


async def _load(ctx: Context, draft_id: str) -> tuple[Procedure, Draft] | None:
    draft = await ctx.drafts.get(draft_id)
    proc = ctx.catalog.procedure(draft.procedure_id) if draft else None
    return (proc, draft) if proc and draft else None


def _gone() -> Turn:
    return home.show(say("form.draft_gone"))


async def _receive(
    ctx: Context, proc: Procedure, draft: Draft, data: DocumentsData, event: Incoming
) -> Turn:
    upload = event.upload
    assert upload is not None
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


async def _step_files(ctx: Context, data: DocumentsData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data.draft_id)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    if event.kind is IncomingKind.UPLOAD and event.upload is not None:
        return await _receive(ctx, proc, draft, data, event)
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.PICK and action.args[0] == COMPONENTS:
        if proc.documents and any(d.key == action.args[1] for d in _uploadable(proc)):
            return await checklist(ctx, proc, draft, replace(data, component=action.args[1]))
        return None
    if action.verb is not Verb.DO:
        return None
    return await _do(ctx, proc, draft, data, action.arg)


async def _do(
    ctx: Context, proc: Procedure, draft: Draft, data: DocumentsData, action: str
) -> Turn | None:
    from conversations.flows import form, submission

    match action:
        case "store":
            return await _stored(ctx, data)
        case "manage":
            return _manage(proc, draft, data)
        case "done":
            gaps = missing(proc, draft)
            if gaps:
                names = Lines(
                    tuple(Text("docs.missing_line", {"name": both(d.name)}) for d in gaps)
                )
                turn = await checklist(ctx, proc, draft, data)
                return turn.saying(say("docs.missing", lines=names))
            return await submission.summary(ctx, proc, draft)
        case "form":  # back to the form's review, to change an answer
            return await form.resume(ctx, draft, to_review=True)
        case "cancel":
            return home.show(say("form.cancelled", procedure=procedure_name(proc)))
    return None


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


async def _step_stored(ctx: Context, data: DocumentsData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data.draft_id)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.DO and action.arg == "back":
        return await checklist(ctx, proc, draft, data)
    if action.verb is Verb.PAGE and action.args[0] == STORED and action.args[1].isdigit():
        return await _stored(ctx, replace(data, page=int(action.args[1])))
    if action.verb is Verb.PICK and action.args[0] == STORED:
        document = await ctx.repos.documents.get(action.args[1])
        mine = document is not None and (
            document.owner == ctx.address.key
            or (ctx.citizen_id and document.citizen_id == ctx.citizen_id)
        )
        spec = _active(proc, draft, data.component)
        if document is None or not mine or spec is None:
            return None
        if document.kind not in spec.accepted:
            note = say("docs.stored_wrong_type", name=document.name, component=both(spec.name))
            return (await checklist(ctx, proc, draft, data)).saying(note)
        return await _attach(ctx, proc, draft, data, spec, document, "docs.reused")
    return None


async def _step_manage(ctx: Context, data: DocumentsData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data.draft_id)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.DO and action.arg == "back":
        return await checklist(ctx, proc, draft, data)
    if action.verb is Verb.PICK and action.args[0] == ATTACHED and action.args[1].isdigit():
        index = int(action.args[1])
        if index >= len(draft.attachments):
            return None
        removed = draft.attachments[index]
        kept = draft.attachments[:index] + draft.attachments[index + 1 :]
        draft = replace(draft, attachments=kept, updated_at=ctx.clock.now())
        await ctx.drafts.update(draft)
        turn = await checklist(ctx, proc, draft, replace(data, component=removed.component))
        return turn.saying(say("docs.removed", name=removed.name))
    return None


async def _prompt_files(ctx: Context, data: DocumentsData) -> Turn:
    loaded = await _load(ctx, data.draft_id)
    return await checklist(ctx, *loaded, data) if loaded else _gone()


async def _prompt_stored(ctx: Context, data: DocumentsData) -> Turn:
    return await _stored(ctx, data)


async def _prompt_manage(ctx: Context, data: DocumentsData) -> Turn:
    loaded = await _load(ctx, data.draft_id)
    return _manage(loaded[0], loaded[1], data) if loaded else _gone()


FLOW: Flow[DocumentsData] = Flow(
    name=NAME,
    data_type=DocumentsData,
    steps={
        DocumentsState.AWAITING_FILES: _step_files,
        DocumentsState.PICKING_STORED: _step_stored,
        DocumentsState.MANAGING: _step_manage,
    },
    prompts={
        DocumentsState.AWAITING_FILES: _prompt_files,
        DocumentsState.PICKING_STORED: _prompt_stored,
        DocumentsState.MANAGING: _prompt_manage,
    },
)

# Files join the draft as it stands: only a draft already submitted stops them.
FLOW = draft_sync.guarded(FLOW, changes=False)
