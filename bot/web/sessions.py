"""The web chat's sessions: a random token the server issues in an HttpOnly, SameSite=Strict
cookie (Secure over TLS), mapped server-side to the chat it opens.

The page never names its chat: whoever holds the cookie is in that chat, and nothing a client
sends can choose another. Only a digest of the token is stored; the token is never put in a
URL or a log. A session unused for SESSION_IDLE_MINUTES ends (the login's idle timeout), and
admin rights come only from the admin sign-in (`sign_in_admin`), which also issues a new
token so a cookie planted before the sign-in cannot ride on it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response

from bot.bootstrap import Application
from conversations.messages import ChatAddress, Platform

COOKIE = "dvc_chat"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
TOUCH_EVERY = timedelta(seconds=60)  # how stale `seen_at` may get before it is written again


@dataclass(frozen=True, slots=True)
class ChatSession:
    """The session of one request: the chat it opens, whether an admin signed in, and (for a
    session issued by this request) the token the response must set."""

    chat_id: str
    admin: bool = False
    issued_token: str = ""

    @property
    def address(self) -> ChatAddress:
        """The web chat this session opens."""
        return ChatAddress(Platform.WEB, self.chat_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionKeeper:
    """Finds, issues and upgrades sessions (one database transaction each)."""

    def __init__(self, app: Application) -> None:
        self._app = app
        self._idle = timedelta(minutes=app.settings.session_idle_minutes)

    def _token_of(self, request: Request) -> str | None:
        token = request.cookies.get(COOKIE, "")
        return token if TOKEN.fullmatch(token) else None

    async def current(self, request: Request, *, touch: bool = True) -> ChatSession | None:
        """The request's live session; None without a cookie, with an unknown or forged one,
        or with one idle too long (which ends here). `touch`: this request is the citizen
        using the chat (a background poll is not)."""
        token = self._token_of(request)
        if token is None:
            return None
        now = self._app.clock.now()
        async with self._app.uow_factory() as uow:
            found = await uow.web_sessions.find(_digest(token))
            if found is None:
                return None
            if now - found.seen_at > self._idle:
                await uow.web_sessions.remove(found.token_hash)
                await uow.commit()
                return None
            if touch and now - found.seen_at >= TOUCH_EVERY:
                await uow.web_sessions.touch(found.token_hash, now)
                await uow.commit()
        return ChatSession(found.chat_id, found.admin)

    async def current_or_new(self, request: Request) -> ChatSession:
        """The request's live session, or a new one (a new, empty chat)."""
        return await self.current(request) or await self._issue(secrets.token_urlsafe(18))

    async def sign_in_admin(self, request: Request) -> ChatSession:
        """The same chat under a new token that carries admin rights; the old token ends."""
        session = await self.current(request)
        old = self._token_of(request)
        if session is None or old is None:  # no chat yet: a new one, admin from the start
            return await self._issue(secrets.token_urlsafe(18), admin=True)
        async with self._app.uow_factory() as uow:
            await uow.web_sessions.remove(_digest(old))
            await uow.commit()
        return await self._issue(session.chat_id, admin=True)

    async def _issue(self, chat_id: str, admin: bool = False) -> ChatSession:
        token = secrets.token_urlsafe(32)
        now = self._app.clock.now()
        async with self._app.uow_factory() as uow:
            await uow.web_sessions.remove_idle(now - self._idle)  # idle ones go as new ones come
            await uow.web_sessions.add(_digest(token), chat_id, admin, now)
            await uow.commit()
        return ChatSession(chat_id, admin, token)

    def set_cookie(self, request: Request, response: Response, session: ChatSession) -> None:
        """Give the browser a session issued by this request (nothing for an existing one)."""
        if not session.issued_token:
            return
        response.set_cookie(
            COOKIE,
            session.issued_token,
            httponly=True,
            samesite="strict",
            secure=self._secure(request),
            path="/chat",
        )

    def _secure(self, request: Request) -> bool:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return (
            self._app.settings.session_cookie_secure
            or request.url.scheme == "https"
            or forwarded == "https"
        )
