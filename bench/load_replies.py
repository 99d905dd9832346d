"""What the bot sent, as the simulated citizens see it: every message the fake Bot API accepts
is time-stamped and filed under its chat, and recognised by its catalogue id (the template it
was rendered from), so the load generator checks replies without depending on wording."""

from __future__ import annotations

import asyncio
import contextlib
import re
import string
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conversations.compaction import SEPARATOR
from conversations.texts import TextCatalog
from tests.e2e.fakes import FakeTelegram, SentMessage
from tests.e2e.fakes.request_params import Params


@dataclass(frozen=True)
class Arrival:
    """One bot message, and when the fake Bot API accepted it (time.perf_counter)."""

    at: float
    sent: SentMessage

    @property
    def body(self) -> str:
        """The text or the caption."""
        return (self.sent.text or self.sent.caption or "").strip()

    def data(self, prefix: str) -> str | None:
        """The callback data of the first inline button whose data starts with `prefix`."""
        return next((d for d in self.sent.callback_data if d.startswith(prefix)), None)

    def labelled(self, label: str) -> str | None:
        """The callback data of the first inline button whose label contains `label`."""
        for button in self.sent.buttons:
            if label in button.get("text", "") and "callback_data" in button:
                return str(button["callback_data"])
        return None


class Inbox:
    """Every message the bot sent, per chat, time-stamped where Telegram would see it."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.by_chat: dict[int, list[Arrival]] = defaultdict(list)
        self.api_errors = 0
        self._arrived: dict[int, asyncio.Event] = {}  # set when a chat gets a message
        outbox = tg.state.outbox
        original = tg.call
        self._seen = len(outbox)  # messages filed so far

        async def timed(method: str, params: Params) -> Any:
            try:
                return await original(method, params)
            except Exception:
                self.api_errors += 1
                raise
            finally:
                # The send methods add their message without a pause, so it is filed as their
                # call returns; a call that waits (getUpdates' long poll) files nothing twice.
                now = time.perf_counter()
                for sent in outbox[self._seen :]:
                    self.by_chat[sent.chat_id].append(Arrival(now, sent))
                    event = self._arrived.get(sent.chat_id)
                    if event is not None:
                        event.set()
                self._seen = len(outbox)

        tg.call = timed  # type: ignore[method-assign]

    def count(self, chat_id: int) -> int:
        """How many messages a chat has had."""
        return len(self.by_chat[chat_id])

    def since(self, chat_id: int, mark: int) -> list[Arrival]:
        """A chat's messages from index `mark` on."""
        return self.by_chat[chat_id][mark:]

    async def until(
        self, chat_id: int, mark: int, done: Callable[[list[Arrival]], bool], seconds: float
    ) -> list[Arrival]:
        """A chat's messages from `mark` on, once `done` holds for them (or `seconds` passed):
        replies go through the bot's outbox, after the webhook was answered."""
        event = self._arrived.setdefault(chat_id, asyncio.Event())
        deadline = asyncio.get_running_loop().time() + seconds
        while not done(replies := self.since(chat_id, mark)):
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return replies
            event.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await event.wait()
        return replies

    def forget(self, chat_id: int) -> None:
        """Drop a finished chat's messages (memory stays flat over long runs)."""
        self.by_chat.pop(chat_id, None)
        self._arrived.pop(chat_id, None)


class Recognise:
    """Which catalogue template a message came from, and the values filled into it."""

    def __init__(self, texts: TextCatalog | None = None, lang: str = "vi") -> None:
        self._texts, self._lang = texts or TextCatalog(), lang
        self._patterns: dict[str, re.Pattern[str]] = {}

    def _pattern(self, key: str) -> re.Pattern[str]:
        if key not in self._patterns:
            parts, names = [], set()
            template = self._texts.template(key, self._lang).strip()
            for text, field, _, _ in string.Formatter().parse(template):
                parts.append(re.escape(text))
                if field is not None:
                    name = field if field.isidentifier() and field not in names else ""
                    names.add(name)
                    parts.append(f"(?P<{name}>.*?)" if name else "(?:.*?)")
            # A reply's plain texts are joined into one message, a blank line apart
            # (conversations.compaction): the template may be one part of a message.
            joined = rf"(?:.*?{SEPARATOR})?" + "".join(parts) + rf"(?:{SEPARATOR}.*)?"
            self._patterns[key] = re.compile(joined, re.S)
        return self._patterns[key]

    def params(self, arrival: Arrival, key: str) -> dict[str, str] | None:
        """The template's values when `arrival` was rendered from `key`, else None."""
        match = self._pattern(key).fullmatch(arrival.body)
        return None if match is None else match.groupdict()

    def is_(self, arrival: Arrival, key: str) -> bool:
        """True when `arrival` was rendered from `key`."""
        return self.params(arrival, key) is not None

    def which(self, arrival: Arrival, keys: tuple[str, ...]) -> str | None:
        """The first of `keys` that `arrival` was rendered from."""
        return next((key for key in keys if self.is_(arrival, key)), None)
