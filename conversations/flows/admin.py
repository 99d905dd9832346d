"""Officer operations from an admin chat (settings `admin_chats`), by command or button.

    /hoso CODE ──▶ VIEWING (card: allowed next statuses, supplement, result, overdue flag)
    VIEWING ──status──▶ AWAITING_NOTE ──note / "no note"──▶ changed (or refused), VIEWING
            ──supplement──▶ PICKING_COMPONENTS (admin_supplement) ──send──▶ 4 → 5, VIEWING
            ──result──▶ AWAITING_RESULT (admin_result) ──file──▶ checked, stored, 4 → 9
            ──overdue / on time──▶ flag set or cleared, VIEWING
    /trangthai CODE 4 ghi chú · /bosung CODE · /ketqua CODE · /quahan CODE · /boquahan CODE
    (the commands are declared in conversations/commands.py, REGISTRY, admin=True)

Every step checks the chat is still an admin chat. The history names the actor
`admin:<chat key>`; the status-change log the scheduler pushes to the citizen is written by
services.status_changes in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace

from conversations.flow import Context, Flow, Turn
from conversations.flows import admin_result, admin_supplement, home
from conversations.flows.admin_state import (
    EXAMPLE,
    MAX_NOTE,
    NAME,
    NOTE_REQUIRED,
    AdminData,
    AdminState,
    Officer,
    actor,
    ask_note,
    explain,
    gone,
    not_submitted,
    officer,
    refused,
    viewing,
)
from conversations.messages import Outgoing, say
from conversations.officer_card import STATUS_LIST, status_option
from conversations.status_messages import resolve_code
from conversations.steps import Dialog, Window
from conversations.widgets import Back, Do, FileInput, Numbered, TextInput, Typed, number
from services.dossier_codes import DossierStatus, TransitionError, parse_code
from services.dossiers import Dossier
from services.status_changes import NotSubmitted, change_status, mark_overdue

MAX_CODE_WORDS = 5  # "H04.101 - 251125 - 0001"


def split_code(argument: str) -> tuple[str, str] | None:
    """A dossier code at the start of a command's argument (typed with spaces, lower case or
    the short agency form), and the rest; None when it does not start with one."""
    words = argument.split()
    for count in range(min(len(words), MAX_CODE_WORDS), 0, -1):
        head = " ".join(words[:count])
        if parse_code(head) is not None:
            return head, " ".join(words[count:])
    return None


async def _find(ctx: Context, argument: str, usage: str) -> tuple[Dossier, str] | Turn:
    split = split_code(argument)
    if split is None:
        return home.show(say(usage, example=EXAMPLE))
    typed, rest = split
    code = resolve_code(ctx.catalog, typed) or typed
    dossier = await ctx.repos.dossiers.by_code(code)
    if dossier is None:
        return home.show(say("status.not_found", code=code))
    if len(rest) > MAX_NOTE:  # a note typed after the code: refused whole, never cut
        return viewing(ctx, dossier, say("admin.note_too_long", max=MAX_NOTE, length=len(rest)))
    return dossier, rest


async def show(ctx: Context, argument: str) -> Turn:
    """/hoso CODE: the officer's card."""
    found = await _find(ctx, argument, "admin.usage_show")
    return found if isinstance(found, Turn) else viewing(ctx, found[0])


async def set_status(ctx: Context, argument: str) -> Turn:
    """/trangthai CODE [STATUS [note]]: change at once, or offer the allowed statuses."""
    found = await _find(ctx, argument, "admin.usage_status")
    if isinstance(found, Turn):
        return found
    dossier, rest = found
    if not rest:
        return viewing(ctx, dossier, say("admin.pick_status", code=dossier.code))
    typed, _, note = rest.partition(" ")
    chosen = number(typed, 1, 10)
    if chosen is None:
        return viewing(ctx, dossier, say("admin.bad_status", typed=typed[:20]))
    status = DossierStatus(chosen)
    if status is DossierStatus.SUPPLEMENT_REQUESTED:
        return await admin_supplement.start(ctx, dossier, note.strip())
    if status in NOTE_REQUIRED and not note.strip():
        return ask_note(dossier, AdminData(dossier.id, status=int(status)))
    return await apply_status(ctx, dossier, status, note.strip())


async def supplement(ctx: Context, argument: str) -> Turn:
    """/bosung CODE [note]: choose the components to ask for."""
    found = await _find(ctx, argument, "admin.usage_supplement")
    return found if isinstance(found, Turn) else await admin_supplement.start(ctx, *found)


async def result(ctx: Context, argument: str) -> Turn:
    """/ketqua CODE [note]: then the result file as an attachment."""
    found = await _find(ctx, argument, "admin.usage_result")
    return found if isinstance(found, Turn) else admin_result.start(ctx, *found)


async def overdue(ctx: Context, argument: str) -> Turn:
    """/quahan CODE [note]: flag the dossier overdue."""
    found = await _find(ctx, argument, "admin.usage_overdue")
    return found if isinstance(found, Turn) else await set_overdue(ctx, found[0], True, found[1])


async def on_time(ctx: Context, argument: str) -> Turn:
    """/boquahan CODE [note]: clear the overdue flag."""
    found = await _find(ctx, argument, "admin.usage_ontime")
    return found if isinstance(found, Turn) else await set_overdue(ctx, found[0], False, found[1])


async def apply_status(ctx: Context, dossier: Dossier, status: DossierStatus, note: str) -> Turn:
    """Move the dossier to `status`, or say why not; then its card."""
    proc = ctx.catalog.procedure(dossier.procedure_id)
    days = proc.processing_days if proc else 0
    try:
        updated = await change_status(
            ctx.repos.dossiers, dossier, status, actor(ctx), note[:MAX_NOTE], ctx.clock.now(), days
        )
    except TransitionError as error:
        return viewing(ctx, dossier, explain(dossier, error))
    except NotSubmitted:
        return viewing(ctx, dossier, not_submitted(dossier))
    done = say("admin.status_changed", code=dossier.code, status=status_option(status))
    return viewing(ctx, updated, done)


async def set_overdue(ctx: Context, dossier: Dossier, flag: bool, note: str) -> Turn:
    """Set or clear the overdue flag (a flag, not a status: FACTS §1.3)."""
    if dossier.overdue == flag:
        key = "admin.overdue_already" if flag else "admin.ontime_already"
        return viewing(ctx, dossier, say(key, code=dossier.code))
    try:
        updated = await mark_overdue(
            ctx.repos.dossiers, dossier, flag, actor(ctx), note[:MAX_NOTE], ctx.clock.now()
        )
    except NotSubmitted:
        return viewing(ctx, dossier, not_submitted(dossier))
    key = "admin.overdue_marked" if flag else "admin.overdue_cleared"
    return viewing(ctx, updated, say(key, code=dossier.code))


def _status_chosen(c: Officer, status: int) -> Turn | None:
    return ask_note(c.dossier, replace(c.data, status=status)) if 1 <= status <= 10 else None


async def _note(c: Officer, text: str) -> Turn:
    dossier, data = c.dossier, c.data
    note = " ".join(text.split())
    if not note:
        return ask_note(dossier, data)
    if len(note) > MAX_NOTE:
        return ask_note(dossier, data, say("admin.note_too_long", max=MAX_NOTE, length=len(note)))
    return await _noted(c, note)


async def _noted(c: Officer, note: str) -> Turn:
    status = DossierStatus(c.data.status)
    if status is DossierStatus.SUPPLEMENT_REQUESTED:
        return await admin_supplement.picking(c.ctx, c.dossier, replace(c.data, note=note))
    return await apply_status(c.ctx, c.dossier, status, note)


def _no_note(c: Officer) -> Awaitable[Turn] | None:
    return _noted(c, "") if DossierStatus(c.data.status) not in NOTE_REQUIRED else None


async def _back_from_note(c: Officer) -> Turn:
    if DossierStatus(c.data.status) is DossierStatus.SUPPLEMENT_REQUESTED:
        return await admin_supplement.picking(c.ctx, c.dossier, c.data)
    return viewing(c.ctx, c.dossier)


def _card(c: Officer) -> Turn:
    return viewing(c.ctx, c.dossier)


async def _officer(ctx: Context, data: AdminData) -> Officer | None:
    """Every screen refuses a chat removed from the admin chats meanwhile."""
    return await officer(ctx, data) if ctx.is_admin else None


DIALOG = Dialog(
    _officer,
    lambda ctx, data: gone() if ctx.is_admin else refused(),
    {
        AdminState.VIEWING: Window(
            _card,
            # another code typed: open that one
            TextInput(lambda c, code: show(c.ctx, code), lambda t: t if split_code(t) else None),
            Numbered(STATUS_LIST, _status_chosen),
            Do("supplement", lambda c: admin_supplement.start(c.ctx, c.dossier, "")),
            Do("result", lambda c: admin_result.start(c.ctx, c.dossier, "")),
            Do("overdue", lambda c: set_overdue(c.ctx, c.dossier, True, "")),
            Do("ontime", lambda c: set_overdue(c.ctx, c.dossier, False, "")),
        ),
        AdminState.AWAITING_NOTE: Window(
            lambda c: ask_note(c.dossier, c.data),
            Typed(_note),
            Back(_back_from_note),
            Do("nonote", _no_note),
        ),
        AdminState.PICKING_COMPONENTS: Window(
            lambda c: admin_supplement.picking(c.ctx, c.dossier, c.data),
            Typed(admin_supplement.add_own),
            Numbered(admin_supplement.COMPONENTS, admin_supplement.toggle),
            Numbered(admin_supplement.OWN, admin_supplement.remove_own),
            Do("note", lambda c: ask_note(c.dossier, c.data)),
            Do("send", admin_supplement.send),
            Back(_card),
        ),
        AdminState.AWAITING_RESULT: Window(
            admin_result.awaiting,
            FileInput(admin_result.receive),
            Back(_card),
        ),
    },
)


def help_messages(ctx: Context) -> tuple[Outgoing, ...]:
    """The admin commands, added to /help in admin chats only."""
    return (say("admin.help", example=EXAMPLE),) if ctx.is_admin else ()


FLOW: Flow[AdminData] = Flow(
    name=NAME,
    data_type=AdminData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    # An officer's tools read their own typed text: another code, a note, a component.
    answers=frozenset(AdminState),
)
