"""The web chat's pushed messages (from the outbox) and its media (QR codes, receipts, files).

Both are the session's chat (bot.web.sessions): no chat is named in a URL. Media URLs are
signed for one chat and until a time (MEDIA_LINK_HOURS): a link copied out of one conversation
opens nothing in another session, a reference cannot be guessed into a file, and a link that
leaked (a shared screenshot of the address bar, a proxy log) stops working. Every answer,
every poll and every history page signs its links afresh.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from bot.bootstrap import Application
from bot.rendering import web_message
from bot.web.sessions import SessionKeeper
from conversations.messages import ChatAddress, Outgoing
from services.codec import CodecError, from_json
from services.outbox import OutboxStatus


def _signature(app: Application, chat_key: str, ref: str, expires: int) -> str:
    return app.signer.digest("media", f"{chat_key}|{ref}|{expires}")[:32]


def media_signer(app: Application, address: ChatAddress) -> Callable[[str], str]:
    """Turns a media reference into a URL this chat's page may load until MEDIA_LINK_HOURS
    from now."""
    expires = int(app.clock.now().timestamp()) + app.settings.media_link_hours * 3600

    def url(ref: str) -> str:
        query = {"ref": ref, "exp": expires, "sig": _signature(app, address.key, ref, expires)}
        return "/chat/media?" + urlencode(query)

    return url


def chat_media_router(app: Application) -> APIRouter:
    """GET /chat/api/events and GET /chat/media."""
    router = APIRouter()
    keeper = SessionKeeper(app)

    @router.get("/chat/api/events", include_in_schema=False)
    async def events(
        request: Request,
        after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,  # a database integer
    ) -> JSONResponse:
        """Messages pushed to this chat after `after`; those up to `after` are acknowledged."""
        session = await keeper.current(request, touch=False)  # a poll is not the citizen
        if session is None:
            return JSONResponse({"events": []})
        address = session.address
        async with app.uow_factory() as uow:
            for item in await uow.outbox.pending(address.key, 0):
                if item.id <= after:
                    await uow.outbox.mark(item.id, OutboxStatus.SENT, app.clock.now())
            fresh = await uow.outbox.pending(address.key, after)
            await uow.commit()
        lang = await app.router.lang_of(address)
        sign = media_signer(app, address)
        out = []
        for item in fresh:
            try:
                message = from_json(Outgoing, item.message)
            except CodecError:
                continue
            out.append({"id": item.id, "message": web_message(message, lang, app.texts, sign)})
        return JSONResponse({"events": out})

    @router.get("/chat/media", include_in_schema=False)
    async def media(
        request: Request,
        ref: Annotated[str, Query(max_length=600)],
        sig: Annotated[str, Query(max_length=64)],
        exp: Annotated[int, Query(ge=0, le=2**40)] = 0,
    ) -> Response:
        session = await keeper.current(request, touch=False)
        if session is None:
            raise HTTPException(404)
        address = session.address
        expected = _signature(app, address.key, ref, exp)
        if not hmac.compare_digest(sig.encode(), expected.encode()):
            raise HTTPException(404)
        if exp < app.clock.now().timestamp():
            raise HTTPException(410, "Liên kết đã hết hạn / this link has expired")
        found = await app.media.resolve(ref, await app.router.lang_of(address))
        if found is None:
            raise HTTPException(404)
        headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
        return Response(found.content, media_type=found.mime, headers=headers)

    return router
