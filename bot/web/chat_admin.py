"""The web chat's admin sign-in: GET /chat/admin shows a form, POST /chat/admin with the key
from settings (WEB_ADMIN_KEY, compared in constant time) gives this browser's chat the admin
commands. Nothing else makes a web chat an admin: not a chat id, not ADMIN_CHATS."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.bootstrap import Application
from bot.web.sessions import SessionKeeper

log = logging.getLogger(__name__)
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập quản trị — Admin sign-in</title>
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
input,button{{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.4rem 0}}
.error{{color:#a30000}}</style></head>
<body><main>
<h1>Đăng nhập quản trị <small lang="en">(Admin sign-in)</small></h1>
<p>Nhập khóa quản trị để dùng các lệnh quản trị trong cuộc trò chuyện này.
<span lang="en">Enter the admin key to use the admin commands in this chat.</span></p>
{error}
<form method="post" action="/chat/admin">
<label for="key">Khóa quản trị <span lang="en">(admin key)</span></label>
<input id="key" name="key" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập <span lang="en">(Sign in)</span></button>
</form></main></body></html>
"""
_WRONG = (
    '<p class="error" role="alert">Khóa quản trị không đúng. '
    '<span lang="en">The admin key is wrong.</span></p>'
)


def chat_admin_router(app: Application, keeper: SessionKeeper) -> APIRouter:
    """GET and POST /chat/admin (404 when no WEB_ADMIN_KEY is set)."""
    router = APIRouter()

    def configured() -> bytes:
        key = app.settings.web_admin_key
        if key is None:
            raise HTTPException(404)
        return key.get_secret_value().encode()

    @router.get("/chat/admin", include_in_schema=False)
    async def form() -> HTMLResponse:
        configured()
        return HTMLResponse(_PAGE.format(error=""), headers=HEADERS)

    @router.post("/chat/admin", include_in_schema=False)
    async def sign_in(request: Request, key: Annotated[str, Form(max_length=200)] = "") -> Response:
        expected = configured()
        if not hmac.compare_digest(key.encode(), expected):
            log.warning("web chat admin sign-in refused: wrong key")
            return HTMLResponse(_PAGE.format(error=_WRONG), 403, headers=HEADERS)
        session = await keeper.sign_in_admin(request)
        log.info("web chat admin signed in")
        response = RedirectResponse("/chat", 303, headers={"Cache-Control": "no-store"})
        keeper.set_cookie(request, response, session)
        return response

    return router
