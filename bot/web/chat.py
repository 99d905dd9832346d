"""The local web chat channel: a page at /chat and a small JSON API behind it.

Each browser tab is its own chat (a random id kept in sessionStorage); every message carries
an increasing sequence number, which is the update id, so a retried request is applied once.
Uploads are checked while they stream in (bot.web.chat_upload). The page is sent with a
Content-Security-Policy that runs only our own script and lets no site frame it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from bot.bootstrap import Application
from bot.rendering import web_message
from bot.sms import DevSms
from bot.web.chat_media import media_signer
from bot.web.chat_upload import FormIncomplete, UploadReader, UploadRefused
from bot.web.multipart_stream import MalformedForm
from conversations.messages import (
    ChatAddress,
    Incoming,
    IncomingKind,
    Outgoing,
    Platform,
    Text,
    Upload,
)
from conversations.router import Update
from services.identity import mask_phone

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CHAT_ID = r"^[A-Za-z0-9_-]{8,64}$"
STATIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}")  # chat.js, chat.css, …
CHAT_ID_RE = re.compile(CHAT_ID)
MAX_TEXT = 100_000
MAX_SEQ = 2**53
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
    "Referrer-Policy": "same-origin",  # media links carry a chat id and a signature
}


class MessageIn(BaseModel):
    """A typed message or a button press from the page."""

    chat_id: str = Field(pattern=CHAT_ID)
    seq: int = Field(ge=1, le=2**53)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    payload: str | None = Field(default=None, max_length=200)


def chat_router(app: Application) -> APIRouter:
    """Routes of the web chat."""
    router = APIRouter()

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
        if body.payload:
            incoming = Incoming.button(body.payload)
        else:
            incoming = Incoming.from_text(body.text or "")
        return await _handle(app, body.chat_id, body.seq, incoming, _source(request))

    @router.post("/chat/api/upload", include_in_schema=False)
    async def upload(request: Request) -> JSONResponse:
        reader = UploadReader(app, _source(request), _chat_key)
        try:
            got = await reader.read(request.headers.get("content-type", ""), request.stream())
        except UploadRefused as refused:
            return await _refused(app, reader.received.fields["chat_id"], refused)
        except FormIncomplete as incomplete:
            raise _invalid(incomplete.fields) from None
        except MalformedForm:
            raise _invalid(("file",)) from None
        except ClientDisconnect:  # the tab went away: nobody reads an answer, nothing kept
            return JSONResponse({"error": "disconnected"}, 400)
        chat_id = _chat_key(got.fields).removeprefix("web:")
        name = Path(got.name or "file").name[:200]
        mime = got.mime[:100]
        upload = Upload(ref=got.ref, name=name, size=got.size, mime=mime)
        incoming = Incoming(IncomingKind.UPLOAD, upload=upload)
        seq = int(got.fields["seq"])
        try:
            return await _handle(app, chat_id, seq, incoming, _source(request))
        finally:
            if got.ref:  # no step took it (no file was asked for): not kept
                await asyncio.to_thread(_discard_unclaimed, app, got.ref)

    @router.get("/chat/api/phone", include_in_schema=False)
    async def phone(chat_id: Annotated[str, Query(pattern=CHAT_ID)]) -> JSONResponse:
        """Development only: the SMS this chat caused, for the demo "phone" panel."""
        if not isinstance(app.sms, DevSms):
            raise HTTPException(404)
        key = ChatAddress(Platform.WEB, chat_id).key
        messages = [
            {"to": mask_phone(m.phone), "text": m.text, "at": m.at.isoformat()}
            for m in app.sms.inbox.for_chat(key)
        ]
        return JSONResponse({"messages": messages, "development_only": True})

    return router


def _discard_unclaimed(app: Application, ref: str) -> None:
    """Remove a staged upload the update left behind (a step that takes one moves it)."""
    if app.staging.head(ref, 1):
        app.staging.reject(ref)


def _chat_key(fields: dict[str, str]) -> str:
    """The chat an upload form is for (its key: the quota is counted per chat), from the
    fields that come before the file; `FormIncomplete` names those missing or wrong."""
    chat_id, seq = fields.get("chat_id", ""), fields.get("seq", "")
    wrong = []
    if not CHAT_ID_RE.fullmatch(chat_id):
        wrong.append("chat_id")
    if not (seq.isascii() and seq.isdigit() and 1 <= int(seq) <= MAX_SEQ):
        wrong.append("seq")
    if wrong:
        raise FormIncomplete(tuple(wrong))
    return ChatAddress(Platform.WEB, chat_id).key


def _invalid(fields: tuple[str, ...]) -> RequestValidationError:
    """The 422 FastAPI gives a form with missing or malformed fields."""
    errors = [
        {"type": "invalid", "loc": ("body", name), "msg": "missing or invalid", "input": None}
        for name in fields
    ]
    return RequestValidationError(errors)


async def _refused(app: Application, chat_id: str, refused: UploadRefused) -> JSONResponse:
    """An upload refused at the edge: the chat's answer, with a status saying why."""
    app.metrics.upload_refused(refused.reason)
    log.warning("web chat upload refused at the edge: %s", refused.reason)
    address = ChatAddress(Platform.WEB, chat_id)
    lang = await _lang_or_default(app, address)
    message = web_message(Outgoing(refused.text), lang, app.texts)
    body = {"messages": [message], "lang": lang, "error": refused.reason}
    return JSONResponse(body, refused.status)


def update_id(seq: int, incoming: Incoming) -> str:
    """The page's sequence number plus a digest of what was sent.

    A retry resends the same content with the same number and is applied once; a tab
    duplicated by the browser (same chat id and counter) sending something else is not
    mistaken for a retry.
    """
    upload = f"{incoming.upload.ref}:{incoming.upload.size}" if incoming.upload else ""
    content = "|".join((incoming.kind, incoming.command, incoming.text, incoming.payload, upload))
    return f"{seq}-{hashlib.sha256(content.encode()).hexdigest()[:12]}"


def _source(request: Request) -> str:
    """Where the request came from, to cap login codes per origin (every tab is a new chat)."""
    return f"web:{request.client.host}" if request.client else ""


async def _handle(
    app: Application, chat_id: str, seq: int, incoming: Incoming, source: str = ""
) -> JSONResponse:
    """The channel's error boundary: whatever happens, the page gets an answer."""
    address = ChatAddress(Platform.WEB, chat_id)
    update = Update(address, update_id(seq, incoming), incoming, source)
    try:
        reply = await app.router.handle(update)
    except Exception:
        log.exception("web chat update failed for %s", address.key)
        lang = await _lang_or_default(app, address)
        error = web_message(Outgoing(Text("common.error")), lang, app.texts)
        return JSONResponse({"messages": [error], "lang": lang}, 503)
    sign = media_signer(app, address)
    messages = [web_message(m, reply.lang, app.texts, sign) for m in reply.messages]
    return JSONResponse({"messages": messages, "lang": reply.lang})


async def _lang_or_default(app: Application, address: ChatAddress) -> str:
    """The chat's language for an apology; the default when even that cannot be read."""
    try:
        return await app.router.lang_of(address)
    except Exception:
        log.warning("could not read the language of %s", address.key, exc_info=True)
        return app.settings.default_language
