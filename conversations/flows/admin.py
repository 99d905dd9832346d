"""Officer operations from an admin chat (settings `admin_chats`), by command or button.

    /hoso CODE ──▶ VIEWING (card: allowed next statuses, supplement, result, overdue flag)
    VIEWING ──status──▶ AWAITING_NOTE ──note / "no note"──▶ changed (or refused), VIEWING
            ──supplement──▶ PICKING_COMPONENTS (admin_supplement) ──send──▶ 4 → 5, VIEWING
            ──result──▶ AWAITING_RESULT (admin_result) ──file──▶ checked, stored, 4 → 9
            ──overdue / on time──▶ flag set or cleared, VIEWING
    /trangthai CODE 4 ghi chú · /bosung CODE · /ketqua CODE · /quahan CODE · /boquahan CODE

Every step checks the chat is still an admin chat. The history names the actor
`admin:<chat key>`; the status-change log the scheduler pushes to the citizen is written by
services.status_changes in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from conversations import payloads
from conversations.flow import Context, Flow, Prompt, Step, Turn
from conversations.flows import (
    admin_handover,
    admin_result,
    admin_supplement,
    broadcast,
    home,
    stats,
)
from conversations.flows.admin_state import (
    EXAMPLE,
    MAX_NOTE,
    NAME,
    NOTE_REQUIRED,
    AdminData,
    AdminState,
    actor,
    ask_note,
    explain,
    gone,
    load,
    not_submitted,
    refused,
    viewing,
)
from conversations.messages import Incoming, IncomingKind, Outgoing, say
from conversations.officer_card import STATUS_LIST, status_option
from conversations.payloads import Verb
from conversations.status_messages import resolve_code
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
    number, _, note = rest.partition(" ")
    if not number.isdigit() or not 1 <= int(number) <= 10:
        return viewing(ctx, dossier, say("admin.bad_status", typed=number[:20]))
    status = DossierStatus(int(number))
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


async def _step_view(ctx: Context, data: AdminData, event: Incoming) -> Turn | None:
    dossier = await load(ctx, data)
    if dossier is None:
        return gone()
    if event.kind is IncomingKind.TEXT and split_code(event.text) is not None:
        return await show(ctx, event.text)  # another code typed: open that one
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.PICK and action.args[0] == STATUS_LIST and action.args[1].isdigit():
        number = int(action.args[1])
        if not 1 <= number <= 10:
            return None
        return ask_note(dossier, replace(data, status=number))
    if action.verb is not Verb.DO:
        return None
    match action.arg:
        case "supplement":
            return await admin_supplement.start(ctx, dossier, "")
        case "result":
            return admin_result.start(ctx, dossier, "")
        case "overdue" | "ontime":
            return await set_overdue(ctx, dossier, action.arg == "overdue", "")
    return None


async def _step_note(ctx: Context, data: AdminData, event: Incoming) -> Turn | None:
    dossier = await load(ctx, data)
    if dossier is None:
        return gone()
    status = DossierStatus(data.status)
    if event.kind is IncomingKind.TEXT:
        note = " ".join(event.text.split())
        if not note:
            return ask_note(dossier, data)
        if len(note) > MAX_NOTE:
            too_long = say("admin.note_too_long", max=MAX_NOTE, length=len(note))
            return ask_note(dossier, data, too_long)
        if status is DossierStatus.SUPPLEMENT_REQUESTED:
            return await admin_supplement.picking(ctx, dossier, replace(data, note=note))
        return await apply_status(ctx, dossier, status, note)
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None or action.verb is not Verb.DO:
        return None
    if action.arg == "back":
        if status is DossierStatus.SUPPLEMENT_REQUESTED:
            return await admin_supplement.picking(ctx, dossier, data)
        return viewing(ctx, dossier)
    if action.arg == "nonote" and status not in NOTE_REQUIRED:
        if status is DossierStatus.SUPPLEMENT_REQUESTED:
            return await admin_supplement.picking(ctx, dossier, replace(data, note=""))
        return await apply_status(ctx, dossier, status, "")
    return None


async def _prompt_view(ctx: Context, data: AdminData) -> Turn:
    dossier = await load(ctx, data)
    return viewing(ctx, dossier) if dossier else gone()


async def _prompt_note(ctx: Context, data: AdminData) -> Turn:
    dossier = await load(ctx, data)
    return ask_note(dossier, data) if dossier else gone()


def _admins_only(step: Step[AdminData]) -> Step[AdminData]:
    """A step that refuses a chat removed from the admin chats meanwhile."""

    async def guarded(ctx: Context, data: AdminData, event: Incoming) -> Turn | None:
        return await step(ctx, data, event) if ctx.is_admin else refused()

    return guarded


def _prompt_admins_only(prompt: Prompt[AdminData]) -> Prompt[AdminData]:
    async def guarded(ctx: Context, data: AdminData) -> Turn:
        return await prompt(ctx, data) if ctx.is_admin else refused()

    return guarded


Command = Callable[[Context, str], Awaitable[Turn]]
COMMANDS: Mapping[str, Command] = {
    "hoso": show,
    "dossier": show,
    "trangthai": set_status,
    "setstatus": set_status,
    "bosung": supplement,
    "asksupplement": supplement,
    "ketqua": result,
    "result": result,
    "quahan": overdue,
    "overdue": overdue,
    "boquahan": on_time,
    "ontime": on_time,
    "thongke": stats.show,
    "stats": stats.show,
    "thongbao": broadcast.start,
    "broadcast": broadcast.start,
    "huythongbao": broadcast.cancel_command,
    "broadcast_cancel": broadcast.cancel_command,
    "chuyenloi": admin_handover.dead_letters,
    "deadletters": admin_handover.dead_letters,
    "guilai": admin_handover.resend_command,
    "resend": admin_handover.resend_command,
}
"""Admin commands (Vietnamese names with English aliases); refused in other chats."""


def help_messages(ctx: Context) -> tuple[Outgoing, ...]:
    """The admin commands, added to /help in admin chats only."""
    return (say("admin.help", example=EXAMPLE),) if ctx.is_admin else ()


FLOW: Flow[AdminData] = Flow(
    name=NAME,
    data_type=AdminData,
    steps={
        AdminState.VIEWING: _admins_only(_step_view),
        AdminState.AWAITING_NOTE: _admins_only(_step_note),
        AdminState.PICKING_COMPONENTS: _admins_only(admin_supplement.step),
        AdminState.AWAITING_RESULT: _admins_only(admin_result.step),
    },
    prompts={
        AdminState.VIEWING: _prompt_admins_only(_prompt_view),
        AdminState.AWAITING_NOTE: _prompt_admins_only(_prompt_note),
        AdminState.PICKING_COMPONENTS: _prompt_admins_only(admin_supplement.prompt),
        AdminState.AWAITING_RESULT: _prompt_admins_only(admin_result.prompt),
    },
    # An officer's tools read their own typed text: another code, a note, a component.
    answers=frozenset(AdminState),
)
