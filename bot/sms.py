"""SMS senders: a development channel (terminal + web chat phone panel) and an HTTP gateway.

Both only queue the message in `send`: delivery happens in the background, after the
transaction that asked for it, so an answer never waits on (or reveals) the SMS network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

log = logging.getLogger(__name__)
DEV_BANNER = "[DEV SMS — development only, never used in production]"


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """A message to deliver."""

    phone: str
    text: str
    chat_key: str
    at: datetime


class DevSmsInbox:
    """The last messages per chat, shown in the web chat's "phone" panel (development)."""

    def __init__(self, keep: int = 20) -> None:
        self._messages: dict[str, deque[SmsMessage]] = defaultdict(lambda: deque(maxlen=keep))

    def add(self, message: SmsMessage) -> None:
        """Keep a message for the chat that asked for it."""
        self._messages[message.chat_key].append(message)

    def for_chat(self, chat_key: str) -> list[SmsMessage]:
        """Messages sent on behalf of a chat, oldest first."""
        return list(self._messages.get(chat_key, ()))


class DevSms:
    """Development only: prints the SMS to the terminal (never through logging) and keeps it
    for the web chat's phone panel. Production settings refuse this backend."""

    def __init__(self, inbox: DevSmsInbox, echo: bool = True) -> None:
        self.inbox = inbox
        self._echo = echo

    async def send(self, phone: str, text: str, chat_key: str) -> None:
        """Show the message at once."""
        message = SmsMessage(phone, text, chat_key, datetime.now(UTC))
        self.inbox.add(message)
        if self._echo:
            # The terminal, on purpose, never the logging system (which must hold no codes).
            print(f"{DEV_BANNER} to {phone}: {text}", file=sys.stdout, flush=True)  # noqa: T201


class HttpSmsGateway:
    """POSTs {"to": "84…", "text": …} with a bearer token, from a background queue, retrying
    transient failures a few times."""

    def __init__(
        self,
        url: str,
        token: str,
        client: httpx.AsyncClient | None = None,
        attempts: int = 3,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._url, self._token, self._attempts, self._sleep = url, token, attempts, sleep
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=10)
        self._queue: asyncio.Queue[SmsMessage] = asyncio.Queue(maxsize=10_000)
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self.failed = 0

    async def send(self, phone: str, text: str, chat_key: str) -> None:
        """Queue the message (delivery is in the background)."""
        try:
            self._queue.put_nowait(SmsMessage(phone, text, chat_key, datetime.now(UTC)))
        except asyncio.QueueFull:
            self.failed += 1
            log.error("SMS queue full: the gateway has been failing for a long time")

    def start(self) -> None:
        """Start delivering."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sms-gateway")

    async def stop(self) -> None:
        """Deliver what is queued (briefly, when started), then stop."""
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout=5)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._owns_client:
            await self._client.aclose()

    async def _run(self) -> None:
        while True:
            message = await self._queue.get()
            try:
                await self._deliver(message)
            except Exception as error:  # noqa: BLE001 - a bad URL must not kill delivery for good
                self.failed += 1
                log.error("SMS delivery failed: %s", type(error).__name__)
            finally:
                self._queue.task_done()

    async def _deliver(self, message: SmsMessage) -> None:
        body = {"to": "84" + message.phone[1:], "text": message.text}
        headers = {"Authorization": f"Bearer {self._token}"}
        for attempt in range(1, self._attempts + 1):
            try:
                response = await self._client.post(self._url, json=body, headers=headers)
            except httpx.HTTPError as error:
                log.warning(
                    "SMS gateway unreachable (attempt %d): %s", attempt, type(error).__name__
                )
            else:
                if response.status_code < 300:
                    self.delivered += 1
                    return
                log.warning("SMS gateway answered %d (attempt %d)", response.status_code, attempt)
                if response.status_code < 500 and response.status_code != 429:
                    break
            if attempt < self._attempts:
                await self._sleep(0.5 * 2**attempt)
        self.failed += 1
        log.error("SMS not delivered after %d attempts", self._attempts)
