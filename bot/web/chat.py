"""The local web chat channel: a page at /chat and a small JSON API behind it.

Each browser tab is its own chat (a random id kept in sessionStorage); every message carries
an increasing sequence number, which is the update id, so a retried request is applied once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from bot.bootstrap import Application
from bot.rendering import web_message
from bot.sms import DevSms
from bot.web.chat_media import media_signer
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
from services.files import MAX_FILE_BYTES
from services.identity import mask_phone

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CHAT_ID = r"^[A-Za-z0-9_-]{8,64}$"
STATIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}")  # chat.js, chat.css, …
MAX_UPLOAD = MAX_FILE_BYTES  # larger files are refused by size, without being kept
MAX_TEXT = 100_000


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
        return FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")

    @router.get("/chat/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        if not STATIC_NAME.fullmatch(name):  # also keeps NUL and overlong names off the disk
            raise HTTPException(404)
        path = (STATIC / name).resolve()
        if path.parent != STATIC.resolve() or not path.is_file():
            raise HTTPException(404)
        return FileResponse(path)

    @router.post("/chat/api/message", include_in_schema=False)
    async def message(body: MessageIn, request: Request) -> JSONResponse:
        if body.payload:
            incoming = Incoming.button(body.payload)
        else:
            incoming = Incoming.from_text(body.text or "")
        return await _handle(app, body.chat_id, body.seq, incoming, _source(request))

    @router.post("/chat/api/upload", include_in_schema=False)
    async def upload(
        request: Request,
        chat_id: Annotated[str, Form(pattern=CHAT_ID)],
        seq: Annotated[int, Form(ge=1, le=2**53)],
        file: Annotated[UploadFile, File()],
    ) -> JSONResponse:
        content = await file.read(MAX_UPLOAD + 1)
        name = Path(file.filename or "file").name[:200]
        size = max(len(content), file.size or 0)
        # A file over the per-file limit is never staged: the documents step refuses it by size.
        ref = await asyncio.to_thread(app.staging.stage, content) if size <= MAX_UPLOAD else ""
        incoming = Incoming(
            IncomingKind.UPLOAD,
            upload=Upload(ref=ref, name=name, size=size, mime=file.content_type or ""),
        )
        return await _handle(app, chat_id, seq, incoming, _source(request))

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
