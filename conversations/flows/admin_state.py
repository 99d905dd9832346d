"""What the officer screens share: their states and data, who the actor is, the dossier card
turn, and how a refused change is explained."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.messages import Outgoing, btn, say
from conversations.officer_card import allowed_lines, card, status_option
from services.dossier_codes import DossierStatus, TransitionError
from services.dossiers import Dossier

NAME = "admin"
MAX_NOTE = 500
EXAMPLE = "000.01.50.H04-251125-0001"
NOTE_REQUIRED = frozenset({DossierStatus.REFUSED, DossierStatus.STOPPED})  # a written reason
_REFUSALS = {
    "terminal": "admin.refused_terminal",
    "unchanged": "admin.refused_unchanged",
    "not_allowed": "admin.refused_not_allowed",
    "no_components": "admin.supplement_none_chosen",
}


class AdminState(StrEnum):
    """What the officer screens await."""

    VIEWING = "VIEWING"  # the card: a status, supplement, result or overdue button
    AWAITING_NOTE = "AWAITING_NOTE"  # the note of a status change (5: of the supplement)
    PICKING_COMPONENTS = "PICKING_COMPONENTS"  # what the supplement asks for
    AWAITING_RESULT = "AWAITING_RESULT"  # the result file, as a chat attachment


@dataclass(frozen=True, slots=True)
class AdminData:
    """The dossier on screen and what the officer has chosen so far."""

    dossier_id: str
    status: int = 0  # the status chosen, awaiting its note
    components: tuple[str, ...] = ()  # the procedure's components asked for (keys)
    own: tuple[str, ...] = ()  # components asked for in the officer's own words
    note: str = ""


def actor(ctx: Context) -> str:
    """Who the dossier's history names for this chat's actions."""
    return f"admin:{ctx.address.key}"


def refused() -> Turn:
    """This chat is not (or no longer) an admin chat."""
    return home.show(say("admin.refused"))


def viewing(ctx: Context, dossier: Dossier, *before: Outgoing) -> Turn:
    """The officer's card of a dossier, after some messages."""
    return Turn(NAME, AdminState.VIEWING, AdminData(dossier.id), (*before, card(ctx, dossier)))


async def load(ctx: Context, data: AdminData) -> Dossier | None:
    """The dossier on screen, as stored now."""
    return await ctx.repos.dossiers.get(data.dossier_id)


@dataclass(frozen=True, slots=True)
class Officer:
    """What an officer step works on: the context, the data and the dossier on screen."""

    ctx: Context
    data: AdminData
    dossier: Dossier


async def officer(ctx: Context, data: AdminData) -> Officer | None:
    """The officer step's call, or None when the dossier on screen is gone."""
    dossier = await load(ctx, data)
    return Officer(ctx, data, dossier) if dossier else None


def gone(ctx: Context | None = None, data: object = None) -> Turn:
    """The dossier on screen no longer exists."""
    return home.show(say("status.not_found", code="—"))


def explain(dossier: Dossier, error: TransitionError) -> Outgoing:
    """Why a change was refused, with the statuses allowed from here."""
    old = dossier.status or DossierStatus.SUBMITTED
    new = int(error.params.get("new", 0))
    return say(
        _REFUSALS.get(error.reason, "admin.refused_not_allowed"),
        code=dossier.code,
        old=status_option(old),
        new=status_option(DossierStatus(new)) if 1 <= new <= 10 else str(new),
        allowed=allowed_lines(old),
    )


def not_submitted(dossier: Dossier) -> Outgoing:
    """Officers cannot act on a dossier still waiting for its fee."""
    return say("admin.not_submitted", code=dossier.code)


def ask_note(dossier: Dossier, data: AdminData, *before: Outgoing) -> Turn:
    """Ask for the note of the status chosen (a reason is required to refuse or stop)."""
    status = DossierStatus(data.status)
    rows = []
    if status not in NOTE_REQUIRED:
        rows.append((btn("admin.no_note", payloads.do("nonote")),))
    rows.append((btn("btn.back", payloads.do("back")),))
    key = "admin.note_required" if status in NOTE_REQUIRED else "admin.note_ask"
    ask = say(key, tuple(rows), code=dossier.code, status=status_option(status))
    return Turn(NAME, AdminState.AWAITING_NOTE, data, (*before, ask))
