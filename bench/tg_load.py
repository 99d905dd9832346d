"""Load for bench/telegram_throughput.py: chats played against a bot through the fake Bot API.

Each chat sends its moves one after another, as a person does (the next move once the bot's
answer to the last one has arrived), while all chats run at once. By webhook at most
`max_connections` POSTs are in flight, as with Telegram (40 unless setWebhook says
otherwise); by polling the update is queued for the bot's getUpdates. A move is a text, or
"b:<callback_data>": a press on the newest bot message in the chat that has that button (the
echo bot shows no buttons: its press goes to its newest message).

An update's latency runs from its POST (or its queuing for getUpdates) to the first message of
its answer at the fake Bot API: whether the bot sends before answering its webhook (the echo
bots) or after (dvc-bot's paced outbox), the citizen waits for that message. After the run,
the chats are watched `settle` seconds more, and every chat's messages are checked: each move
answered (none lost), by exactly the messages expected of it and none arriving later (none
doubled). A chat's next move waits for the answer to the last, so an answer out of order
would show as a wrong, missing or extra answer to a move.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.fakes import FakeTelegram, SentMessage

# Checks the replies to one move: (move, replies) -> fine?
Check = Callable[[str, list[SentMessage]], bool]
ANSWER_TIMEOUT = 30.0  # seconds a move may wait for its first reply before it counts as lost


def one_reply(move: str, replies: list[SentMessage]) -> bool:
    """dvc-bot answers every move of the filing load with one message (compacted)."""
    return len(replies) == 1


def echoed(move: str, replies: list[SentMessage]) -> bool:
    """The echo bot answers a text with the same text, a press with its data, once."""
    expected = move[2:] if move.startswith("b:") else move
    return [m.text for m in replies] == [expected]


class Arrivals(list[SentMessage]):
    """The fake's outbox, waking the chat a message arrives in (one list, no polling)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[SentMessage]] = defaultdict(list)
        self._waiting: dict[int, asyncio.Event] = {}

    def append(self, message: SentMessage) -> None:
        """Record it, and wake its chat."""
        super().append(message)
        self.by_chat[message.chat_id].append(message)
        event = self._waiting.get(message.chat_id)
        if event is not None:
            event.set()

    async def wait(self, chat: int, count: int, seconds: float) -> bool:
        """Wait until the chat has more than `count` messages; False after `seconds`."""
        deadline = time.perf_counter() + seconds
        while len(self.by_chat[chat]) <= count:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            event = self._waiting.setdefault(chat, asyncio.Event())
            event.clear()
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return False
        return True


@dataclass
class Load:
    """Runs chats against the bot behind `tg` and records what happened."""

    tg: FakeTelegram
    check: Check
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    _answered: dict[int, int] = field(default_factory=dict)  # chat -> messages seen in the run

    def __post_init__(self) -> None:
        if not isinstance(self.tg.state.outbox, Arrivals):
            arrivals = Arrivals()
            for message in self.tg.state.outbox:
                arrivals.append(message)
            self.tg.state.outbox = arrivals

    @property
    def arrivals(self) -> Arrivals:
        """The fake's outbox, as replaced at start."""
        outbox = self.tg.state.outbox
        assert isinstance(outbox, Arrivals)
        return outbox

    async def run(self, chats: Sequence[int], moves: Sequence[str], settle: float = 1.0) -> float:
        """Every chat plays `moves`; returns the seconds it took (the settling not counted)."""
        config = self.tg.updates.webhook.config
        connections = asyncio.Semaphore(config.max_connections if config else len(chats))
        start = time.perf_counter()
        await asyncio.gather(*(self._chat(chat, moves, connections) for chat in chats))
        seconds = time.perf_counter() - start
        await asyncio.sleep(settle)  # anything arriving now is a double (or very late)
        for chat in chats:
            late = len(self.arrivals.by_chat[chat]) - self._answered.get(chat, 0)
            if late > 0:
                self.doubled += late
                self.failures.append(f"chat {chat}: {late} message(s) after its last answer")
        return seconds

    async def _chat(self, chat: int, moves: Sequence[str], connections: asyncio.Semaphore) -> None:
        mine = self.arrivals.by_chat[chat]
        for n, move in enumerate(moves):
            update = await self._update(chat, move, mine)
            if update is None:
                self.failures.append(f"chat {chat}: no button for {move!r}")
                self.lost += len(moves) - n
                return
            first = len(mine)
            began = time.perf_counter()
            ok = await self._send(update, connections)
            if not ok or not await self.arrivals.wait(chat, first, ANSWER_TIMEOUT):
                self.failures.append(f"chat {chat}: {move!r} not answered ({ok})")
                self.lost += len(moves) - n
                return
            self.latencies_ms.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0)  # a reply of several messages: let the rest arrive
            replies = mine[first:]
            self._answered[chat] = len(mine)
            if not self.check(move, replies):
                self.failures.append(f"chat {chat}: {move!r} answered by {len(replies)} message(s)")
                self.doubled += max(0, len(replies) - 1)
                return

    async def _send(self, update: dict[str, Any], connections: asyncio.Semaphore) -> bool:
        if self.tg.updates.webhook.config is None:  # polling: queued for getUpdates
            await self.tg.deliver(update)
            return True
        async with connections:
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
        if shown and self.check is echoed:  # the echo bot shows no buttons
            press = self.tg.user_press
            return await press(chat, shown[-1].message_id, data, strict=False, deliver=False)
        return None
