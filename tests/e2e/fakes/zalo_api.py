"""FakeZalo: a local Zalo OA API v3 + OAuth v4 server, and a test-side API to play users.

    async with FakeZalo(webhook_url=bot_url) as zalo:
        # the bot calls f"{zalo.url}/v3.0/oa/message/cs" with header access_token, and
        # f"{zalo.url}/v4/oa/access_token" to refresh
        await zalo.user_text("5001", "xin chào")     # POSTs a signed user_send_text event
        [reply] = await zalo.wait_for("5001")

Documented (FACTS §7): endpoints, headers, body shapes, -216 for an invalid token, the signature,
a single-use refresh token, expires_in as a string. Assumptions (not confirmed by a source):
- Messaging window: after the user's last message, 8 replies within 48 hours. Outside it, or for
  the 9th reply, the fake answers {"error": -213, "message": ...}: -213 is the code third-party
  code reports for "user has not interacted with the OA in 48 h"; real Zalo may use another code
  (e.g. -230 for 7 days) or bill the message as proactive if the OA has quota. Following the OA
  opens no window. A reply with only `user_id` counts as a reply (FACTS says real Zalo may bill
  it as proactive).
- Parameter errors answer -201 "Parameters are invalid: ..."; text over 2000 characters,
  image uploads over 1 MB, file uploads over 5 MB are refused.
- OAuth errors: {"error": -14014, "error_name": ..., "error_reason": ...} for a bad or used refresh
  token, -14003 for a wrong secret_key or app_id.
- Errors come with HTTP 200, as Zalo's API does.
- Transaction messages (`/v3.0/oa/message/transaction`, see zalo_transaction.py) are billed to
  the OA's transaction quota (`transaction_quota`, per month in real Zalo), never to the
  user's 8 replies, and are allowed at any time to a user who follows the OA. Used up: -224;
  to a user who unfollowed: -232 (both codes are assumptions).
- The CDN serving users' attachments can be made to refuse (403), stall, or serve a given
  content type: `cdn_faults[name]`.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.e2e.fakes.changes import Changes
from tests.e2e.fakes.local_server import MAX_BODY, LocalServer
from tests.e2e.fakes.request_params import Upload, read_params
from tests.e2e.fakes.zalo_messages import (
    ERR_TOKEN,
    ERR_WINDOW,
    ZaloError,
    ZaloSent,
    invalid,
    parse_message,
)
from tests.e2e.fakes.zalo_transaction import parse_transaction
from tests.e2e.fakes.zalo_users import ZaloUsers

ACCESS_TOKEN_TTL = 90_000  # seconds (25 h); Zalo sends expires_in as the string "90000"
WINDOW_SECONDS = 48 * 3600
REPLIES_PER_WINDOW = 8
MAX_IMAGE = 1024 * 1024
MAX_FILE = 5 * 1024 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/jpg"})
FILE_EXTENSIONS = (".pdf", ".doc", ".docx")
ERR_TRANSACTION_QUOTA = -224
ERR_NOT_FOLLOWER = -232


@dataclass
class Window:
    """A user's reply window: when they last wrote, and replies sent since."""

    last_user_message: float | None = None
    replies: int = 0
    message_ids: set[str] = field(default_factory=set)


class FakeZalo(ZaloUsers):
    """A fake Zalo OA server for one app/OA; the test side is in ZaloUsers."""

    def __init__(
        self,
        *,
        app_id: str = "1234567890123456789",
        oa_id: str = "579745863508352884",
        app_secret: str = "fake-app-secret",
        oa_secret: str = "fake-oa-secret-key",
        webhook_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(app_id, oa_id, oa_secret, webhook_url)
        self.app_secret = app_secret
        self._clock = clock
        self._offset = 0.0
        self.access_token = "AT-" + secrets.token_urlsafe(16)
        self.refresh_token = "RT-" + secrets.token_urlsafe(16)
        self._access_expires = self.now() + ACCESS_TOKEN_TTL
        self.refresh_count = 0
        self.outbox: list[ZaloSent] = []
        self.windows: dict[str, Window] = {}
        self.attachments: dict[str, Upload] = {}
        self.file_tokens: dict[str, Upload] = {}
        self.transaction_quota = 1000  # transaction messages the OA may still send
        self.transaction_total = 1000
        self.unfollowed: set[str] = set()
        self.cdn_faults: dict[str, str] = {}  # file name → "refuse" | "stall" | a content type
        self._changes = Changes()
        # A slow file server: once `hold_media` is set (an Event not yet set), each download
        # sends its first bytes, then waits for the event.
        self.hold_media: asyncio.Event | None = None
        self.media_started = 0
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post("/v3.0/oa/message/cs", self._handle_send)
        app.router.add_post("/v3.0/oa/message/transaction", self._handle_transaction)
        app.router.add_post("/v2.0/oa/upload/image", self._handle_upload_image)
        app.router.add_post("/v2.0/oa/upload/file", self._handle_upload_file)
        app.router.add_post("/v4/oa/access_token", self._handle_token)
        app.router.add_get("/media/{key}/{name}", self._handle_media)
        self._server = LocalServer(app)

    # -- lifecycle, clock ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root for both API hosts (openapi.zalo.me and oauth.zaloapp.com) in tests."""
        return self._server.url

    async def start(self) -> FakeZalo:
        """Listen on 127.0.0.1 at a free port."""
        await self._server.start()
        return self

    async def stop(self) -> None:
        """Close the webhook client and the server."""
        await self.close_client()
        await self._server.stop()

    async def __aenter__(self) -> FakeZalo:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def now(self) -> float:
        """The fake's time in seconds; advance() moves it."""
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Let time pass (the 48-hour window, the 25-hour token life) without sleeping."""
        self._offset += seconds

    def expire_access_token(self) -> None:
        """The current access token stops working now."""
        self._access_expires = self.now() - 1

    # -- HTTP ----------------------------------------------------------------------------------

    def _check_token(self, request: web.Request) -> None:
        token = request.headers.get("access_token")
        if token != self.access_token or self.now() >= self._access_expires:
            raise ZaloError(ERR_TOKEN, "Access token is invalid")

    async def _handle_send(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
            body = await request.json()
            sent = self._send(body if isinstance(body, dict) else {})
        except ZaloError as exc:
            return web.json_response(exc.body())
        except ValueError:
            return web.json_response(invalid("body is not JSON").body())
        window = self.windows[sent.user_id]
        quota = {
            "quota_type": "reply",
            "remain": REPLIES_PER_WINDOW - window.replies,
            "total": REPLIES_PER_WINDOW,
            "expired_date": int(((window.last_user_message or 0) + WINDOW_SECONDS) * 1000),
        }
        data = {"message_id": sent.message_id, "user_id": sent.user_id, "quota": quota}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    def _send(self, body: dict[str, Any]) -> ZaloSent:
        recipient = body.get("recipient") or {}
        user_id = recipient.get("user_id")
        if user_id is None and recipient.get("message_id"):
            user_id = next(
                (u for u, w in self.windows.items() if recipient["message_id"] in w.message_ids),
                None,
            )
        if not isinstance(user_id, str) or not user_id:
            raise invalid("recipient.user_id is required")
        sent = parse_message(
            user_id,
            secrets.token_hex(16),
            body.get("message"),
            set(self.attachments),
            set(self.file_tokens),
        )
        window = self.windows.setdefault(user_id, Window())
        if window.last_user_message is None or self.now() - window.last_user_message > (
            WINDOW_SECONDS
        ):
            raise ZaloError(ERR_WINDOW, "User has not interacted with the OA in the last 48 hours")
        if window.replies >= REPLIES_PER_WINDOW:
            raise ZaloError(ERR_WINDOW, "Reply quota used up: 8 replies per user message")
        window.replies += 1
        self.outbox.append(sent)
        self._changes.notify()
        return sent

    async def _handle_transaction(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
            body = await request.json()
            body = body if isinstance(body, dict) else {}
            user_id = (body.get("recipient") or {}).get("user_id")
            if not isinstance(user_id, str) or not user_id:
                raise invalid("recipient.user_id is required")
            sent = parse_transaction(
                user_id, secrets.token_hex(16), body.get("message"), set(self.attachments)
            )
            if user_id in self.unfollowed:
                raise ZaloError(ERR_NOT_FOLLOWER, "User has not followed the OA")
            if self.transaction_quota <= 0:
                raise ZaloError(ERR_TRANSACTION_QUOTA, "Transaction message quota exceeded")
        except ZaloError as exc:
            return web.json_response(exc.body())
        except ValueError:
            return web.json_response(invalid("body is not JSON").body())
        self.transaction_quota -= 1
        self.outbox.append(sent)
        self._changes.notify()
        quota = {
            "quota_type": "sub_quota",
            "remain": self.transaction_quota,
            "total": self.transaction_total,
        }
        data = {"message_id": sent.message_id, "user_id": user_id, "quota": quota}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def user_follow(self, user_id: str) -> Any:
        """The user follows the OA (again): transaction messages reach them."""
        self.unfollowed.discard(user_id)
        return await super().user_follow(user_id)

    async def user_unfollow(self, user_id: str) -> Any:
        """The user unfollows the OA: transaction messages are refused."""
        self.unfollowed.add(user_id)
        return await super().user_unfollow(user_id)

    async def _upload(self, request: web.Request, limit: int, kind: str) -> Upload:
        self._check_token(request)
        params = await read_params(request)
        upload = params.uploads.get("file")
        if upload is None:
            raise invalid("file is required")
        if len(upload.data) > limit:
            raise invalid(f"{kind} is larger than {limit // (1024 * 1024)} MB")
        return upload

    async def _handle_upload_image(self, request: web.Request) -> web.Response:
        try:
            upload = await self._upload(request, MAX_IMAGE, "image")
            if upload.content_type not in IMAGE_TYPES:
                raise invalid("image must be jpg or png")
        except ZaloError as exc:
            return web.json_response(exc.body())
        attachment_id = secrets.token_urlsafe(24)
        self.attachments[attachment_id] = upload
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"attachment_id": attachment_id}}
        )

    async def _handle_upload_file(self, request: web.Request) -> web.Response:
        try:
            upload = await self._upload(request, MAX_FILE, "file")
            if not upload.filename.lower().endswith(FILE_EXTENSIONS):
                raise invalid("file must be pdf, doc or docx")
        except ZaloError as exc:
            return web.json_response(exc.body())
        token = secrets.token_urlsafe(32)
        self.file_tokens[token] = upload
        return web.json_response({"error": 0, "message": "Success", "data": {"token": token}})

    async def _handle_token(self, request: web.Request) -> web.Response:
        params = await read_params(request)
        if (
            request.headers.get("secret_key") != self.app_secret
            or params.text("app_id") != self.app_id
        ):
            return web.json_response(_oauth_error(-14003, "Invalid app_id or secret_key"))
        if (
            params.text("grant_type") != "refresh_token"
            or params.text("refresh_token") != self.refresh_token
        ):
            return web.json_response(_oauth_error(-14014, "Invalid refresh_token"))
        self.access_token = "AT-" + secrets.token_urlsafe(16)
        self.refresh_token = "RT-" + secrets.token_urlsafe(16)
        self._access_expires = self.now() + ACCESS_TOKEN_TTL
        self.refresh_count += 1
        return web.json_response(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": str(ACCESS_TOKEN_TTL),
            }
        )

    async def _handle_media(self, request: web.Request) -> web.StreamResponse:
        media = self.media.get(request.match_info["key"])
        if media is None:
            return web.Response(status=404)
        self.media_started += 1
        fault = self.cdn_faults.get(media.filename, "")
        if fault == "refuse":
            return web.Response(status=403, text="Forbidden")
        if fault == "stall":
            await asyncio.sleep(3)
        content_type = fault or media.content_type
        hold = self.hold_media
        if hold is None:
            return web.Response(body=media.data, content_type=content_type)
        response = web.StreamResponse(headers={"Content-Type": content_type})
        response.content_length = len(media.data)
        await response.prepare(request)
        await response.write(media.data[:16])
        await hold.wait()
        await response.write(media.data[16:])
        await response.write_eof()
        return response

    # -- test side: windows, inspection --------------------------------------------------------

    def user_wrote(self, user_id: str, msg_id: str | None = None) -> str:
        """The user wrote to the OA: the window opens (or renews), the reply count resets.

        user_* methods call this; a test that needs no webhook may call it alone.
        """
        msg_id = msg_id or secrets.token_hex(16)
        window = self.windows.setdefault(user_id, Window())
        window.last_user_message = self.now()
        window.replies = 0
        window.message_ids.add(msg_id)
        return msg_id

    def sent(self, user_id: str | None = None) -> list[ZaloSent]:
        """What the OA sent to a user (or to everyone), in order."""
        return [m for m in self.outbox if user_id is None or m.user_id == user_id]

    async def wait_for(
        self,
        user_id: str,
        count: int = 1,
        *,
        where: Callable[[ZaloSent], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test helper's deadline
    ) -> list[ZaloSent]:
        """Wait until the user got `count` messages (matching `where`); return them."""

        def found() -> list[ZaloSent]:
            return [m for m in self.sent(user_id) if where is None or where(m)]

        await self._changes.wait_until(
            lambda: len(found()) >= count, timeout, lambda: f"{user_id} got {self.sent(user_id)}"
        )
        return found()


def _oauth_error(code: int, reason: str) -> dict[str, Any]:
    return {
        "error": code,
        "error_name": "Invalid parameter",
        "error_reason": reason,
        "error_description": reason,
    }
