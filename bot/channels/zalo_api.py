"""An httpx client for the Zalo OA API v3 (FACTS §7.3–7.5): send, upload, download, refresh.

Zalo answers errors with HTTP 200 and `{"error": <negative code>, "message": …}`. -216 (access
token invalid) refreshes the token and retries once; -213 (the fake's and third-party code's
"user has not interacted in 48 h" — also used here for the 9th reply) and -230 (7 days) raise
`OutsideWindow`. Tokens never reach a log line or an exception message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.zalo_db import ZaloDb
from bot.channels.zalo_tokens import TokenManager, TokenStore, TokenUnavailable
from bot.keys import storage_keys
from bot.settings import Settings
from services.clock import Clock
from storage.crypto import JsonCipher

if TYPE_CHECKING:
    from bot.bootstrap import Application

log = logging.getLogger(__name__)
TOKEN_INVALID = -216
WINDOW_ERRORS = frozenset({-213, -230})
SEND_PATH = "/v3.0/oa/message/cs"
TRANSACTION_PATH = "/v3.0/oa/message/transaction"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"
UPLOAD_FILE_PATH = "/v2.0/oa/upload/file"
REFRESH_PATH = "/v4/oa/access_token"
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DOWNLOAD_TIMEOUT = 30.0  # seconds for a user's attachment (up to 10 MB) from Zalo's CDN


class ZaloApiError(Exception):
    """Zalo refused a call (`code` < 0), or it could not be made (`code` 0)."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"zalo error {code}: {detail}")
        self.code = code
        self.detail = detail


class OutsideWindow(ZaloApiError):
    """The user's reply window is closed (48 h passed, or 8 replies sent since they wrote)."""


class DownloadFailed(ZaloApiError):
    """A user's attachment could not be fetched: `reason` is "refused" (the CDN answered an
    error) or "timeout" (it did not answer in time, or the connection broke)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(0, detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Download:
    """A fetched attachment; `complete` is False when it ran over the limit (then `size` is
    only a lower bound and `content` is cut)."""

    content: bytes
    mime: str
    size: int
    complete: bool


class ZaloApi:
    """The OA API for one app, with its token manager."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        cipher: JsonCipher,
        clock: Clock,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._api = settings.zalo_api_base_url.rstrip("/")
        self._oauth = settings.zalo_oauth_base_url.rstrip("/")
        self._app_id = settings.zalo_app_id
        self._app_secret = _secret(settings.zalo_app_secret)
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT)
        self._owns_http = http is None
        self.download_timeout = DOWNLOAD_TIMEOUT
        self._db = ZaloDb(engine)
        seed = _secret(settings.zalo_refresh_token)
        store = TokenStore(self._db, cipher, self._app_id, seed)
        self.tokens = TokenManager(store, self._refresh, clock)

    @property
    def db(self) -> ZaloDb:
        """The transaction runner the channel shares."""
        return self._db

    async def close(self) -> None:
        """Close the HTTP client (when it is ours) and the database helper."""
        if self._owns_http:
            await self._http.aclose()
        self._db.dispose()

    async def send(
        self, user_id: str, message: dict[str, Any], reply_to: str = ""
    ) -> dict[str, Any]:
        """POST /v3.0/oa/message/cs; the response JSON (`data.message_id`, `data.quota`).

        With `reply_to` (the user's msg_id) the message is addressed as a reply to it, which
        is what Zalo counts against the free replies; without, to the user (proactive)."""
        recipient = {"message_id": reply_to} if reply_to else {"user_id": user_id}
        body = {"recipient": recipient, "message": message}

        async def call(token: str) -> httpx.Response:
            return await self._http.post(
                self._api + SEND_PATH, json=body, headers={"access_token": token}
            )

        answer = await self._authorised(call)
        quota = (answer.get("data") or {}).get("quota") or {}
        if isinstance(quota, dict) and quota.get("remain") in (0, 1):
            log.info("zalo quota %s: %s left", quota.get("quota_type"), quota.get("remain"))
        return answer

    async def send_transaction(self, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """POST /v3.0/oa/message/transaction: an update the user did not ask for (status,
        reminder, receipt). Zalo bills it to the OA's transaction quota, not to the user's
        replies, and allows it outside the 48-hour window; the quota used is logged."""
        body = {"recipient": {"user_id": user_id}, "message": message}

        async def call(token: str) -> httpx.Response:
            return await self._http.post(
                self._api + TRANSACTION_PATH, json=body, headers={"access_token": token}
            )

        answer = await self._authorised(call)
        quota = (answer.get("data") or {}).get("quota") or {}
        if isinstance(quota, dict):
            log.info(
                "zalo transaction to zalo:…%s: quota %s, %s of %s left",
                user_id[-4:],
                quota.get("quota_type"),
                quota.get("remain"),
                quota.get("total"),
            )
        return answer

    async def upload_image(self, content: bytes, name: str, mime: str) -> str:
        """Upload an image (jpg/png, ≤ 1 MB); its attachment_id."""
        answer = await self._upload(UPLOAD_IMAGE_PATH, content, name, mime)
        return str((answer.get("data") or {}).get("attachment_id", ""))

    async def upload_file(self, content: bytes, name: str, mime: str) -> str:
        """Upload a file (pdf/doc/docx, ≤ 5 MB); its token."""
        answer = await self._upload(UPLOAD_FILE_PATH, content, name, mime)
        return str((answer.get("data") or {}).get("token", ""))

    async def _upload(self, path: str, content: bytes, name: str, mime: str) -> dict[str, Any]:
        async def call(token: str) -> httpx.Response:
            return await self._http.post(
                self._api + path,
                files={"file": (name, content, mime)},
                headers={"access_token": token},
            )

        return await self._authorised(call)

    async def download(self, url: str, limit: int) -> Download:
        """Fetch a user's attachment, reading at most `limit` + 1 bytes."""
        chunks: list[bytes] = []
        size = 0
        timeout = httpx.Timeout(self.download_timeout, connect=5.0)
        try:
            async with self._http.stream(
                "GET", url, follow_redirects=True, timeout=timeout
            ) as response:
                if response.status_code != 200:
                    status = response.status_code
                    raise DownloadFailed("refused", f"attachment download answered {status}")
                mime = response.headers.get("content-type", "").split(";")[0].strip()
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > limit:
                        return Download(b"".join(chunks)[: limit + 1], mime, size, False)
        except httpx.HTTPError as error:
            detail = f"attachment download failed: {type(error).__name__}"
            raise DownloadFailed("timeout", detail) from None
        return Download(b"".join(chunks), mime, size, True)

    async def _authorised(self, call: Callable[[str], Awaitable[httpx.Response]]) -> dict[str, Any]:
        """Call with the access token; on -216 refresh and call once more."""
        token = await self.tokens.access_token()
        answer = await self._answer(call, token)
        if answer.get("error") == TOKEN_INVALID:
            log.info("zalo: access token refused (-216), refreshing")
            token = await self.tokens.renew(rejected=token)
            answer = await self._answer(call, token)
        code = answer.get("error", 0)
        if code in WINDOW_ERRORS:
            raise OutsideWindow(int(code), str(answer.get("message", "")))
        if code != 0:
            raise ZaloApiError(int(code) if isinstance(code, int) else -1, _detail(answer))
        return answer

    async def _answer(
        self, call: Callable[[str], Awaitable[httpx.Response]], token: str
    ) -> dict[str, Any]:
        try:
            response = await call(token)
        except httpx.HTTPError as error:
            raise ZaloApiError(0, f"request failed: {type(error).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            raise ZaloApiError(0, f"answer is not JSON (HTTP {response.status_code})") from None
        if not isinstance(answer, dict):
            raise ZaloApiError(0, "answer is not a JSON object")
        return answer

    async def _refresh(self, refresh_token: str) -> tuple[str, str, int]:
        """POST /v4/oa/access_token with the refresh token: (access, new refresh, seconds)."""
        if not refresh_token:
            raise TokenUnavailable("no Zalo refresh token: set ZALO_REFRESH_TOKEN")
        form = {"refresh_token": refresh_token, "app_id": self._app_id}
        form["grant_type"] = "refresh_token"
        try:
            response = await self._http.post(
                self._oauth + REFRESH_PATH, data=form, headers={"secret_key": self._app_secret}
            )
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise TokenUnavailable(f"Zalo token refresh failed: {type(error).__name__}") from None
        access = answer.get("access_token") if isinstance(answer, dict) else None
        refresh = answer.get("refresh_token") if isinstance(answer, dict) else None
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            code = answer.get("error") if isinstance(answer, dict) else None
            log.error("zalo: the refresh token was refused (%s): authorise the OA again", code)
            raise TokenUnavailable(f"Zalo refused the refresh token ({code})")
        try:
            expires_in = int(answer.get("expires_in", 0))
        except (TypeError, ValueError):
            expires_in = 0
        return access, refresh, expires_in if expires_in > 0 else 3600


def build_zalo_api(app: Application, http: httpx.AsyncClient | None = None) -> ZaloApi:
    """The API client for a built application (its engine, clock and encryption key)."""
    cipher = storage_keys(app.settings).cipher
    return ZaloApi(app.settings, app.engine, cipher, app.clock, http)


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


def _detail(answer: dict[str, Any]) -> str:
    return str(answer.get("message") or answer.get("error_name") or "error")[:200]
