"""Reaching a person, the use cases both sides share: open a hand-over, pass the citizen's
words to the agency's officer chats, pass an officer's answer to the citizen, end it.

The chat flows (flows/human.py for the citizen, flows/human_desk.py for officers) and the
officer API (bot/web/officer_handovers.py) call these within their unit of work. Every message
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
from services.handovers import (
    ALL_AGENCIES,
    Author,
    DeskSettings,
    Handover,
    HandoverMessage,
    OfficerDesk,
)
from services.outbox import Priority
from services.ports import UnitOfWork

EVENT = "handover:"
REPLY = "hr"  # p:hr:<id>  an officer's "Trả lời"
CLOSE = "hc"  # p:hc:<id>  an officer's "Kết thúc"
END = "he"  # p:he:<id>    the citizen's "Kết thúc" under an answer
WRITE = "hw"  # p:hw:<id>  the citizen's "Trả lời cán bộ" under an answer
CITIZEN = "citizen"


def ref(handover: Handover) -> str:
    """The short reference officers see instead of anything about the citizen."""
    return handover.id[:8].upper()


def agency_name(catalog: Catalog, agency_id: str) -> Text | str:
    """The agency's name in the reader's language (its id when the catalogue lost it)."""
    agency = catalog.agencies.get(agency_id)
    return Text("human.agency", {"name": both(agency.name)}) if agency else agency_id


def about(handover: Handover) -> Text | str:
    """ " about dossier X" when the hand-over started from a dossier."""
    if not handover.dossier_code:
        return ""
    return Text("human.about_dossier", {"code": handover.dossier_code})


def kept_with(handover: Handover) -> Text | str:
    """Where the exchange is kept: with the dossier, else with the chat."""
    if not handover.dossier_code:
        return ""
    return Text("human.kept_with_dossier", {"code": handover.dossier_code})


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


def desk_buttons(handover: Handover) -> tuple[tuple[Button, ...], ...]:
    """Reply / End, under what officers are shown of an open hand-over."""
    return (
        (
            btn("human.desk_reply_button", payloads.pick(REPLY, handover.id)),
            btn("human.desk_close_button", payloads.pick(CLOSE, handover.id)),
        ),
    )


async def _to_officers(
    repos: UnitOfWork,
    desk: DeskSettings,
    handover: Handover,
    message: Outgoing,
    event: str,
    now: datetime,
    skip: str = "",
) -> None:
    for chat in desk.chats_for(handover.agency_id):
        if chat != skip:
            await repos.outbox.enqueue(chat, f"{EVENT}{handover.id}:{event}", to_json(message), now)


async def _to_citizen(
    repos: UnitOfWork, handover: Handover, message: Outgoing, event: str, now: datetime
) -> None:
    await repos.outbox.enqueue(
        handover.chat_key,
        f"{EVENT}{handover.id}:{event}",
        to_json(message),
        now,
        priority=Priority.PUSH,
    )


async def opened(
    repos: UnitOfWork, catalog: Catalog, desk: DeskSettings, handover: Handover
) -> None:
    """Store a new hand-over and tell the agency's officer chats."""
    await repos.handovers.add(handover)
    notice = say(
        "human.desk_new",
        desk_buttons(handover),
        ref=ref(handover),
        agency=agency_name(catalog, handover.agency_id),
        about=about(handover),
        at=At(handover.opened_at),
    )
    await _to_officers(repos, desk, handover, notice, "open", handover.opened_at)


async def citizen_wrote(
    repos: UnitOfWork,
    catalog: Catalog,
    desk: DeskSettings,
    handover: Handover,
    text: str,
    now: datetime,
) -> HandoverMessage:
    """Keep what the citizen typed and show it to the agency's officer chats."""
    kept = await repos.handovers.add_message(handover.id, Author.CITIZEN, text, now)
    shown = say(
        "human.desk_message",
        desk_buttons(handover),
        ref=ref(handover),
        agency=agency_name(catalog, handover.agency_id),
        at=At(now),
        text=text,
    )
    await _to_officers(repos, desk, handover, shown, str(kept.seq), now)
    return kept


def _who(name: str) -> Text | str:
    return name or Text("human.unit_default")


async def officer_answered(
    repos: UnitOfWork,
    catalog: Catalog,
    handover: Handover,
    name: str,
    text: str,
    now: datetime,
) -> HandoverMessage:
    """Keep an officer's answer and send it to the citizen: who (the display name the
    officer configured, and the agency) and when (Vietnam time)."""
    kept = await repos.handovers.add_message(handover.id, Author.OFFICER, text, now, name)
    buttons = (
        (
            btn("human.reply_button", payloads.pick(WRITE, handover.id)),
            btn("human.end_button", payloads.pick(END, handover.id)),
        ),
    )
    answer = say(
        "human.answer",
        buttons,
        who=_who(name),
        agency=agency_name(catalog, handover.agency_id),
        at=At(now),
        text=text,
    )
    await _to_citizen(repos, handover, answer, str(kept.seq), now)
    return kept


async def close(
    repos: UnitOfWork,
    catalog: Catalog,
    desk: DeskSettings,
    handover: Handover,
    by: str,
    now: datetime,
    name: str = "",
    skip: str = "",
) -> Handover | None:
    """End an open hand-over (by the citizen, or "officer:<who>") and tell the other side;
    None when it had ended already. `skip`: the officer chat that ended it (told directly)."""
    closed = await repos.handovers.close(handover.id, by, now)
    if closed is None:
        return None
    agency = agency_name(catalog, handover.agency_id)
    if by == CITIZEN:
        notice = say("human.desk_closed_by_citizen", ref=ref(handover), agency=agency, at=At(now))
    else:
        notice = say("human.desk_closed_by_officer", ref=ref(handover), agency=agency, at=At(now))
        told = say(
            "human.ended_by_officer",
            who=_who(name),
            agency=agency,
            at=At(now),
            with_dossier=kept_with(handover),
        )
        await _to_citizen(repos, handover, told, "closed", now)
    await _to_officers(repos, desk, handover, notice, "closed", now, skip=skip)
    return closed
