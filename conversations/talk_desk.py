"""Reaching a person, the use cases both sides share: open a hand-over, pass the citizen's
words to the agency's officer chats, pass an officer's answer to the citizen, end it.

The chat flows (flows/human.py for the citizen, flows/human_desk.py for officers) and the
officer API (bot/web/officer_talks.py) call these within their unit of work. Every message
to the other side is queued in the outbox (paced, never lost), keyed by the hand-over and the
message's number, so an update applied twice queues nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from conversations import payloads
from conversations.cards import both
from conversations.messages import At, Button, Outgoing, Text, btn, say
from services.catalog_index import Catalog
from services.codec import to_json
from services.outbox import Priority
from services.ports import UnitOfWork
from services.talks import (
    ALL_AGENCIES,
    Author,
    DeskSettings,
    OfficerDesk,
    Talk,
    TalkMessage,
)

EVENT = "talk:"
REPLY = "hr"  # p:hr:<id>  an officer's "Trả lời"
CLOSE = "hc"  # p:hc:<id>  an officer's "Kết thúc"
END = "he"  # p:he:<id>    the citizen's "Kết thúc" under an answer
WRITE = "hw"  # p:hw:<id>  the citizen's "Trả lời cán bộ" under an answer
CITIZEN = "citizen"


def ref(talk: Talk) -> str:
    """The short reference officers see instead of anything about the citizen."""
    return talk.id[:8].upper()


def agency_name(catalog: Catalog, agency_id: str) -> Text | str:
    """The agency's name in the reader's language (its id when the catalogue lost it)."""
    agency = catalog.agencies.get(agency_id)
    return Text("human.agency", {"name": both(agency.name)}) if agency else agency_id


def about(talk: Talk) -> Text | str:
    """ " about dossier X" when the hand-over started from a dossier."""
    if not talk.dossier_code:
        return ""
    return Text("human.about_dossier", {"code": talk.dossier_code})


def kept_with(talk: Talk) -> Text | str:
    """Where the exchange is kept: with the dossier, else with the chat."""
    if not talk.dossier_code:
        return ""
    return Text("human.kept_with_dossier", {"code": talk.dossier_code})


def hours_note(desk: DeskSettings, now: datetime) -> Outgoing:
    """Whether officers are at work now, or from when they will answer."""
    if desk.hours.is_open(now):
        return say("human.hours_open")
    hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in desk.hours.sessions)
    return say("human.hours_closed", hours=hours, at=At(desk.hours.next_opening(now)))


def officer_desk(desk: DeskSettings, chat_key: str, admin: bool) -> OfficerDesk | None:
    """This chat's officer desk: a configured officer chat, or (the province) an admin chat."""
    found = desk.officer_chats.get(chat_key)
    if found is not None:
        return found
    return OfficerDesk(ALL_AGENCIES) if admin else None


def desk_buttons(talk: Talk) -> tuple[tuple[Button, ...], ...]:
    """Reply / End, under what officers are shown of an open hand-over."""
    return (
        (
            btn("human.desk_reply_button", payloads.pick(REPLY, talk.id)),
            btn("human.desk_close_button", payloads.pick(CLOSE, talk.id)),
        ),
    )


async def _to_officers(
    repos: UnitOfWork,
    desk: DeskSettings,
    talk: Talk,
    message: Outgoing,
    event: str,
    now: datetime,
    skip: str = "",
) -> None:
    for chat in desk.chats_for(talk.agency_id):
        if chat != skip:
            await repos.outbox.enqueue(chat, f"{EVENT}{talk.id}:{event}", to_json(message), now)


async def _to_citizen(
    repos: UnitOfWork, talk: Talk, message: Outgoing, event: str, now: datetime
) -> None:
    await repos.outbox.enqueue(
        talk.chat_key,
        f"{EVENT}{talk.id}:{event}",
        to_json(message),
        now,
        priority=Priority.PUSH,
    )


async def opened(repos: UnitOfWork, catalog: Catalog, desk: DeskSettings, talk: Talk) -> None:
    """Store a new hand-over and tell the agency's officer chats."""
    await repos.talks.add(talk)
    notice = say(
        "human.desk_new",
        desk_buttons(talk),
        ref=ref(talk),
        agency=agency_name(catalog, talk.agency_id),
        about=about(talk),
        at=At(talk.opened_at),
    )
    await _to_officers(repos, desk, talk, notice, "open", talk.opened_at)


async def citizen_wrote(
    repos: UnitOfWork,
    catalog: Catalog,
    desk: DeskSettings,
    talk: Talk,
    text: str,
    now: datetime,
) -> TalkMessage:
    """Keep what the citizen typed and show it to the agency's officer chats."""
    kept = await repos.talks.add_message(talk.id, Author.CITIZEN, text, now)
    shown = say(
        "human.desk_message",
        desk_buttons(talk),
        ref=ref(talk),
        agency=agency_name(catalog, talk.agency_id),
        at=At(now),
        text=text,
    )
    await _to_officers(repos, desk, talk, shown, str(kept.seq), now)
    return kept


def _who(name: str) -> Text | str:
    return name or Text("human.unit_default")


async def officer_answered(
    repos: UnitOfWork,
    catalog: Catalog,
    talk: Talk,
    name: str,
    text: str,
    now: datetime,
) -> TalkMessage:
    """Keep an officer's answer and send it to the citizen: who (the display name the
    officer configured, and the agency) and when (Vietnam time)."""
    kept = await repos.talks.add_message(talk.id, Author.OFFICER, text, now, name)
    buttons = (
        (
            btn("human.reply_button", payloads.pick(WRITE, talk.id)),
            btn("human.end_button", payloads.pick(END, talk.id)),
        ),
    )
    answer = say(
        "human.answer",
        buttons,
        who=_who(name),
        agency=agency_name(catalog, talk.agency_id),
        at=At(now),
        text=text,
    )
    await _to_citizen(repos, talk, answer, str(kept.seq), now)
    return kept


async def close(
    repos: UnitOfWork,
    catalog: Catalog,
    desk: DeskSettings,
    talk: Talk,
    by: str,
    now: datetime,
    name: str = "",
    skip: str = "",
) -> Talk | None:
    """End an open hand-over (by the citizen, or "officer:<who>") and tell the other side;
    None when it had ended already. `skip`: the officer chat that ended it (told directly)."""
    closed = await repos.talks.close(talk.id, by, now)
    if closed is None:
        return None
    agency = agency_name(catalog, talk.agency_id)
    if by == CITIZEN:
        notice = say("human.desk_closed_by_citizen", ref=ref(talk), agency=agency, at=At(now))
    else:
        notice = say("human.desk_closed_by_officer", ref=ref(talk), agency=agency, at=At(now))
        told = say(
            "human.ended_by_officer",
            who=_who(name),
            agency=agency,
            at=At(now),
            with_dossier=kept_with(talk),
        )
        await _to_citizen(repos, talk, told, "closed", now)
    await _to_officers(repos, desk, talk, notice, "closed", now, skip=skip)
    return closed
