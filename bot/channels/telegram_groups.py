"""Chats that are not private: in a group the bot only points people to its private chat.

A citizen's data has no place in a group, so no flow ever starts there and nothing personal is
asked or shown. A command (`/start`, `/start@this_bot`; not `/cmd@other_bot`), a mention of the
bot or a reply to one of its messages gets one short bilingual answer (Vietnamese first) with a
button opening the private chat: `https://t.me/<username>?start=grp`, the username from getMe.
Being added to a group gets the same kind of short introduction. Ordinary chatter is ignored.

A busy group cannot make the bot flood it: a group gets at most one answer a minute from each
process (the count is in memory: with several web workers a group may get one from each; the
answers carry no state, so nothing else depends on it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.channels.telegram_api import TelegramApi, TelegramApiError
from bot.channels.telegram_render import LinkKeyboard
from conversations.messages import ChatAddress, Text

if TYPE_CHECKING:
    from bot.bootstrap import Application

log = logging.getLogger(__name__)
START_PAYLOAD = "grp"  # the private chat opens with "/start grp" (it starts as usual)
INTERVAL = timedelta(minutes=1)  # at most one answer per group in this time
LANGS = ("vi", "en")
_MENTION = re.compile(r"@([A-Za-z0-9_]{5,32})")


@dataclass(frozen=True, slots=True)
class GroupEvent:
    """What in a group message (or membership change) may concern the bot."""

    command_for: str | None = None  # "/cmd" → "", "/cmd@name" → "name"; None: no command
    mentions: tuple[str, ...] = ()  # @usernames in the text, lower case
    reply_to_bot: str = ""  # the username of the bot whose message this answers
    added: bool = False  # the bot was added to the group

    @classmethod
    def of_message(cls, message: Mapping[str, Any]) -> GroupEvent | None:
        """The facts of a group message, or None for one that can concern no bot."""
        text = message.get("text")
        text = text if isinstance(text, str) else ""
        command_for = None
        if text.startswith("/") and text[1:2].strip():
            command_for = text[1:].split(maxsplit=1)[0].partition("@")[2].lower()
        mentions = tuple(m.lower() for m in _MENTION.findall(text))
        replied = message.get("reply_to_message")
        author = replied.get("from") if isinstance(replied, Mapping) else None
        reply_to_bot = ""
        if isinstance(author, Mapping) and author.get("is_bot"):
            reply_to_bot = str(author.get("username") or "").lower()
        if command_for is None and not mentions and not reply_to_bot:
            return None
        return cls(command_for, mentions, reply_to_bot)

    def concerns(self, username: str) -> bool:
        """Whether the bot called `username` is the one addressed."""
        name = username.lower()
        return bool(
            self.added
            or self.command_for in ("", name)
            or name in self.mentions
            or (name and self.reply_to_bot == name)
        )


def deep_link(username: str) -> str:
    """The link that opens the bot's private chat with `/start grp`."""
    return f"https://t.me/{username}?start={START_PAYLOAD}"


class GroupAnswers:
    """Answers what concerns the bot in a group: once a minute at most, never with data."""

    def __init__(self, app: Application, api: TelegramApi) -> None:
        self._app = app
        self._api = api
        self._answered: dict[str, datetime] = {}  # group chat key → when last answered

    async def answer(self, address: ChatAddress, event: GroupEvent) -> None:
        """Point the group to the private chat, if the event concerns the bot (best effort)."""
        try:
            username = await self._api.username()
        except TelegramApiError as exc:
            log.warning("getMe failed; group not answered: %s", type(exc).__name__)
            return
        if not username or not event.concerns(username) or not self._due(address.key):
            return
        key = "group.added" if event.added else "group.private_only"
        texts = self._app.texts
        html = "\n\n".join(texts.render(Text(key), lang).strip() for lang in LANGS)
        label = " · ".join(texts.plain(Text("group.open_private"), lang) for lang in LANGS)
        try:
            await self._api.send_text(
                int(address.chat_id), html, LinkKeyboard(label, deep_link(username))
            )
        except TelegramApiError as exc:  # removed, muted, or the group became a supergroup
            log.info("group not answered: %s", type(exc).__name__)

    def _due(self, key: str) -> bool:
        """Whether the group may be answered now (and note that it is)."""
        now = self._app.clock.now()
        last = self._answered.get(key)
        if last is not None and now - last < INTERVAL:
            return False
        if len(self._answered) > 10_000:  # forget groups answered long enough ago
            self._answered = {k: t for k, t in self._answered.items() if now - t < INTERVAL}
        self._answered[key] = now
        return True
