"""The remote one-stop system's "changes available" ping (DOSSIER_SYSTEM=http).

Part of the contract documented in bot.dossier_system_http, optional for the integrator:

    POST /api/v1/one-stop/changes
    Authorization: Bearer <DOSSIER_SYSTEM_TOKEN>       (the same shared token both ways)

    204: heard. 401: wrong or missing token. 404: DOSSIER_SYSTEM is not http.

The body, if any, is ignored: a ping carries no change. It only wakes the scheduler's reader
(services.remote_changes.REMOTE_TOPIC — in this process, and on PostgreSQL in the scheduler's
process through NOTIFY), which reads the change log by cursor as always. However often the
system pings, it is read at most about once a second (bot.wake_jobs); without pings it is read
at every sweep (STATUS_SYNC_SECONDS), as before. So a status change made there reaches the
citizen within a second or two without our polling it harder.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response

from bot.bootstrap import Application
from bot.settings import DossierSystemBackend
from services.remote_changes import REMOTE_TOPIC

PATH = "/api/v1/one-stop/changes"


def one_stop_ping_router(app: Application) -> APIRouter:
    """The ping route (answers 404 unless a remote system with a token is configured)."""
    router = APIRouter()
    settings = app.settings
    token = settings.dossier_system_token
    expected = f"Bearer {token.get_secret_value()}" if token is not None else ""
    enabled = settings.dossier_system is DossierSystemBackend.HTTP and bool(expected)

    @router.post(PATH, include_in_schema=False, status_code=204)
    async def changes_available(request: Request) -> Response:
        if not enabled:
            return Response(status_code=404)
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return Response(status_code=401)
        async with app.uow_factory() as uow:
            uow.wake(REMOTE_TOPIC)  # signalled (and NOTIFY sent) on commit
            await uow.commit()
        return Response(status_code=204)

    return router
