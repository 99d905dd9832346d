"""Asking the citizen for a supplement (4 → 5): the officer ticks the procedure's document
components and may name others in their own words, adds a note, and sends.

    PICKING_COMPONENTS ──tick / untick──▶ itself      ──typed text──▶ own items added
                       ──note──▶ AWAITING_NOTE ──▶ back here
                       ──send──▶ request_supplement (at least one component), the card
"""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.cards import both
from conversations.flow import Context, Turn
from conversations.flows.admin_state import (
    MAX_NOTE,
    NAME,
    AdminData,
    AdminState,
    Officer,
    actor,
    explain,
    not_submitted,
    viewing,
)
from conversations.messages import Button, Lines, Outgoing, Text, btn, say
from conversations.status_messages import component_name
from services.catalog import Procedure
from services.dossier_codes import DossierStatus, TransitionError, allowed_next
from services.dossiers import Dossier
from services.status_changes import NotSubmitted, request_supplement

COMPONENTS, OWN = "ac", "ao"  # pick lists: the procedure's components, the officer's own
MAX_OWN = 10
MAX_OWN_LENGTH = 100


def _documents(ctx: Context, dossier: Dossier) -> tuple[Procedure | None, list[str]]:
    proc = ctx.catalog.procedure(dossier.procedure_id)
    return proc, [d.key for d in proc.documents] if proc else []


def chosen(ctx: Context, dossier: Dossier, data: AdminData) -> tuple[str, ...]:
    """What the request will ask for: ticked components in the procedure's order, then the
    officer's own items."""
    _, keys = _documents(ctx, dossier)
    return (*(k for k in keys if k in data.components), *data.own)


async def start(ctx: Context, dossier: Dossier, note: str) -> Turn:
    """Begin a supplement request (only from 4, Đang xử lý, as the national flow allows)."""
    data = AdminData(dossier.id, status=int(DossierStatus.SUPPLEMENT_REQUESTED), note=note)
    if dossier.status is None:
        return viewing(ctx, dossier, not_submitted(dossier))
    if DossierStatus.SUPPLEMENT_REQUESTED not in _allowed(dossier):
        error = TransitionError("not_allowed", {"new": int(DossierStatus.SUPPLEMENT_REQUESTED)})
        return viewing(ctx, dossier, explain(dossier, error))
    return await picking(ctx, dossier, replace(data, note=note[:MAX_NOTE]))


def _allowed(dossier: Dossier) -> frozenset[DossierStatus]:
    return allowed_next(dossier.status) if dossier.status else frozenset()


async def picking(ctx: Context, dossier: Dossier, data: AdminData, *before: Outgoing) -> Turn:
    """The components with ticks, what is chosen, and the send button."""
    proc = ctx.catalog.procedure(dossier.procedure_id)
    rows: list[tuple[Button, ...]] = []
    for index, spec in enumerate(proc.documents if proc else ()):
        key = "admin.component_on" if spec.key in data.components else "admin.component_off"
        rows.append((btn(key, payloads.pick(COMPONENTS, str(index)), name=both(spec.name)),))
    for index, item in enumerate(data.own):
        rows.append((btn("admin.own_remove", payloads.pick(OWN, str(index)), name=item),))
    rows.append((btn("admin.note_button", payloads.do("note")),))
    rows.append((btn("admin.supplement_send", payloads.do("send")),))
    rows.append((btn("btn.back", payloads.do("back")),))
    items = chosen(ctx, dossier, data)
    lines = Lines(
        tuple(Text("push.supplement_line", {"name": component_name(proc, c)}) for c in items)
    )
    text = Text(
        "admin.supplement_pick",
        {
            "code": dossier.code,
            "chosen": lines if items else Text("admin.supplement_nothing"),
            "note": Text("admin.supplement_note", {"note": data.note}) if data.note else "",
            "max": MAX_OWN_LENGTH,
        },
    )
    turn_data = replace(data, status=int(DossierStatus.SUPPLEMENT_REQUESTED))
    message = Outgoing(text, tuple(rows))
    return Turn(NAME, AdminState.PICKING_COMPONENTS, turn_data, (*before, message))


def _own_items(text: str) -> list[str]:
    parts = text.replace(";", "\n").splitlines()
    return [" ".join(p.split()) for p in parts if p.strip()]


async def _send(ctx: Context, dossier: Dossier, data: AdminData) -> Turn:
    items = chosen(ctx, dossier, data)
    if not items:
        return await picking(ctx, dossier, data, say("admin.supplement_none_chosen"))
    try:
        updated = await request_supplement(
            ctx.repos.dossiers, dossier, items, data.note, actor(ctx), ctx.clock.now()
        )
    except TransitionError as error:
        return viewing(ctx, dossier, explain(dossier, error))
    except NotSubmitted:
        return viewing(ctx, dossier, not_submitted(dossier))
    return viewing(ctx, updated, say("admin.supplement_sent", code=dossier.code, count=len(items)))


async def add_own(c: Officer, text: str) -> Turn:
    """Components typed in the officer's own words (one a line, or split by ";")."""
    data = c.data
    items = _own_items(text)
    too_long = next((i for i in items if len(i) > MAX_OWN_LENGTH), None)
    if too_long is not None:
        error = say("admin.own_too_long", max=MAX_OWN_LENGTH, length=len(too_long))
        return await picking(c.ctx, c.dossier, data, error)
    fresh = [i for i in items if i not in data.own]
    if len(data.own) + len(fresh) > MAX_OWN:
        return await picking(c.ctx, c.dossier, data, say("admin.own_too_many", max=MAX_OWN))
    return await picking(c.ctx, c.dossier, replace(data, own=(*data.own, *fresh)))


async def toggle(c: Officer, index: int) -> Turn | None:
    """Tick or untick the procedure's n-th component."""
    keys = _documents(c.ctx, c.dossier)[1]
    if index >= len(keys):
        return None
    key, ticked = keys[index], c.data.components
    ticked = tuple(k for k in ticked if k != key) if key in ticked else (*ticked, key)
    return await picking(c.ctx, c.dossier, replace(c.data, components=ticked))


async def remove_own(c: Officer, index: int) -> Turn | None:
    """Drop the n-th of the officer's own items."""
    own = c.data.own
    if index >= len(own):
        return None
    return await picking(c.ctx, c.dossier, replace(c.data, own=own[:index] + own[index + 1 :]))


async def send(c: Officer) -> Turn:
    """Send the request."""
    return await _send(c.ctx, c.dossier, c.data)
