"""The officer API for "talk to a person": list, read, answer and end the hand-overs of the
key's agency, under /api/v1/handovers.

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
from conversations import handover_desk
from services.handovers import (
    MAX_NAME,
    MAX_TEXT,
    Handover,
    HandoverMessage,
    HandoverState,
    may_see,
)
from services.ports import UnitOfWork

MAX_LISTED = 200
IdPath = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]


class HandoverOut(BaseModel):
    """A hand-over as an officer sees it: no chat address, no citizen data beyond the exchange."""

    id: str
    ref: str = Field(description="The short reference officer chats show (#ref)")
    agency_id: str
    dossier_code: str | None = None
    state: HandoverState
    opened_at: VietnamTime
    closed_at: VietnamTime | None = None
    closed_by: Literal["citizen", "officer"] | None = None


class HandoverMessageOut(BaseModel):
    """One message of the exchange."""

    seq: int
    author: Literal["citizen", "officer"]
    name: str = Field("", description="The officer's display name, as they gave it")
    text: str
    at: VietnamTime


class HandoverDetail(HandoverOut):
    """A hand-over with its whole exchange."""

    messages: list[HandoverMessageOut]


class HandoverPage(BaseModel):
    """Hand-overs, newest first."""

    items: list[HandoverOut]


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


def handover_out(handover: Handover) -> dict[str, Any]:
    """The fields of `HandoverOut` for one hand-over."""
    closed_by = None
    if handover.closed_by:
        closed_by = "citizen" if handover.closed_by == handover_desk.CITIZEN else "officer"
    return {
        "id": handover.id,
        "ref": handover_desk.ref(handover),
        "agency_id": handover.agency_id,
        "dossier_code": handover.dossier_code or None,
        "state": handover.state,
        "opened_at": handover.opened_at,
        "closed_at": handover.closed_at,
        "closed_by": closed_by,
    }


def message_out(message: HandoverMessage) -> HandoverMessageOut:
    """One message, as the API shows it."""
    return HandoverMessageOut(
        seq=message.seq,
        author=message.author.value,
        name=message.name,
        text=message.text,
        at=message.at,
    )


async def _mine(uow: UnitOfWork, officer: Officer, handover_id: str) -> Handover:
    handover = await uow.handovers.get(handover_id)
    if handover is None or not may_see([officer.agency_id], handover):
        raise refusal(404, "handover_not_found", {"id": handover_id})
    return handover


def handover_router(app: Application) -> APIRouter:
    """The /api/v1/handovers routes."""
    authenticated = officer_dependency(OfficerKeys(app.settings.officer_api_keys, app.signer))
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (401, 403, 404, 409)
    }
    errors[400] = {"model": UnreadableBody}  # a body that is not even JSON
    errors[422] = {"model": ErrorResponse | ValidationResponse}
    router = APIRouter(prefix=API_PREFIX, tags=["handovers"], responses=errors)
    caller = Depends(authenticated)
    desk = desk_settings(app.settings)

    @router.get("/handovers")
    async def list_handovers(
        officer: Officer = caller,
        state: Annotated[HandoverState | None, Query(description="open or closed")] = None,
        dossier: Annotated[str | None, Query(max_length=64, description="A dossier code")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = 50,
    ) -> HandoverPage:
        """Hand-overs of the key's agency (all for "*"), newest first."""
        async with app.uow_factory() as uow:
            dossier_id = None
            if dossier is not None:
                dossier_id = (await locate(uow.dossiers, app.catalog, dossier, officer)).id
            found = await uow.handovers.listing(officer.agencies, state, dossier_id, limit)
        return HandoverPage(items=[HandoverOut(**handover_out(h)) for h in found])

    @router.get("/handovers/{handover_id}")
    async def get_handover(handover_id: IdPath, officer: Officer = caller) -> HandoverDetail:
        """One hand-over and its whole exchange (kept after it ended)."""
        async with app.uow_factory() as uow:
            handover = await _mine(uow, officer, handover_id)
            said = await uow.handovers.messages(handover.id)
        return HandoverDetail(**handover_out(handover), messages=[message_out(m) for m in said])

    @router.post("/handovers/{handover_id}/messages", status_code=201)
    async def answer(
        handover_id: IdPath, body: AnswerIn, officer: Officer = caller
    ) -> HandoverMessageOut:
        """Answer the citizen: sent through the bot with the name given and the agency."""
        async with app.uow_factory() as uow:
            handover = await _mine(uow, officer, handover_id)
            if not handover.is_open:
                raise refusal(409, "handover_closed", {"id": handover_id})
            kept = await handover_desk.officer_answered(
                uow, app.catalog, handover, body.name, body.text, app.clock.now()
            )
            await uow.commit()
        return message_out(kept)

    @router.post("/handovers/{handover_id}/close")
    async def close(
        handover_id: IdPath, officer: Officer = caller, body: CloseIn | None = None
    ) -> HandoverOut:
        """End the hand-over; the citizen and the agency's officer chats are told."""
        async with app.uow_factory() as uow:
            handover = await _mine(uow, officer, handover_id)
            name = body.name if body else ""
            closed = await handover_desk.close(
                uow, app.catalog, desk, handover, officer.actor, app.clock.now(), name=name
            )
            if closed is None:
                raise refusal(409, "handover_closed", {"id": handover_id})
            await uow.commit()
        return HandoverOut(**handover_out(closed))

    return router
