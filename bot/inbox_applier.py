"""Applies what the inbox holds (services.inbox): oldest first, one chat at a time in update
order, several chats at once.

    applier = InboxApplier(app, "telegram", apply, apologise)
    await applier.start()       # first applies what a crashed run left, then waits for more
    applier.wake()              # new rows were committed
    await applier.drained()     # (tests) nothing pending and nothing in progress
    await applier.stop()

`apply(update)` applies one update and raises on failure; it is retried (at most
services.inbox.MAX_ATTEMPTS times, a little later each time), then `apologise(update)` tells
the citizen once and the row is marked failed. A row is marked applied in the transaction
that applies its update (services.inbox.Applying), or else once `apply` returned: a crash in
between applies it again, which the router makes harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from services.group_commit import GroupCommit
from services.inbox import APPLYING, KEEP, Applying, InboxItem, gives_up

if TYPE_CHECKING:
    from bot.bootstrap import Application

log = logging.getLogger(__name__)
Apply = Callable[[Mapping[str, Any]], Awaitable[None]]
CHATS_AT_ONCE = 8
IDLE = 5.0  # seconds between looks at the table when nobody wakes the applier
RETRY_DELAY = 0.5  # seconds before the first retry of a failed update (doubled each time)
PURGE_EVERY = 3600.0  # seconds
READ = 200  # pending rows read at a time
HIGH_KEPT = 10_000  # chats whose last handed row is remembered


class InboxApplier:
    """Drains one platform's inbox rows through `apply`."""

    def __init__(
        self,
        app: Application,
        platform: str,
        apply: Apply,
        apologise: Apply,
        chats_at_once: int = CHATS_AT_ONCE,
        retry_delay: float = RETRY_DELAY,
    ) -> None:
        self._app, self._platform = app, platform
        self._apply, self._apologise = apply, apologise
        self._slots = asyncio.Semaphore(chats_at_once)
        self._retry_delay = retry_delay
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._quiet = asyncio.Event()  # set while no chat is being applied
        self._quiet.set()
        self._purged_at = float("-inf")
        self._applied = GroupCommit[int](self._mark_applied)
        # Rows handed over as recorded (`offer`), not read again: safe while every pending row
        # of a chat was handed to it in order. `_complete`: the last read saw every pending row
        # (of the chats not being applied); `_high`: per chat, the last row handed to it;
        # `_queued`: rows handed to a chat being applied; `_declined`: chats with rows left to
        # the next read (they are read once the chat is done).
        self._complete = False
        self._high: dict[str, int] = {}
        self._queued: dict[str, list[InboxItem]] = {}
        self._declined: set[str] = set()
        self._reading = False

    @property
    def running(self) -> bool:
        """Whether the applier was started and not stopped."""
        return self._task is not None

    async def start(self) -> None:
        """Start applying (what a crashed run left unapplied comes first: it is oldest)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"inbox-{self._platform}")

    def wake(self) -> None:
        """New rows were committed: look now."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop looking; updates being applied are cut short and stay pending (the next start
        applies them)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        busy = list(self._busy.values())
        for chat in busy:
            chat.cancel()
        await asyncio.gather(task, *busy, return_exceptions=True)
        self._busy.clear()
        self._quiet.set()
        self._queued.clear()  # the next start reads everything pending first
        self._declined.clear()
        self._high.clear()
        self._complete = False

    async def drained(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a deadline
        """Until nothing is pending and nothing is being applied (for tests and shutdown)."""
        async with asyncio.timeout(timeout):
            while True:
                self._idle.clear()
                self.wake()
                if not self._busy and not await self._pending():
                    return
                await self._idle.wait()

    async def settled(self, timeout: float) -> None:  # noqa: ASYNC109 - a bound, not a deadline
        """Until no chat is being applied, or `timeout` seconds: a poller that waits here
        before asking for more lets updates gather into one batch while the applier is busy
        (one getUpdates and one recording transaction for many updates, not one each), and
        asks again at once when it is not."""
        if self._quiet.is_set():
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._quiet.wait()

    def offer(self, items: Sequence[InboxItem]) -> None:
        """Rows just recorded and committed, oldest first: applied without reading them again
        when the chat's earlier rows were all handed over (otherwise the next read takes them,
        in order)."""
        for chat, rows in _by_chat(list(items)).items():
            if self._reading or not self._complete or chat in self._declined or not self.running:
                self._declined.add(chat)
                self._quiet.clear()  # the next read hands them over
                self.wake()
            else:
                self._hand(chat, rows)

    def _hand(self, chat: str, rows: list[InboxItem]) -> None:
        """Give a chat's rows (in order) to its task, started if it is not running; rows
        handed before are left out (a read and an offer may both bring a new row)."""
        high = self._high.get(chat, 0)
        rows = [row for row in rows if row.id > high]
        if not rows:
            return
        if len(self._high) > HIGH_KEPT:  # bounded: a forgotten row may only be applied twice
            self._high = {c: i for c, i in self._high.items() if c in self._busy}
        self._high[chat] = rows[-1].id
        if chat in self._busy:
            self._queued.setdefault(chat, []).extend(rows)
        else:
            self._quiet.clear()
            self._busy[chat] = asyncio.create_task(self._chat(chat, rows))

    async def _pending(self, skip: Collection[str] = ()) -> list[InboxItem]:
        async with self._app.uow_factory() as uow:
            return list(await uow.inbox.pending(self._platform, READ, skip=skip))

    async def _run(self) -> None:
        while self._task is not None:
            self._wake.clear()
            declined: set[str] = set()
            try:
                await self._purge()
                # The chats being applied are left out: their rows would only be read and
                # decrypted again (a chat's next rows are read once it is done: it wakes us).
                # Offers made while reading are declined (kept for the next read): the read
                # may have been before or after them. A chat declined before and not being
                # applied is read now, its rows handed in order.
                busy = set(self._busy)
                declined, self._declined = self._declined, set()
                self._declined |= declined & busy  # not read now: once they are done
                self._reading = True
                try:
                    pending = await self._pending(busy)
                finally:
                    self._reading = False
                self._complete = len(pending) < READ
                for chat, items in _by_chat(pending).items():
                    self._hand(chat, items)
            except Exception as exc:  # noqa: BLE001 - the database may be away: look later
                self._declined |= declined
                self._complete = False
                log.error("inbox %s unreadable: %s", self._platform, describe(exc))
            if not self._busy:
                self._quiet.set()
            self._idle.set()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for may swallow a cancellation
            # that comes as the wake-up does, and stop() would wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE):
                    await self._wake.wait()

    async def _chat(self, chat: str, items: list[InboxItem]) -> None:
        """One chat's updates, in order (with those handed to it meanwhile); a failure stops
        there (retried later, in order, from the next read)."""
        stopped = True
        try:
            async with self._slots:
                while items:
                    for item in items:
                        if not await self._one(item):
                            break
                    else:
                        items = self._queued.pop(chat, [])
                        continue
                    break
                else:
                    stopped = False
        finally:
            self._queued.pop(chat, None)
            self._busy.pop(chat, None)
            if not self._busy:
                self._quiet.set()
            if stopped:  # failed or cut short: its rows from there on come from a read
                self._high.pop(chat, None)
                self._declined.add(chat)
            if stopped or chat in self._declined or not self._complete:
                self.wake()

    async def _one(self, item: InboxItem) -> bool:
        """Apply one row; whether the chat's next rows may follow."""
        applying = Applying(item.id)
        token = APPLYING.set(applying)
        try:
            await self._apply(item.update)
        except Exception as exc:  # noqa: BLE001 - recorded, retried, then the citizen is told
            return await self._failed(item, exc)
        finally:
            applying.open = False
            APPLYING.reset(token)
        if not applying.marked:  # not by the transaction that applied it (services.inbox)
            await self._applied.write(item.id)
        return True

    async def _mark_applied(self, item_ids: Sequence[int]) -> None:
        """Rows applied at about the same time (other chats'), marked in one transaction."""
        async with self._app.uow_factory() as uow:
            now = self._app.clock.now()
            for item_id in item_ids:
                await uow.inbox.applied(item_id, now)
            await uow.commit()

    async def _failed(self, item: InboxItem, exc: Exception) -> bool:
        final = gives_up(item.attempts + 1)
        error = type(exc).__name__
        log.error(  # without the message, which may hold personal data
            "inbox %s row %d failed (attempt %d): %s",
            self._platform,
            item.id,
            item.attempts + 1,
            describe(exc),
        )
        async with self._app.uow_factory() as uow:
            await uow.inbox.failed(item.id, self._app.clock.now(), error, final)
            await uow.commit()
        if final:
            await self._apologise(item.update)
            return True  # the chat goes on with its next update
        await asyncio.sleep(self._retry_delay * 2**item.attempts)
        return False

    async def _purge(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = loop.time()
        async with self._app.uow_factory() as uow:
            purged = await uow.inbox.purge(self._app.clock.now() - KEEP)
            await uow.commit()
        if purged:
            log.info("inbox %s: %d settled updates purged", self._platform, purged)


def describe(exc: BaseException) -> str:
    """The exception for the log, without its message (see bot.channels.telegram.describe;
    imported here, not at the top: bot.bootstrap imports this module through the Zalo channel)."""
    from bot.channels.telegram import describe as described

    return described(exc)


def _by_chat(items: list[InboxItem]) -> dict[str, list[InboxItem]]:
    """Rows per chat, each chat's in order (the dict keeps the oldest chat first)."""
    chats: dict[str, list[InboxItem]] = {}
    for item in items:
        chats.setdefault(item.chat_key, []).append(item)
    return chats
