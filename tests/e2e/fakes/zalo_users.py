"""The test side of FakeZalo: users write, send images and files, follow; events go to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.e2e.fakes.request_params import Upload
from tests.e2e.fakes.zalo_events import (
    EventSource,
    SignedEvent,
    attachment,
    follow_event,
    message_event,
    sign_event,
)


@dataclass
class ZaloDelivery:
    """One POST of an event to the bot's webhook and the bot's answer."""

    signed: SignedEvent
    status: int | None  # None: the connection failed
    body: str

    @property
    def event(self) -> dict[str, Any]:
        """The event JSON."""
        return self.signed.event


class ZaloUsers:
    """Builds signed webhook events and POSTs them; FakeZalo supplies the clock and windows."""

    def __init__(self, app_id: str, oa_id: str, oa_secret: str, webhook_url: str | None) -> None:
        self.app_id = app_id
        self.oa_id = oa_id
        self.oa_secret = oa_secret
        self.webhook_url = webhook_url
        self.media: dict[str, Upload] = {}
        self.deliveries: list[ZaloDelivery] = []
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        """The fake server's root URL (FakeZalo)."""
        raise NotImplementedError

    def now(self) -> float:
        """The fake's clock, in seconds."""
        raise NotImplementedError

    def user_wrote(self, user_id: str, msg_id: str | None = None) -> str:
        """Open the user's reply window."""
        raise NotImplementedError

    async def close_client(self) -> None:
        """Close the HTTP client used for webhook POSTs."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _host(self, data: bytes, name: str, content_type: str) -> str:
        """Keep a user's file and return the URL Zalo would put in the event."""
        key = f"m{len(self.media) + 1}"
        self.media[key] = Upload(name, content_type, data)
        return f"{self.url}/media/{key}/{name}"

    async def post(
        self, signed: SignedEvent, *, headers: dict[str, str] | None = None
    ) -> ZaloDelivery:
        """POST an already signed event (again, for a replay) to the webhook."""
        if self.webhook_url is None:
            raise RuntimeError("set FakeZalo.webhook_url first")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            async with self._session.post(
                self.webhook_url, data=signed.raw_body, headers=headers or signed.headers
            ) as resp:
                delivery = ZaloDelivery(signed, resp.status, await resp.text())
        except aiohttp.ClientError as exc:
            delivery = ZaloDelivery(signed, None, repr(exc))
        self.deliveries.append(delivery)
        return delivery

    async def send_event(
        self, event: dict[str, Any], *, forge: bool = False, unsigned: bool = False
    ) -> ZaloDelivery:
        """Sign (or forge, or omit the signature) and POST an event."""
        signed = sign_event(event, self.oa_secret, forge=forge)
        if unsigned:
            signed.headers = {"Content-Type": "application/json"}
        return await self.post(signed)

    async def replay(self, delivery: ZaloDelivery) -> ZaloDelivery:
        """POST the same bytes and headers again (same msg_id and signature)."""
        return await self.post(delivery.signed)

    def _message(
        self, event_name: str, user_id: str, message: dict[str, Any], timestamp_ms: int | None
    ) -> dict[str, Any]:
        message["msg_id"] = self.user_wrote(user_id, message.get("msg_id"))
        when = int(self.now() * 1000) if timestamp_ms is None else timestamp_ms
        return message_event(
            EventSource(self.app_id, self.oa_id), event_name, user_id, when, message
        )

    async def user_text(
        self,
        user_id: str,
        text: str,
        *,
        msg_id: str | None = None,
        timestamp_ms: int | None = None,
        forge: bool = False,
    ) -> ZaloDelivery:
        """The user writes text (or presses a query button, which sends its payload as text).

        `timestamp_ms` sets the event time (a stale one is still correctly signed); `forge`
        signs with a wrong secret.
        """
        message = {"text": text, **({"msg_id": msg_id} if msg_id else {})}
        event = self._message("user_send_text", user_id, message, timestamp_ms)
        return await self.send_event(event, forge=forge)

    async def user_image(
        self, user_id: str, data: bytes, *, caption: str | None = None
    ) -> ZaloDelivery:
        """The user sends an image; its URL in the event serves `data`."""
        url = self._host(data, "image.jpg", "image/jpeg")
        message: dict[str, Any] = {"attachments": [attachment("image", url, thumbnail=url)]}
        if caption:
            message["text"] = caption
        return await self.send_event(self._message("user_send_image", user_id, message, None))

    async def user_file(
        self, user_id: str, data: bytes, name: str, *, content_type: str = "application/pdf"
    ) -> ZaloDelivery:
        """The user sends a file; payload has url, name, size (a string) and type (extension)."""
        url = self._host(data, name, content_type)
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        payload = {"name": name, "size": str(len(data)), "type": ext, "checksum": ""}
        message = {"attachments": [attachment("file", url, **payload)]}
        return await self.send_event(self._message("user_send_file", user_id, message, None))

    async def user_follow(self, user_id: str) -> ZaloDelivery:
        """The user follows the OA."""
        when = int(self.now() * 1000)
        source = EventSource(self.app_id, self.oa_id)
        return await self.send_event(follow_event(source, "follow", user_id, when))

    async def user_unfollow(self, user_id: str) -> ZaloDelivery:
        """The user unfollows the OA."""
        when = int(self.now() * 1000)
        source = EventSource(self.app_id, self.oa_id)
        return await self.send_event(follow_event(source, "unfollow", user_id, when))
