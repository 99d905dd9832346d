"""A browser's web chat session in HTTP tests: its own cookie, whatever client carries it.

Several "browsers" may share one httpx client: each sends its own Cookie header (an empty one
before the server issued a session), so no browser rides on another's cookie from the jar.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import httpx

from bot.bootstrap import Application
from bot.web.sessions import COOKIE
from conversations.messages import ChatAddress, Platform


@dataclass
class BrowserCookie:
    """The session cookie one browser holds."""

    token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        """The Cookie header this browser sends."""
        return {"cookie": f"{COOKIE}={self.token}"}

    def take(self, response: httpx.Response) -> None:
        """Keep a session the server issued in `response`."""
        issued = response.cookies.get(COOKIE)
        if issued:
            self.token = issued

    async def address(self, app: Application) -> ChatAddress:
        """The chat the server maps this browser's session to."""
        return await session_address(app, self.token)


async def session_address(app: Application, token: str) -> ChatAddress:
    """The web chat a session token opens (read server-side, as the app does)."""
    assert token, "no session issued yet"
    async with app.uow_factory() as uow:
        found = await uow.web_sessions.find(hashlib.sha256(token.encode()).hexdigest())
    assert found is not None, "the session is unknown"
    return ChatAddress(Platform.WEB, found.chat_id)
