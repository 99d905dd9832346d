"""Getting updates to the bot: the getUpdates queue, or POSTs to its webhook."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.e2e.fakes.telegram_state import ApiError

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SUPERSEDED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def update_type(update: dict[str, Any]) -> str:
    """The update's kind: the one key besides update_id ("message", "callback_query", ...)."""
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Updates not yet confirmed by a getUpdates offset; long polling waits on it."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.allowed: list[str] = []
        self.closed = False
        self._event = asyncio.Event()
        self._poller: object | None = None

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update and wake the long poll."""
        if not self.allowed or update_type(update) in self.allowed:
            self.pending.append(update)
        self._wake()

    def drop(self) -> None:
        """drop_pending_updates."""
        self.pending.clear()

    def close(self) -> None:
        """Let every long poll return now (the server is stopping)."""
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def _confirm(self, offset: int | None) -> None:
        """An update is confirmed once getUpdates is called with a higher offset."""
        if offset is None or offset == 0:
            return
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        else:
            self.pending = self.pending[offset:]

    async def get(
        self, offset: int | None, limit: int, poll_seconds: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm, then return at once or wait up to `poll_seconds` (its timeout)."""
        self._confirm(offset)
        if allowed is not None:
            self.allowed = list(allowed)
            if self.allowed:
                self.pending = [u for u in self.pending if update_type(u) in self.allowed]
        token = object()
        self._poller = token
        self._wake()  # an older long poll, if any, ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, poll_seconds)
        while True:
            if self._poller is not token:
                raise ApiError(409, _SUPERSEDED)
            if self.pending or self.closed:
                return self.pending[: max(1, min(limit, 100))]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


@dataclass
class WebhookConfig:
    """What setWebhook set."""

    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str]


@dataclass
class Attempt:
    """One POST of an update to the webhook."""

    status: int | None  # None: the connection failed
    body: str
    secret_token: str | None


@dataclass
class Delivery:
    """All attempts to deliver one update."""

    update: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        """True when the last attempt got a 2xx answer."""
        last = self.attempts[-1].status if self.attempts else None
        return last is not None and 200 <= last < 300

    @property
    def statuses(self) -> list[int | None]:
        """The HTTP status of each attempt, in order."""
        return [a.status for a in self.attempts]


# A method call in a webhook answer, which the Bot API then performs.
ReplyHandler = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookSender:
    """POSTs updates to the webhook, retrying the same update on failure."""

    def __init__(self, retries: int, retry_delay: float, on_reply: ReplyHandler) -> None:
        self.config: WebhookConfig | None = None
        self.retries = retries
        self.retry_delay = retry_delay
        self.deliveries: list[Delivery] = []
        self.last_error: tuple[int, str] | None = None
        self._on_reply = on_reply
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def deliver(
        self,
        update: dict[str, Any],
        *,
        secret_token: str | None = None,
        use_config_secret: bool = True,
        retries: int | None = None,
    ) -> Delivery:
        """POST one update; retry up to `retries` more times while the answer is not 2xx."""
        if self.config is None:
            raise RuntimeError("no webhook is set")
        if self._session is None:
            # A connection per delivery: a keep-alive connection the bot's server closes while
            # idle (uvicorn, after 5 s) can meet the next POST on the way and fail it before any
            # byte is read — noise Telegram retries away, not the bot's doing. Attempts that
            # fail here are then the bot's: a worker killed, a connection it cut.
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=10),
                connector=aiohttp.TCPConnector(force_close=True),
            )
        secret = self.config.secret_token if use_config_secret else secret_token
        delivery = Delivery(update)
        self.deliveries.append(delivery)
        for attempt in range(1 + (self.retries if retries is None else retries)):
            if attempt:
                await asyncio.sleep(self.retry_delay)
            delivery.attempts.append(await self._post(update, secret))
            if delivery.delivered:
                break
        return delivery

    async def _post(self, update: dict[str, Any], secret: str | None) -> Attempt:
        assert self.config is not None and self._session is not None
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        try:
            async with self._session.post(self.config.url, json=update, headers=headers) as resp:
                body = await resp.text()
                attempt = Attempt(resp.status, body, secret)
                if 200 <= resp.status < 300 and resp.content_type == "application/json":
                    reply = await resp.json()
                    if isinstance(reply, dict) and "method" in reply:
                        await self._on_reply(reply)
                elif not 200 <= resp.status < 300:
                    reason = f"Wrong response from the webhook: {resp.status} {resp.reason}"
                    self.last_error = (int(time.time()), reason)
        except aiohttp.ClientError as exc:
            attempt = Attempt(None, repr(exc), secret)
            self.last_error = (int(time.time()), "Connection refused")
        return attempt
