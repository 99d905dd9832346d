"""Load for bench/telegram_throughput.py: chats played against a bot through the fake Bot API.

Each chat sends its moves one after another, as Telegram does (a chat's next update is
POSTed once the last one is answered), while all chats run at once; at most
`max_connections` POSTs are in flight, as with Telegram (40 unless setWebhook says otherwise).
A move is a text, or "b:<callback_data>": a press on the newest bot message in the chat that
has that button. The bots measured answer the webhook only once their replies are sent, so an
update's latency is its POST's round trip, and it counts as answered when the POST got 200 and
its replies are at the fake Bot API.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.fakes import FakeTelegram, SentMessage

# Checks the replies to one move: (move, replies) -> fine?
Check = Callable[[str, list[SentMessage]], bool]


def any_reply(move: str, replies: list[SentMessage]) -> bool:
    """dvc-bot answers every move with at least one message."""
    return bool(replies)


def echoed(move: str, replies: list[SentMessage]) -> bool:
    """The echo bot answers with the same text, once."""
    return [m.text for m in replies] == [move]


@dataclass
class Load:
    """Runs chats against the bot behind `tg`'s webhook and records what happened."""

    tg: FakeTelegram
    check: Check
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def run(self, chats: Sequence[int], moves: Sequence[str]) -> float:
        """Every chat plays `moves`; returns the seconds it took."""
        config = self.tg.updates.webhook.config
        assert config is not None, "the bot has not set its webhook"
        connections = asyncio.Semaphore(config.max_connections)
        start = time.perf_counter()
        await asyncio.gather(*(self._chat(chat, moves, connections) for chat in chats))
        return time.perf_counter() - start

    async def _chat(self, chat: int, moves: Sequence[str], connections: asyncio.Semaphore) -> None:
        shown: list[SentMessage] = []  # the bot's messages in this chat
        for move in moves:
            update = await self._update(chat, move, shown)
            if update is None:
                self.failures.append(f"chat {chat}: no button for {move!r}")
                return
            outbox = self.tg.state.outbox
            first = len(outbox)
            async with connections:
                began = time.perf_counter()
                ok = await self._post(update)
                self.latencies_ms.append((time.perf_counter() - began) * 1000)
            replies = [m for m in outbox[first:] if m.chat_id == chat]
            shown += replies
            if not ok or not self.check(move, replies):
                self.failures.append(f"chat {chat}: {move!r} answered {ok}, {len(replies)} replies")
                return

    async def _post(self, update: dict[str, Any]) -> bool:
        try:
            delivery = await self.tg.deliver(update, retries=0)
        except TimeoutError:  # the fake gives a POST 10 s
            return False
        return delivery is not None and delivery.delivered

    async def _update(
        self, chat: int, move: str, shown: list[SentMessage]
    ) -> dict[str, Any] | None:
        if not move.startswith("b:"):
            return await self.tg.user_text(chat, move, deliver=False)
        data = move[2:]
        for message in reversed(shown):
            if data in message.callback_data:
                return await self.tg.user_press(chat, message.message_id, data, deliver=False)
        return None
