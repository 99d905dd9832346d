"""Talk to a person ("Gặp cán bộ"), the citizen's side.

    /canbo, /human, "gặp cán bộ", the menu button, "nothing fits" ──▶ start
    start ──an open hand-over──▶ OPEN (told: already open, no second one)
          ──own open dossiers──▶ CHOOSING ──a dossier / general──▶ OPEN
          ──none──▶ OPEN (the default desk: the province's one-stop desk)
    OPEN ──text──▶ kept, shown to the agency's officer chats, OPEN
         ──/end, /cancel, "Kết thúc"──▶ ended (officers told), main menu

While OPEN, what the citizen types is never read as a command word or a search
(`answers`); slash commands still work. Officers' answers arrive through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads, talk_desk
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.messages import At, Button, IncomingKind, Outgoing, Text, btn, say
from conversations.status_messages import resolve_code
from conversations.steps import Call, Dialog, Window, joined, plain
from conversations.widgets import Besides, Do, Select, Typed
from services.dossier_codes import TERMINAL
from services.dossiers import Dossier
from services.talks import MAX_TEXT, Talk

NAME = "human"
CHOICES = 4  # dossiers offered to choose from
DOSSIER = "hd"  # p:hd:<dossier id>


class HumanState(StrEnum):
    """What the citizen's side awaits."""

    CHOOSING = "CHOOSING"  # which dossier the question is about, or a general one
    OPEN = "OPEN"  # what to pass on to the officers


@dataclass(frozen=True, slots=True)
class HumanData:
    """The open hand-over, or the dossiers offered."""

    talk_id: str = ""
    choices: tuple[str, ...] = ()


def _end_row(talk: Talk) -> tuple[tuple[Button, ...], ...]:
    return ((btn("human.end_button", payloads.pick(talk_desk.END, talk.id)),),)


def _open_turn(talk: Talk, *before: Outgoing) -> Turn:
    ask = say("human.open_prompt", _end_row(talk))
    return Turn(NAME, HumanState.OPEN, HumanData(talk.id), (*before, ask))


def _agency(ctx: Context, talk: Talk) -> Text | str:
    return talk_desk.agency_name(ctx.catalog, talk.agency_id)


async def start(ctx: Context, argument: str = "") -> Turn:
    """The way in from anywhere: the open hand-over, a choice of dossier, or a new one."""
    current = await ctx.repos.talks.open_for_chat(ctx.address.key)
    if current is not None:  # a second request: the open one goes on
        already = say(
            "human.already_open",
            agency=_agency(ctx, current),
            about=talk_desk.about(current),
        )
        return _open_turn(current, already)
    mine = [d for d in await _own_dossiers(ctx) if d.code]
    typed = (resolve_code(ctx.catalog, argument) or argument.strip()) if argument.strip() else ""
    chosen = next((d for d in mine if typed and d.code.upper() == typed.upper()), None)
    if chosen is not None or not mine:
        return await _open(ctx, chosen)
    return _choosing(mine[:CHOICES])


def _choosing(offered: list[Dossier]) -> Turn:
    """Which dossier the question is about (or a general one)."""
    rows: list[tuple[Button, ...]] = [
        (btn("human.choose_dossier", payloads.pick(DOSSIER, d.id), code=d.code),) for d in offered
    ]
    rows.append((btn("human.choose_general", payloads.do("general")),))
    rows.append(home.home_row())
    data = HumanData(choices=tuple(d.id for d in offered))
    return Turn(NAME, HumanState.CHOOSING, data, (say("human.choose", tuple(rows)),))


async def _own_dossiers(ctx: Context) -> list[Dossier]:
    """This chat's (or its citizen's) submitted dossiers still being handled, newest first."""
    found = await ctx.repos.dossiers.list_for(ctx.address.key, ctx.citizen_id)
    live = [d for d in found if d.status is not None and d.status not in TERMINAL]
    return sorted(live, key=lambda d: d.created_at, reverse=True)


async def _open(ctx: Context, dossier: Dossier | None) -> Turn:
    desk = ctx.settings.desk
    now = ctx.clock.now()
    talk = Talk(
        id=ctx.ids.new_id(),
        chat_key=ctx.address.key,
        agency_id=dossier.agency_id if dossier else desk.default_agency,
        opened_at=now,
        dossier_id=dossier.id if dossier else "",
        dossier_code=dossier.code if dossier else "",
    )
    await talk_desk.opened(ctx.repos, ctx.catalog, desk, talk)
    told = say("human.opened", agency=_agency(ctx, talk), about=talk_desk.about(talk))
    return _open_turn(talk, told, talk_desk.hours_note(desk, now))


async def end(ctx: Context) -> Turn:
    """/end, /cancel or "Kết thúc": end the chat's open hand-over (officers are told)."""
    current = await ctx.repos.talks.open_for_chat(ctx.address.key)
    if current is None:
        return home.show(say("human.none_open"))
    await talk_desk.close(
        ctx.repos, ctx.catalog, ctx.settings.desk, current, talk_desk.CITIZEN, ctx.clock.now()
    )
    return home.show(say("human.ended", with_dossier=talk_desk.kept_with(current)))


async def write_again(ctx: Context, talk_id: str) -> Turn:
    """ "Trả lời cán bộ" under an answer: back to the open hand-over (if still open)."""
    current = await ctx.repos.talks.open_for_chat(ctx.address.key)
    if current is None or current.id != talk_id:
        return home.show(say("human.none_open"))
    return _open_turn(current)


async def end_button(ctx: Context, talk_id: str) -> Turn:
    """ "Kết thúc" under an answer or the prompt: ends that hand-over if it is still open."""
    current = await ctx.repos.talks.open_for_chat(ctx.address.key)
    if current is None or current.id != talk_id:
        return home.show(say("human.none_open"))
    return await end(ctx)


async def _picked(c: Call[HumanData], dossier_id: str) -> Turn | None:
    if dossier_id not in c.data.choices:
        return None
    return await _open(c.ctx, await c.ctx.repos.dossiers.get(dossier_id))


@dataclass(frozen=True, slots=True)
class Talking:
    """What the open state works on: the hand-over, still open."""

    ctx: Context
    data: HumanData
    talk: Talk


async def _talking(ctx: Context, data: HumanData) -> Talking | None:
    talk = await ctx.repos.talks.get(data.talk_id)
    return Talking(ctx, data, talk) if talk is not None and talk.is_open else None


async def _wrote(c: Talking, typed: str) -> Turn | None:
    text = typed.strip()[:MAX_TEXT]
    if not text:
        return None
    ctx, desk, now = c.ctx, c.ctx.settings.desk, c.ctx.clock.now()
    await talk_desk.citizen_wrote(ctx.repos, ctx.catalog, desk, c.talk, text, now)
    if desk.hours.is_open(now):
        sent = say("human.forwarded")
    else:
        sent = say("human.forwarded_later", at=At(desk.hours.next_opening(now)))
    return Turn(NAME, HumanState.OPEN, c.data, (sent,))


async def _prompt_choosing(c: Call[HumanData]) -> Turn:
    # Asked again (after /help, a stale button): the same choice, nothing opened meanwhile.
    offered = [d for d in [await c.ctx.repos.dossiers.get(i) for i in c.data.choices] if d]
    return _choosing(offered)


CHOOSE: Dialog[HumanData, Call[HumanData]] = plain(
    {
        HumanState.CHOOSING: Window(
            _prompt_choosing,
            Do("general", lambda c: _open(c.ctx, None)),
            Select(DOSSIER, _picked),
        )
    }
)
OPENED: Dialog[HumanData, Talking] = Dialog(
    _talking,
    lambda ctx, data: home.show(say("human.none_open")),  # an officer ended it meanwhile
    {HumanState.OPEN: Window(lambda c: _open_turn(c.talk), Typed(_wrote))},
    common=(
        Besides(IncomingKind.TEXT, lambda c, event: _open_turn(c.talk, say("human.text_only"))),
    ),
)
TABLES = joined(CHOOSE, OPENED)
FLOW: Flow[HumanData] = Flow(
    name=NAME,
    data_type=HumanData,
    steps=TABLES.steps,
    prompts=TABLES.prompts,
    answers=frozenset({HumanState.OPEN}),  # typed text goes to the officers as it is
)
