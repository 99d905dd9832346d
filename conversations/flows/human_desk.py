"""Talk to a person, the officers' side: answer or end a hand-over from an officer chat.

    "Trả lời" under a hand-over ──▶ AWAITING_ANSWER ──text──▶ sent to the citizen, main menu
                                                   ──"Thôi"──▶ main menu
    "Kết thúc" under a hand-over ──▶ ended (the citizen is told), main menu
    /hoidap ──▶ the open hand-overs of this chat's agency, each with its buttons
    /hoidap CODE ──▶ every exchange kept with that dossier, ended ones too

An officer chat (settings OFFICER_CHATS; an admin chat acts for the whole province) sees and
answers only the hand-overs of its agency: another agency's is "not found", never shown. A
button of a hand-over that has ended since says so and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import handover_desk, payloads
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.messages import At, Incoming, IncomingKind, Lines, Outgoing, Text, btn, say
from conversations.payloads import Verb
from conversations.status_messages import resolve_code
from services.handovers import MAX_TEXT, Handover, HandoverState, OfficerDesk, may_see

NAME = "human_desk"
LISTED = 10


class DeskState(StrEnum):
    """What an officer chat awaits."""

    AWAITING_ANSWER = "AWAITING_ANSWER"  # the answer's text


@dataclass(frozen=True, slots=True)
class DeskData:
    """The hand-over being answered."""

    handover_id: str


def _desk(ctx: Context) -> OfficerDesk | None:
    return handover_desk.officer_desk(ctx.settings.desk, ctx.address.key, ctx.is_admin)


async def _found(ctx: Context, handover_id: str) -> tuple[OfficerDesk, Handover] | Turn:
    """This chat's desk and the hand-over, or the turn saying why not."""
    desk = _desk(ctx)
    if desk is None:
        return home.show(say("human.desk_refused"))
    handover = await ctx.repos.handovers.get(handover_id)
    if handover is None or not may_see([desk.agency_id], handover):
        return home.show(say("human.desk_not_found"))
    if not handover.is_open:  # a stale button: ended since
        return home.show(say("human.desk_already_closed", ref=handover_desk.ref(handover)))
    return desk, handover


def help_messages(ctx: Context) -> tuple[Outgoing, ...]:
    """How to answer hand-overs, added to /help in officer chats."""
    return (say("human.desk_help"),) if ctx.address.key in ctx.settings.desk.officer_chats else ()


async def ask_answer(ctx: Context, handover_id: str) -> Turn:
    """ "Trả lời": wait for the answer's text."""
    found = await _found(ctx, handover_id)
    if isinstance(found, Turn):
        return found
    desk, handover = found
    return _asking(ctx, desk, handover)


def _asking(ctx: Context, desk: OfficerDesk, handover: Handover, *before: Outgoing) -> Turn:
    who = desk.name or handover_desk.agency_name(ctx.catalog, handover.agency_id)
    ask = say(
        "human.desk_answer_ask",
        ((btn("human.desk_back", payloads.do("back")),),),
        ref=handover_desk.ref(handover),
        who=who,
    )
    return Turn(NAME, DeskState.AWAITING_ANSWER, DeskData(handover.id), (*before, ask))


async def close(ctx: Context, handover_id: str) -> Turn:
    """ "Kết thúc": end the hand-over; the citizen and the other officer chats are told."""
    found = await _found(ctx, handover_id)
    if isinstance(found, Turn):
        return found
    desk, handover = found
    await handover_desk.close(
        ctx.repos,
        ctx.catalog,
        ctx.settings.desk,
        handover,
        f"officer:{ctx.address.key}",
        ctx.clock.now(),
        name=desk.name,
        skip=ctx.address.key,
    )
    return home.show(say("human.desk_closed_done", ref=handover_desk.ref(handover)))


async def listing(ctx: Context, argument: str = "") -> Turn:
    """/hoidap: the open hand-overs this chat may answer; /hoidap CODE: every exchange kept
    with that dossier (ended ones too), in full."""
    desk = _desk(ctx)
    if desk is None:
        return home.show(say("human.desk_refused"))
    agencies = None if desk.agency_id == "*" else [desk.agency_id]
    if argument.strip():
        return await _of_dossier(ctx, agencies, argument)
    found = await ctx.repos.handovers.listing(agencies, HandoverState.OPEN, limit=LISTED)
    if not found:
        return home.show(say("human.desk_list_empty"))
    items = [
        say(
            "human.desk_list_item",
            handover_desk.desk_buttons(h),
            ref=handover_desk.ref(h),
            agency=handover_desk.agency_name(ctx.catalog, h.agency_id),
            about=handover_desk.about(h),
            at=At(h.opened_at),
        )
        for h in found
    ]
    return home.show(say("human.desk_list", count=len(found)), *items)


async def _step_answer(ctx: Context, data: DeskData, event: Incoming) -> Turn | None:
    found = await _found(ctx, data.handover_id)
    if isinstance(found, Turn):
        return found
    desk, handover = found
    if event.kind is IncomingKind.BUTTON:
        action = payloads.parse(event.payload)
        if action is not None and action.verb is Verb.DO and action.arg == "back":
            return home.show()
        return None
    if event.kind is not IncomingKind.TEXT or not event.text.strip():
        return None
    text = event.text.strip()[:MAX_TEXT]
    await handover_desk.officer_answered(
        ctx.repos, ctx.catalog, handover, desk.name, text, ctx.clock.now()
    )
    return home.show(say("human.desk_answer_sent", ref=handover_desk.ref(handover)))


async def _prompt_answer(ctx: Context, data: DeskData) -> Turn:
    found = await _found(ctx, data.handover_id)
    if isinstance(found, Turn):
        return found
    return _asking(ctx, *found)


FLOW: Flow[DeskData] = Flow(
    name=NAME,
    data_type=DeskData,
    steps={DeskState.AWAITING_ANSWER: _step_answer},
    prompts={DeskState.AWAITING_ANSWER: _prompt_answer},
    answers=frozenset({DeskState.AWAITING_ANSWER}),
)


async def _of_dossier(ctx: Context, agencies: list[str] | None, typed: str) -> Turn:
    code = resolve_code(ctx.catalog, typed) or typed.strip()
    dossier = await ctx.repos.dossiers.by_code(code)
    if dossier is None or (agencies is not None and dossier.agency_id not in agencies):
        return home.show(say("status.not_found", code=code[:64]))
    found = await ctx.repos.handovers.listing(agencies, dossier_id=dossier.id, limit=LISTED)
    if not found:
        return home.show(say("human.desk_transcript_none", code=dossier.code))
    shown = [await _transcript(ctx, h) for h in found]
    return home.show(*shown)


async def _transcript(ctx: Context, handover: Handover) -> Outgoing:
    said = await ctx.repos.handovers.messages(handover.id)
    lines = tuple(
        Text(
            "human.desk_transcript_line",
            {
                "at": At(m.at),
                "who": m.name or Text(f"human.author_{m.author.value}"),
                "text": m.text,
            },
        )
        for m in said
    )
    state = Text("human.state_open" if handover.is_open else "human.state_closed")
    return say(
        "human.desk_transcript",
        ref=handover_desk.ref(handover),
        code=handover.dossier_code,
        state=state,
        lines=Lines(lines),
    )
