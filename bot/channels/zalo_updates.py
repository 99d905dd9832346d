"""Updates nobody asked for (status changes, reminders, supplement requests, receipts) on Zalo.

An update goes out as Zalo's transaction message (`/v3.0/oa/message/transaction`): one message
with the text and its buttons, billed to the OA's transaction quota rather than to the 8
replies a user's message allows, and allowed outside the 48-hour window. When Zalo will not
carry it (the quota is used up, the user unfollowed, the API refuses it), the update is HELD
(bot.channels.zalo_held) and the caller sends it to the citizen's other chats meanwhile; when
the user next writes, what they missed goes out in one reply-window message, newest state
first (services.missed_updates.plan). A document (a PDF cannot ride in a transaction message)
goes out as before, in the reply window, and is held outside it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import Any

from bot.channels.zalo_api import ZaloApi, ZaloApiError
from bot.channels.zalo_db import REPLIES_PER_WINDOW, ZaloUsers
from bot.channels.zalo_delivery import Outcome, ZaloSender, masked
from bot.channels.zalo_held import HeldStore
from bot.channels.zalo_render import (
    MORE,
    QUERY_PREFIX,
    Choice,
    choices_of,
    clip,
    render_plain,
    word,
)
from bot.channels.zalo_tokens import TokenUnavailable
from bot.media_resolver import MediaResolver
from conversations.messages import Outgoing, OutgoingKind, Text
from conversations.texts import TextCatalog
from services.clock import Clock
from services.codec import CodecError, from_json
from services.missed_updates import HeldState, plan

log = logging.getLogger(__name__)
TEMPLATE_TYPE = "transaction_order"  # a dossier's progress, like an order's
MAX_TRANSACTION_BUTTONS = 4
MAX_HEADER = 100
MAX_TEXT_ELEMENT = 1000  # assumption: no source states the limit of a text element
MAX_TEXT_ELEMENTS = 3
MISSED_PER_MESSAGE = 5  # dossiers told about in the one message when the user writes
RESERVE = 2  # replies left for the answer to the user's own message


class PushOutcome(StrEnum):
    """What became of one update."""

    SENT = "sent"
    HELD = "held"  # Zalo would not carry it now: kept until the user writes
    FAILED = "failed"  # Zalo or the network failed: try again later


def transaction_page(choices: Sequence[Choice], lang: str) -> tuple[list[Choice], list[Choice]]:
    """(buttons shown, the rest for "#more"): at most four in a transaction message."""
    if len(choices) <= MAX_TRANSACTION_BUTTONS:
        return list(choices), []
    shown = [*choices[: MAX_TRANSACTION_BUTTONS - 1], Choice(word("more", lang), MORE)]
    return shown, list(choices[MAX_TRANSACTION_BUTTONS - 1 :])


def transaction_message(
    text: str, choices: Sequence[Choice], lang: str, banner: str = ""
) -> tuple[dict[str, Any], list[Choice]]:
    """A transaction message body (header = the first line, text elements = the rest, an
    uploaded image as the banner) and the buttons left over for "#more"."""
    lines = text.strip().split("\n")
    header, rest = clip(lines[0], MAX_HEADER) or "…", "\n".join(lines[1:]).strip()
    elements: list[dict[str, Any]] = []
    if banner:
        elements.append({"type": "banner", "attachment_id": banner})
    elements.append({"type": "header", "content": header, "align": "left"})
    while rest and len(elements) < MAX_TEXT_ELEMENTS + (2 if banner else 1):
        cut = rest.rfind("\n", 0, MAX_TEXT_ELEMENT + 1) if len(rest) > MAX_TEXT_ELEMENT else -1
        cut = cut if cut > 0 else min(len(rest), MAX_TEXT_ELEMENT)
        elements.append({"type": "text", "content": rest[:cut].strip() or "…", "align": "left"})
        rest = rest[cut:].strip()
    shown, left = transaction_page(choices, lang)
    buttons = [
        {"title": clip(c.title, 100), "type": "oa.query.hide", "payload": QUERY_PREFIX + c.payload}
        for c in shown
    ]
    payload: dict[str, Any] = {
        "template_type": TEMPLATE_TYPE,
        "language": "VI" if lang == "vi" else "EN",
        "elements": elements,
    }
    if buttons:
        payload["buttons"] = buttons
    return {"attachment": {"type": "template", "payload": payload}}, left


class ZaloUpdates:
    """Sends updates as transaction messages, holds what Zalo refuses, and delivers it when
    the user writes."""

    def __init__(
        self,
        api: ZaloApi,
        users: ZaloUsers,
        held: HeldStore,
        sender: ZaloSender,
        texts: TextCatalog,
        media: MediaResolver,
        clock: Clock,
    ) -> None:
        self._api, self._users, self._held, self._sender = api, users, held, sender
        self._texts, self._media, self._clock = texts, media, clock

    async def push(
        self, user_id: str, event: str, message: Outgoing, raw: Mapping[str, Any], lang: str
    ) -> PushOutcome:
        """Send one update now, or hold it (the caller holds the chat's lock)."""
        if message.kind is OutgoingKind.DOCUMENT:
            outcome = await self._sender.refusal(user_id)
            if outcome is Outcome.SENT:
                outcome = await self._sender.deliver(user_id, (message,), lang)
            if outcome is Outcome.SENT:
                return PushOutcome.SENT
            if outcome is Outcome.FAILED:
                return PushOutcome.FAILED
            return await self._hold(user_id, event, raw, outcome.value)
        text = self._texts.plain(message.text, lang)
        banner = await self._banner(message, lang)
        body, left = transaction_message(text, choices_of(message, lang, self._texts), lang, banner)
        try:
            await self._api.send_transaction(user_id, body)
        except TokenUnavailable as error:
            log.warning("zalo: update to %s not sent: %s", masked(user_id), error)
            return PushOutcome.FAILED
        except ZaloApiError as error:
            if error.code == 0:  # unreachable, not JSON: it may work in a moment
                log.warning("zalo: update to %s failed: %s", masked(user_id), error)
                return PushOutcome.FAILED
            return await self._hold(user_id, event, raw, f"refused {error.code}")
        menu = await self._users.menu(user_id)
        if left or menu.choices:
            await self._users.save_menu(user_id, replace(menu, choices=tuple(left)))
        return PushOutcome.SENT

    async def _hold(
        self, user_id: str, event: str, raw: Mapping[str, Any], why: str
    ) -> PushOutcome:
        await self._held.hold(user_id, event, raw, self._clock.now())
        log.info("zalo: update for %s held until they write (%s)", masked(user_id), why)
        return PushOutcome.HELD

    async def _banner(self, message: Outgoing, lang: str) -> str:
        """An image update (a receipt) uploaded for the banner; "" when there is none."""
        if message.kind is not OutgoingKind.IMAGE or not message.media_ref:
            return ""
        media = await self._media.resolve(message.media_ref, lang)
        if media is None:
            return ""
        try:
            name = message.media_name or media.name
            return await self._api.upload_image(media.content, name, media.mime)
        except (ZaloApiError, TokenUnavailable) as error:
            log.warning("zalo: banner upload failed: %s", error)
            return ""

    async def deliver_missed(self, user_id: str, reply_to: str, lang: str) -> int:
        """The user wrote: send what they missed (newest state of each dossier first) in the
        reply window, in one message where it fits; returns how many updates went out."""
        held = await self._held.held(user_id)
        if not held:
            return 0
        window = await self._users.window(user_id)
        replies = window.replies_since if window is not None else REPLIES_PER_WINDOW
        budget = REPLIES_PER_WINDOW - replies - RESERVE
        if budget < 1:
            return 0
        messages = {update.id: raw for update, raw in held}
        chosen = plan([update for update, _ in held], MISSED_PER_MESSAGE)
        now = self._clock.now()
        unreadable = [u.id for u in chosen.deliver if messages[u.id] is None]
        await self._held.settle([u.id for u in chosen.superseded], HeldState.SUPERSEDED, now)
        await self._held.settle(unreadable, HeldState.SUPERSEDED, now)
        deliver = [u for u in chosen.deliver if messages[u.id] is not None]
        while deliver:
            parts, left = self._missed_parts([messages[u.id] for u in deliver], lang)
            if len(parts) <= budget:
                break
            deliver = deliver[:-1]  # the oldest waits for the next time
        if not deliver:
            return 0
        menu = await self._users.menu(user_id)
        if left or menu.choices:
            await self._users.save_menu(user_id, replace(menu, choices=tuple(left)))
        outcome = await self._sender.send_parts(user_id, parts, lang, reply_to)
        if outcome is not Outcome.SENT:
            log.info("zalo: missed updates for %s not sent: %s", masked(user_id), outcome.value)
            return 0
        await self._held.settle([u.id for u in deliver], HeldState.DELIVERED, now)
        return len(deliver)

    def _missed_parts(
        self, raws: Sequence[Mapping[str, Any] | None], lang: str
    ) -> tuple[list[Any], tuple[Choice, ...]]:
        texts = [self._texts.plain(Text("zalo.missed_intro"), lang)]
        choices: list[Choice] = []
        for raw in raws:
            try:
                message = from_json(Outgoing, raw)
            except CodecError:
                continue
            texts.append(self._texts.plain(message.text, lang))
            for choice in choices_of(message, lang, self._texts):
                if choice.payload not in {c.payload for c in choices}:
                    choices.append(choice)
        rendered = render_plain("\n\n".join(texts), choices, lang)
        return list(rendered.parts), rendered.overflow
