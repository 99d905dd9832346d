"""The one ASGI app: web chat, health, and (in later parts) webhooks and the officer API."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from bot.bootstrap import Application
from bot.channels.zalo import zalo_webhook_router
from bot.web.chat import chat_router
from bot.web.chat_media import chat_media_router
from bot.web.limits import BodyLimit
from bot.web.officer_api import officer_router
from bot.web.officer_auth import OfficerKeys
from bot.web.officer_gate import OfficerGate
from bot.web.officer_handovers import officer_handover_router
from bot.web.officer_talks import talk_router
from bot.web.one_stop_files import one_stop_files_router
from bot.web.one_stop_ping import one_stop_ping_router
from bot.web.ops import ops_router
from bot.web.payments import payments_router
from bot.web.status_page import status_page_router
from bot.web.validation_errors import validation_refused


def create_http_app(app: Application) -> FastAPI:
    """The FastAPI application over a built `Application`."""
    # Only the officer API is in the schema: every other route sets include_in_schema=False.
    http = FastAPI(title="dvc-bot", version="0.1.0", docs_url="/docs", openapi_url="/openapi.json")

    @http.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    http.add_middleware(BodyLimit, idle_seconds=app.settings.http_body_idle_seconds)
    # Added last, so outermost: a request without a key meets nothing else (not even the cap).
    http.add_middleware(OfficerGate, keys=OfficerKeys(app.settings.officer_api_keys, app.signer))
    http.add_exception_handler(RequestValidationError, validation_refused)
    http.include_router(ops_router(app))  # /readyz, /metrics
    http.include_router(payments_router(app))
    http.include_router(status_page_router(app))  # what the QR code on an e-form PDF opens
    http.include_router(officer_router(app))
    http.include_router(talk_router(app))
    http.include_router(officer_handover_router(app))  # hand-over dead letters, re-send
    http.include_router(one_stop_ping_router(app))  # the remote system: "changes available"
    http.include_router(one_stop_files_router(app))  # documents it fetches by signed link
    if app.zalo is not None:
        http.include_router(zalo_webhook_router(app.zalo))
    if app.settings.web_chat_enabled:
        http.include_router(chat_router(app))
        http.include_router(chat_media_router(app))

        @http.get("/", include_in_schema=False)
        async def root() -> RedirectResponse:
            return RedirectResponse("/chat")

    return http
