"""Sending to one Zalo user within the reply window: render, upload media, send, count.

Every message sent counts against Zalo's 8 replies per user message within 48 hours (FACTS
§7.4). The window is checked before each message, and a window error from Zalo closes it
until the user writes again; either way the rest of the messages is not sent, and the outcome
says why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum
from typing import Any

from bot.channels.zalo_api import OutsideWindow, ZaloApi, ZaloApiError
from bot.channels.zalo_db import Menu, ZaloUsers, refusal
from bot.channels.zalo_render import (
    MediaPart,
    Part,
    file_message,
    image_message,
    more_page,
    render_reply,
    text_message,
)
from bot.channels.zalo_tokens import TokenUnavailable
from bot.media_resolver import MediaResolver
from conversations.messages import Outgoing
from conversations.texts import TextCatalog
from services.clock import Clock

log = logging.getLogger(__name__)
FILE_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/jpg"}


class Outcome(StrEnum):
    """What became of a batch of messages."""

    SENT = "sent"
    NEVER_WROTE = "never_wrote"  # the user never wrote to the OA: no window at all
    WINDOW_CLOSED = "window_closed"  # 48 hours since the user last wrote (or Zalo said so)
    REPLIES_USED_UP = "replies_used_up"  # 8 messages already sent since the user last wrote
    FAILED = "failed"  # Zalo or the network failed


def masked(user_id: str) -> str:
    """A user id fit for a log line."""
    return f"zalo:…{user_id[-4:]}"


class ZaloSender:
    """Sends rendered messages to users and keeps their windows and pending menus."""

    def __init__(
        self,
        api: ZaloApi,
        users: ZaloUsers,
        texts: TextCatalog,
        media: MediaResolver,
        clock: Clock,
    ) -> None:
        self._api = api
        self._users = users
        self._texts = texts
        self._media = media
        self._clock = clock

    async def refusal(self, user_id: str) -> Outcome:
        """SENT when a message may go out now, otherwise why not."""
        why = refusal(await self._users.window(user_id), self._clock.now())
        return Outcome(why) if why else Outcome.SENT

    async def deliver(
        self, user_id: str, messages: Sequence[Outgoing], lang: str, reply_to: str = ""
    ) -> Outcome:
        """Render and send a batch (as replies to the user's message `reply_to`, if given);
        a long menu's remaining buttons are kept for "#more"."""
        rendered = render_reply(messages, lang, self._texts)
        menu = await self._users.menu(user_id)
        if rendered.overflow or menu.choices:
            await self._users.save_menu(user_id, replace(menu, choices=rendered.overflow))
        return await self.send_parts(user_id, rendered.parts, lang, reply_to)

    async def more(self, user_id: str, menu: Menu, msg_id: str, lang: str) -> Outcome:
        """The next page of the pending menu."""
        body, left = more_page(menu.choices, lang)
        await self._users.save_menu(user_id, Menu(left, (*menu.seen, msg_id)))
        return await self.send_parts(user_id, [body], lang, reply_to=msg_id)

    async def send_parts(
        self, user_id: str, parts: Sequence[Part], lang: str, reply_to: str = ""
    ) -> Outcome:
        """Send in order, stopping at the first message that cannot go out."""
        window = await self._users.window(user_id)
        for part in parts:
            why = refusal(window, self._clock.now())
            if why:
                log.info("zalo: %s not sent to %s: %s", _kind(part), masked(user_id), why)
                return Outcome(why)
            body = part if isinstance(part, dict) else await self._media_body(part, lang)
            if body is None and isinstance(part, MediaPart) and part.caption:
                body = text_message(part.caption)  # the image failed: its words still go
            if body is None:
                continue
            outcome = await self._send(user_id, body, reply_to)
            if outcome is not Outcome.SENT:
                return outcome
            if window is not None:
                window = replace(window, replies_since=window.replies_since + 1)
        return Outcome.SENT

    async def _send(self, user_id: str, body: dict[str, Any], reply_to: str) -> Outcome:
        try:
            await self._api.send(user_id, body, reply_to)
        except OutsideWindow as closed:
            log.info("zalo: window closed for %s (error %d)", masked(user_id), closed.code)
            await self._users.use_up(user_id)
            return Outcome.WINDOW_CLOSED
        except (ZaloApiError, TokenUnavailable) as error:
            log.warning("zalo: send to %s failed: %s", masked(user_id), error)
            return Outcome.FAILED
        await self._users.count_reply(user_id)
        return Outcome.SENT

    async def _media_body(self, part: MediaPart, lang: str) -> dict[str, Any] | None:
        """Upload an image or a document; None (and a log line) when it cannot be sent."""
        media = await self._media.resolve(part.ref, lang)
        if media is None:
            log.warning("zalo: media %s is gone", part.ref.split(":", 1)[0])
            return None
        name = part.name or media.name
        try:
            if media.mime in IMAGE_TYPES:
                attachment = await self._api.upload_image(media.content, name, media.mime)
                return image_message(attachment, part.caption)
            if media.mime in FILE_TYPES:
                if not name.lower().endswith(FILE_TYPES[media.mime]):
                    name += FILE_TYPES[media.mime]
                return file_message(await self._api.upload_file(media.content, name, media.mime))
        except (ZaloApiError, TokenUnavailable) as error:
            log.warning("zalo: upload of %s failed: %s", media.mime, error)
            return None
        log.warning("zalo: cannot send a %s file", media.mime)
        return None


def _kind(part: Part) -> str:
    if isinstance(part, MediaPart):
        return "media"
    return "list" if "attachment" in part else "text"
