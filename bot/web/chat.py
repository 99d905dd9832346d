"""The local web chat channel: a page at /chat and a small JSON API behind it.

The chat is the session's (bot.web.sessions): a cookie the server issues, never an id the page
sends. Every message carries the tab's id and an increasing sequence number, which with a
digest of the content make the update id, so a retried request is applied once and two tabs
of one session never mistake each other's messages for retries. The history of the chat (what
the citizen said, the bot's replies and pushed messages) is served a page at a time.
Uploads are checked while they stream in (bot.web.chat_upload). The page is sent with a
Content-Security-Policy that runs only our own script and lets no site frame it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from bot.bootstrap import Application
from bot.rendering import web_message
from bot.sms import DevSms
from bot.web.chat_admin import chat_admin_router
from bot.web.chat_history import history_page
from bot.web.chat_media import media_signer
from bot.web.chat_upload import FormIncomplete, UploadReader, UploadRefused
from bot.web.multipart_stream import MalformedForm
from bot.web.sessions import ChatSession, SessionKeeper
from conversations.messages import ChatAddress, Incoming, IncomingKind, Outgoing, Text, Upload
from conversations.router import Update
from services.identity import mask_phone

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TAB_ID = r"^[A-Za-z0-9_-]{8,32}$"
STATIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}")  # chat.js, chat.css, …
TAB_ID_RE = re.compile(TAB_ID)
MAX_TEXT = 100_000
MAX_SEQ = 2**53
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Only our own script, styles and media; pictures also from data: (QR codes) and blob: (a
# preview of the citizen's own file); no plug-ins, no <base>, no framing by any site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # media links carry a signature
}


class MessageIn(BaseModel):
    """A typed message or a button press from the page (a `chat_id` it sends is ignored)."""

    seq: int = Field(ge=1, le=2**53)
    tab: str | None = Field(default=None, pattern=TAB_ID)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    payload: str | None = Field(default=None, max_length=200)
    label: str | None = Field(default=None, max_length=200)  # the pressed button, as shown
    silent: bool = False  # the page's own command (/start): not shown as the citizen's


def chat_router(app: Application) -> APIRouter:
    """Routes of the web chat."""
    router = APIRouter()
    keeper = SessionKeeper(app)
    router.include_router(chat_admin_router(app, keeper))

    @router.get("/chat", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(
            STATIC / "chat.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
        )

    @router.get("/chat/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        if not STATIC_NAME.fullmatch(name):  # also keeps NUL and overlong names off the disk
            raise HTTPException(404)
        path = (STATIC / name).resolve()
        if path.parent != STATIC.resolve() or not path.is_file():
            raise HTTPException(404)
        return FileResponse(path, headers={"X-Content-Type-Options": "nosniff"})

    @router.post("/chat/api/message", include_in_schema=False)
    async def message(body: MessageIn, request: Request) -> JSONResponse:
        session = await keeper.current_or_new(request)
        if body.payload:
            incoming = Incoming.button(body.payload)
            said = {"text": body.label} if body.label else None
        else:
            incoming = Incoming.from_text(body.text or "")
            said = None if body.silent or not body.text else {"text": body.text}
        update = _update(session, body.tab, body.seq, incoming, said, _source(request))
        response = await _handle(app, session, update)
        keeper.set_cookie(request, response, session)
        return response

    @router.post("/chat/api/upload", include_in_schema=False)
    async def upload(request: Request) -> JSONResponse:
        session = await keeper.current_or_new(request)
        reader = UploadReader(app, _source(request), lambda fields: _chat_key(session, fields))
        try:
            got = await reader.read(request.headers.get("content-type", ""), request.stream())
        except UploadRefused as refused:
            response = await _refused(app, session.address, refused)
            keeper.set_cookie(request, response, session)
            return response
        except FormIncomplete as incomplete:
            raise _invalid(incomplete.fields) from None
        except MalformedForm:
            raise _invalid(("file",)) from None
        except ClientDisconnect:  # the tab went away: nobody reads an answer, nothing kept
            return JSONResponse({"error": "disconnected"}, 400)
        name = Path(got.name or "file").name[:200]
        mime = got.mime[:100]
        incoming = Incoming(
            IncomingKind.UPLOAD, upload=Upload(ref=got.ref, name=name, size=got.size, mime=mime)
        )
        said = {"upload": name, "size": got.size, "mime": mime}
        tab = got.fields.get("tab") or None
        update = _update(session, tab, int(got.fields["seq"]), incoming, said, _source(request))
        try:
            response = await _handle(app, session, update)
        finally:
            if got.ref:  # no step took it (no file was asked for): not kept
                await asyncio.to_thread(_discard_unclaimed, app, got.ref)
        keeper.set_cookie(request, response, session)
        return response

    @router.get("/chat/api/history", include_in_schema=False)
    async def history(
        request: Request,
        before: Annotated[int | None, Query(ge=0, le=2**62)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 30,
    ) -> JSONResponse:
        """The chat's history, newest page first; `before` is the cursor a page gave."""
        session = await keeper.current_or_new(request)
        cursor = None if before is None else EPOCH + timedelta(microseconds=before)
        body = await history_page(app, session.address, cursor, limit)
        if body["before"] is not None:
            body["before"] = str(body["before"])
        response = JSONResponse(body, headers={"Cache-Control": "no-store"})
        keeper.set_cookie(request, response, session)
        return response

    @router.get("/chat/api/phone", include_in_schema=False)
    async def phone(request: Request) -> JSONResponse:
        """Development only: the SMS this chat caused, for the demo "phone" panel."""
        if not isinstance(app.sms, DevSms):
            raise HTTPException(404)
        session = await keeper.current(request, touch=False)
        found = app.sms.inbox.for_chat(session.address.key) if session else []
        messages = [
            {"to": mask_phone(m.phone), "text": m.text, "at": m.at.isoformat()} for m in found
        ]
        return JSONResponse({"messages": messages, "development_only": True})

    return router


def _discard_unclaimed(app: Application, ref: str) -> None:
    """Remove a staged upload the update left behind (a step that takes one moves it)."""
    if app.staging.head(ref, 1):
        app.staging.reject(ref)


def _chat_key(session: ChatSession, fields: dict[str, str]) -> str:
    """The chat an upload form is for (its key: the quota is counted per chat) — the
    session's; the fields before the file must carry a valid `seq` (and `tab`, if any):
    `FormIncomplete` names those missing or wrong."""
    seq, tab = fields.get("seq", ""), fields.get("tab")
    wrong = []
    if not (seq.isascii() and seq.isdigit() and 1 <= int(seq) <= MAX_SEQ):
        wrong.append("seq")
    if tab is not None and not TAB_ID_RE.fullmatch(tab):
        wrong.append("tab")
    if wrong:
        raise FormIncomplete(tuple(wrong))
    return session.address.key


def _invalid(fields: tuple[str, ...]) -> RequestValidationError:
    """The 422 FastAPI gives a form with missing or malformed fields."""
    errors = [
        {"type": "invalid", "loc": ("body", name), "msg": "missing or invalid", "input": None}
        for name in fields
    ]
    return RequestValidationError(errors)


async def _refused(app: Application, address: ChatAddress, refused: UploadRefused) -> JSONResponse:
    """An upload refused at the edge: the chat's answer, with a status saying why."""
    app.metrics.upload_refused(refused.reason)
    log.warning("web chat upload refused at the edge: %s", refused.reason)
    lang = await _lang_or_default(app, address)
    message = web_message(Outgoing(refused.text), lang, app.texts)
    body = {"messages": [message], "lang": lang, "error": refused.reason}
    return JSONResponse(body, refused.status)


def update_id(seq: int, incoming: Incoming, tab: str | None = None) -> str:
    """The tab, the page's sequence number, and a digest of what was sent.

    A retry resends the same content with the same number and is applied once; another tab of
    the same session, or a tab duplicated by the browser (same tab id and counter) sending
    something else, is not mistaken for a retry.
    """
    upload = f"{incoming.upload.ref}:{incoming.upload.size}" if incoming.upload else ""
    content = "|".join((incoming.kind, incoming.command, incoming.text, incoming.payload, upload))
    digest = hashlib.sha256(content.encode()).hexdigest()[:12]
    return f"{tab}-{seq}-{digest}" if tab else f"{seq}-{digest}"


def _update(
    session: ChatSession,
    tab: str | None,
    seq: int,
    incoming: Incoming,
    said: dict[str, Any] | None,
    source: str,
) -> Update:
    return Update(
        session.address,
        update_id(seq, incoming, tab),
        incoming,
        source,
        said=said,
        admin=session.admin,
    )


def _source(request: Request) -> str:
    """Where the request came from, to cap login codes per origin (sessions are cheap)."""
    return f"web:{request.client.host}" if request.client else ""


async def _handle(app: Application, session: ChatSession, update: Update) -> JSONResponse:
    """The channel's error boundary: whatever happens, the page gets an answer."""
    address = session.address
    try:
        reply = await app.router.handle(update)
    except Exception:
        log.exception("web chat update failed for %s", _masked(address))
        lang = await _lang_or_default(app, address)
        error = web_message(Outgoing(Text("common.error")), lang, app.texts)
        return JSONResponse({"messages": [error], "lang": lang}, 503)
    sign = media_signer(app, address)
    at = app.clock.now().isoformat()
    messages = [{**web_message(m, reply.lang, app.texts, sign), "at": at} for m in reply.messages]
    return JSONResponse({"messages": messages, "lang": reply.lang})


def _masked(address: ChatAddress) -> str:
    """A chat named in a log without its id (a session's chat id is kept out of logs too)."""
    return f"{address.platform.value}:{address.chat_id[:4]}…"


async def _lang_or_default(app: Application, address: ChatAddress) -> str:
    """The chat's language for an apology; the default when even that cannot be read."""
    try:
        return await app.router.lang_of(address)
    except Exception:
        log.warning("could not read the language of %s", _masked(address), exc_info=True)
        return app.settings.default_language
