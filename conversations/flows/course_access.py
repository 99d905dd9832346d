"""Who may change a dossier's course: its owner only (the citizen who filed it, or the chat
that filed it anonymously). Anyone else pressing a forwarded or stale button is told so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.messages import Outgoing, say
from conversations.status_messages import status_label
from services.dossiers import Dossier
from services.personal_data import belongs_to


async def owned(ctx: Context, dossier_id: str) -> Dossier | Turn:
    """The dossier when it is this chat's citizen's, else the turn that says why not."""
    dossier = await ctx.repos.dossiers.get(dossier_id)
    if dossier is None:
        return home.show(say("status.not_found", code="—"))
    if not belongs_to(ctx.address.key, ctx.citizen_id, dossier.owner, dossier.citizen_id):
        return home.show(say("course.not_yours"))
    return dossier


class OfDossier(Protocol):
    """The data of a course flow: it names the dossier."""

    @property
    def dossier_id(self) -> str:
        """The dossier whose course changes."""
        ...


D = TypeVar("D", bound=OfDossier)


@dataclass(frozen=True, slots=True)
class Owner(Generic[D]):
    """What a course flow's step works on: the context, the data and the owner's dossier."""

    ctx: Context
    data: D
    dossier: Dossier


async def owner(ctx: Context, data: D) -> Owner[D] | Turn:
    """The loader of a course flow's dialog: the dossier named by the data, when it is this
    chat's citizen's, else the turn that says why not (`owned`)."""
    found = await owned(ctx, data.dossier_id)
    return found if isinstance(found, Turn) else Owner(ctx, data, found)


def status_now(dossier: Dossier) -> Outgoing:
    """ "The dossier is now in status X": why an action offered earlier no longer applies."""
    status = status_label(dossier.status) if dossier.status is not None else "—"
    return say("course.status_now", code=dossier.code, status=status)
