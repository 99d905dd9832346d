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

from conversations import payloads, talk_desk
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.messages import At, Lines, Outgoing, Text, btn, say
from conversations.status_messages import resolve_code
from conversations.steps import Dialog, Window, unreachable
from conversations.widgets import Back, Typed
from services.talks import MAX_TEXT, OfficerDesk, Talk, TalkState, may_see

NAME = "human_desk"
LISTED = 10


class DeskState(StrEnum):
    """What an officer chat awaits."""

    AWAITING_ANSWER = "AWAITING_ANSWER"  # the answer's text


@dataclass(frozen=True, slots=True)
class DeskData:
    """The hand-over being answered."""

    talk_id: str


def _desk(ctx: Context) -> OfficerDesk | None:
    return talk_desk.officer_desk(ctx.settings.desk, ctx.address.key, ctx.is_admin)


@dataclass(frozen=True, slots=True)
class Answering:
    """What an officer's step works on: this chat's desk and the hand-over, still open."""

    ctx: Context
    desk: OfficerDesk
    talk: Talk


async def _found(ctx: Context, talk_id: str) -> Answering | Turn:
    """This chat's desk and the hand-over, or the turn saying why not."""
    desk = _desk(ctx)
    if desk is None:
        return home.show(say("human.desk_refused"))
    talk = await ctx.repos.talks.get(talk_id)
    if talk is None or not may_see([desk.agency_id], talk):
        return home.show(say("human.desk_not_found"))
    if not talk.is_open:  # a stale button: ended since
        return home.show(say("human.desk_already_closed", ref=talk_desk.ref(talk)))
    return Answering(ctx, desk, talk)


def help_messages(ctx: Context) -> tuple[Outgoing, ...]:
    """How to answer hand-overs, added to /help in officer chats."""
    return (say("human.desk_help"),) if ctx.address.key in ctx.settings.desk.officer_chats else ()


async def ask_answer(ctx: Context, talk_id: str) -> Turn:
    """ "Trả lời": wait for the answer's text."""
    found = await _found(ctx, talk_id)
    return found if isinstance(found, Turn) else _asking(found)


def _asking(c: Answering) -> Turn:
    talk = c.talk
    who = c.desk.name or talk_desk.agency_name(c.ctx.catalog, talk.agency_id)
    ask = say(
        "human.desk_answer_ask",
        ((btn("human.desk_back", payloads.do("back")),),),
        ref=talk_desk.ref(talk),
        who=who,
    )
    return Turn(NAME, DeskState.AWAITING_ANSWER, DeskData(talk.id), (ask,))


async def close(ctx: Context, talk_id: str) -> Turn:
    """ "Kết thúc": end the hand-over; the citizen and the other officer chats are told."""
    found = await _found(ctx, talk_id)
    if isinstance(found, Turn):
        return found
    await talk_desk.close(
        ctx.repos,
        ctx.catalog,
        ctx.settings.desk,
        found.talk,
        f"officer:{ctx.address.key}",
        ctx.clock.now(),
        name=found.desk.name,
        skip=ctx.address.key,
    )
    return home.show(say("human.desk_closed_done", ref=talk_desk.ref(found.talk)))


async def listing(ctx: Context, argument: str = "") -> Turn:
    """/hoidap: the open hand-overs this chat may answer; /hoidap CODE: every exchange kept
    with that dossier (ended ones too), in full."""
    desk = _desk(ctx)
    if desk is None:
        return home.show(say("human.desk_refused"))
    agencies = None if desk.agency_id == "*" else [desk.agency_id]
    if argument.strip():
        return await _of_dossier(ctx, agencies, argument)
    found = await ctx.repos.talks.listing(agencies, TalkState.OPEN, limit=LISTED)
    if not found:
        return home.show(say("human.desk_list_empty"))
    items = [
        say(
            "human.desk_list_item",
            talk_desk.desk_buttons(h),
            ref=talk_desk.ref(h),
            agency=talk_desk.agency_name(ctx.catalog, h.agency_id),
            about=talk_desk.about(h),
            at=At(h.opened_at),
        )
        for h in found
    ]
    return home.show(say("human.desk_list", count=len(found)), *items)


async def _answer(c: Answering, typed: str) -> Turn | None:
    if not typed.strip():
        return None
    text = typed.strip()[:MAX_TEXT]
    ctx, talk = c.ctx, c.talk
    await talk_desk.officer_answered(
        ctx.repos, ctx.catalog, talk, c.desk.name, text, ctx.clock.now()
    )
    return home.show(say("human.desk_answer_sent", ref=talk_desk.ref(talk)))


DIALOG: Dialog[DeskData, Answering] = Dialog(
    lambda ctx, data: _found(ctx, data.talk_id),
    unreachable,
    {
        DeskState.AWAITING_ANSWER: Window(
            _asking,
            Back(lambda c: home.show()),
            Typed(_answer),
        )
    },
)
FLOW: Flow[DeskData] = Flow(
    name=NAME,
    data_type=DeskData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    answers=frozenset({DeskState.AWAITING_ANSWER}),
)


async def _of_dossier(ctx: Context, agencies: list[str] | None, typed: str) -> Turn:
    code = resolve_code(ctx.catalog, typed) or typed.strip()
    dossier = await ctx.repos.dossiers.by_code(code)
    if dossier is None or (agencies is not None and dossier.agency_id not in agencies):
        return home.show(say("status.not_found", code=code[:64]))
    found = await ctx.repos.talks.listing(agencies, dossier_id=dossier.id, limit=LISTED)
    if not found:
        return home.show(say("human.desk_transcript_none", code=dossier.code))
    shown = [await _transcript(ctx, h) for h in found]
    return home.show(*shown)


async def _transcript(ctx: Context, talk: Talk) -> Outgoing:
    said = await ctx.repos.talks.messages(talk.id)
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
    state = Text("human.state_open" if talk.is_open else "human.state_closed")
    return say(
        "human.desk_transcript",
        ref=talk_desk.ref(talk),
        code=talk.dossier_code,
        state=state,
        lines=Lines(lines),
    )
