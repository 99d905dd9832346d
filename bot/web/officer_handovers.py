"""The officers' view of the hand-over to the one-stop system: its dead letters, and re-send.

    GET  /api/v1/handovers/dead              the events the one-stop system refused for good
                                             (or that were given up), of the caller's agency
    POST /api/v1/handovers/{key}/resend      queue one again (attempts start over)

A dead letter names the event's key (its Idempotency-Key), the dossier's code, the kind, how
many attempts were made and the last error as the remote system gave it (a status and a short
reason). Re-sending after the cause is fixed (a procedure configured there, a token) delivers
it with the same key, so the remote system can never receive it twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from bot.bootstrap import Application
from bot.web.officer_auth import Officer, OfficerKeys, officer_dependency
from bot.web.officer_errors import ErrorResponse, refusal
from bot.web.officer_models import API_PREFIX
from services.handover import HandoverEvent, resend

MAX_DEAD = 200
KeyPath = Annotated[str, Path(max_length=120, description="The event's Idempotency-Key")]


class DeadLetter(BaseModel):
    """A hand-over the one-stop system did not take."""

    key: str = Field(description="The event's Idempotency-Key")
    code: str = Field(description="The dossier's code")
    agency_id: str
    kind: str = Field(description="submit, supplement, withdraw, contact_change or rating")
    attempts: int
    error: str = Field(description="The last failure: a status and a short reason")
    created_at: datetime
    settled_at: datetime | None


class DeadLetters(BaseModel):
    """The dead letters visible to the caller, oldest first."""

    items: list[DeadLetter]


class Resent(BaseModel):
    """An event queued again."""

    key: str
    status: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse} for code in codes}


def officer_handover_router(app: Application) -> APIRouter:
    """The /api/v1/handovers routes."""
    authenticated = officer_dependency(OfficerKeys(app.settings.officer_api_keys, app.signer))
    router = APIRouter(prefix=API_PREFIX, tags=["officer"], responses=_errors(401, 403))
    caller = Depends(authenticated)

    @router.get("/handovers/dead")
    async def dead_letters(officer: Officer = caller) -> DeadLetters:
        """Hand-overs the one-stop system refused for good, or that were given up."""
        async with app.uow_factory() as uow:
            events = await uow.handovers.dead(MAX_DEAD)
            items = [await _letter(uow, event) for event in events]
        return DeadLetters(items=[i for i in items if i and officer.may_act_on(i.agency_id)])

    @router.post("/handovers/{key}/resend", responses=_errors(404))
    async def resend_one(key: KeyPath, officer: Officer = caller) -> Resent:
        """Queue a dead hand-over again, under the same Idempotency-Key."""
        async with app.uow_factory() as uow:
            event = await uow.handovers.get(key)
            dossier = await uow.dossiers.get(event.dossier_id) if event else None
            if dossier is None or not officer.may_act_on(dossier.agency_id):
                raise refusal(404, "handover_not_dead", {"key": key})
            again = await resend(uow, key, app.clock.now())
            if again is None:
                raise refusal(404, "handover_not_dead", {"key": key})
            await uow.commit()
        return Resent(key=again.key, status=again.status.value)

    return router


async def _letter(uow: Any, event: HandoverEvent) -> DeadLetter | None:
    dossier = await uow.dossiers.get(event.dossier_id)
    if dossier is None:
        return None
    return DeadLetter(
        key=event.key, code=dossier.code, agency_id=dossier.agency_id, kind=event.kind.value,
        attempts=event.attempts, error=event.error, created_at=event.created_at,
        settled_at=event.settled_at,
    )  # fmt: skip
