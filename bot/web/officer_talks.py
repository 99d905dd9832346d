"""The officer API for "talk to a person": list, read, answer and end the hand-overs of the
key's agency, under /api/v1/talks.

An officer key sees only its agency's hand-overs ("*": the province's); another agency's is
answered 404, exactly like one that does not exist, so nothing about it leaks. Answers and
endings reach the citizen through the outbox, in the same unit of work that keeps them.
The citizen's chat key is never shown: a hand-over is named by its id and its dossier code.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.bootstrap import Application, desk_settings
from bot.web.officer_auth import Officer, OfficerKeys, officer_dependency
from bot.web.officer_errors import ErrorResponse, UnreadableBody, ValidationResponse, refusal
from bot.web.officer_lookup import locate
from bot.web.officer_models import API_PREFIX, VietnamTime
from conversations import talk_desk
from services.ports import UnitOfWork
from services.talks import (
    MAX_NAME,
    MAX_TEXT,
    Talk,
    TalkMessage,
    TalkState,
    may_see,
)

MAX_LISTED = 200
IdPath = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]


class TalkOut(BaseModel):
    """A hand-over as an officer sees it: no chat address, no citizen data beyond the exchange."""

    id: str
    ref: str = Field(description="The short reference officer chats show (#ref)")
    agency_id: str
    dossier_code: str | None = None
    state: TalkState
    opened_at: VietnamTime
    closed_at: VietnamTime | None = None
    closed_by: Literal["citizen", "officer"] | None = None


class TalkMessageOut(BaseModel):
    """One message of the exchange."""

    seq: int
    author: Literal["citizen", "officer"]
    name: str = Field("", description="The officer's display name, as they gave it")
    text: str
    at: VietnamTime


class TalkDetail(TalkOut):
    """A hand-over with its whole exchange."""

    messages: list[TalkMessageOut]


class TalkPage(BaseModel):
    """Hand-overs, newest first."""

    items: list[TalkOut]


class AnswerIn(BaseModel):
    """An officer's answer; `name` is what the citizen sees as who answered."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
    ]
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME)] = ""


class CloseIn(BaseModel):
    """Who ends it, as the citizen will be told."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME)] = ""


def talk_out(talk: Talk) -> dict[str, Any]:
    """The fields of `TalkOut` for one hand-over."""
    closed_by = None
    if talk.closed_by:
        closed_by = "citizen" if talk.closed_by == talk_desk.CITIZEN else "officer"
    return {
        "id": talk.id,
        "ref": talk_desk.ref(talk),
        "agency_id": talk.agency_id,
        "dossier_code": talk.dossier_code or None,
        "state": talk.state,
        "opened_at": talk.opened_at,
        "closed_at": talk.closed_at,
        "closed_by": closed_by,
    }


def message_out(message: TalkMessage) -> TalkMessageOut:
    """One message, as the API shows it."""
    return TalkMessageOut(
        seq=message.seq,
        author=message.author.value,
        name=message.name,
        text=message.text,
        at=message.at,
    )


async def _mine(uow: UnitOfWork, officer: Officer, talk_id: str) -> Talk:
    talk = await uow.talks.get(talk_id)
    if talk is None or not may_see([officer.agency_id], talk):
        raise refusal(404, "talk_not_found", {"id": talk_id})
    return talk


def talk_router(app: Application) -> APIRouter:
    """The /api/v1/talks routes."""
    authenticated = officer_dependency(OfficerKeys(app.settings.officer_api_keys, app.signer))
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (401, 403, 404, 409)
    }
    errors[400] = {"model": UnreadableBody}  # a body that is not even JSON
    errors[422] = {"model": ErrorResponse | ValidationResponse}
    router = APIRouter(prefix=API_PREFIX, tags=["talks"], responses=errors)
    caller = Depends(authenticated)
    desk = desk_settings(app.settings)

    @router.get("/talks")
    async def list_talks(
        officer: Officer = caller,
        state: Annotated[TalkState | None, Query(description="open or closed")] = None,
        dossier: Annotated[str | None, Query(max_length=64, description="A dossier code")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = 50,
    ) -> TalkPage:
        """Hand-overs of the key's agency (all for "*"), newest first."""
        async with app.uow_factory() as uow:
            dossier_id = None
            if dossier is not None:
                dossier_id = (await locate(uow.dossiers, app.catalog, dossier, officer)).id
            found = await uow.talks.listing(officer.agencies, state, dossier_id, limit)
        return TalkPage(items=[TalkOut(**talk_out(h)) for h in found])

    @router.get("/talks/{talk_id}")
    async def get_talk(talk_id: IdPath, officer: Officer = caller) -> TalkDetail:
        """One hand-over and its whole exchange (kept after it ended)."""
        async with app.uow_factory() as uow:
            talk = await _mine(uow, officer, talk_id)
            said = await uow.talks.messages(talk.id)
        return TalkDetail(**talk_out(talk), messages=[message_out(m) for m in said])

    @router.post("/talks/{talk_id}/messages", status_code=201)
    async def answer(talk_id: IdPath, body: AnswerIn, officer: Officer = caller) -> TalkMessageOut:
        """Answer the citizen: sent through the bot with the name given and the agency."""
        async with app.uow_factory() as uow:
            talk = await _mine(uow, officer, talk_id)
            if not talk.is_open:
                raise refusal(409, "talk_closed", {"id": talk_id})
            kept = await talk_desk.officer_answered(
                uow, app.catalog, talk, body.name, body.text, app.clock.now()
            )
            await uow.commit()
        return message_out(kept)

    @router.post("/talks/{talk_id}/close")
    async def close(
        talk_id: IdPath, officer: Officer = caller, body: CloseIn | None = None
    ) -> TalkOut:
        """End the hand-over; the citizen and the agency's officer chats are told."""
        async with app.uow_factory() as uow:
            talk = await _mine(uow, officer, talk_id)
            name = body.name if body else ""
            closed = await talk_desk.close(
                uow, app.catalog, desk, talk, officer.actor, app.clock.now(), name=name
            )
            if closed is None:
                raise refusal(409, "talk_closed", {"id": talk_id})
            await uow.commit()
        return TalkOut(**talk_out(closed))

    return router
