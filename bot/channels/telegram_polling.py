"""Long polling through the inbox: nothing is confirmed to Telegram before it is durable.

    getUpdates(offset) ─▶ every update of the batch recorded in the inbox, one transaction,
                          committed ─▶ the new rows handed to the applier (not read again)
                          ─▶ getUpdates(offset = last id + 1)

Telegram forgets an update once getUpdates is called with a higher offset; that call is made
only after the batch is committed, so a crash at any moment loses nothing (a batch stored
but not confirmed comes again, and is recorded once). The applier (bot.inbox_applier) applies
the rows through `TelegramChannel.handle`, one chat at a time in update order.

Each library (PTB, aiogram) only supplies `fetch`: its own getUpdates, with its errors turned
into the channel's (telegram_api). A 409 (another poller, or a webhook still set) and network
errors are waited out with a growing backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from bot.bootstrap import Application
from bot.channels.telegram import TelegramChannel, describe, update_ref
from bot.channels.telegram_api import RetryLater, TelegramApiError
from bot.channels.telegram_inbound import parse_update
from bot.inbox_applier import InboxApplier
from services.inbox import InboxItem

log = logging.getLogger(__name__)
PLATFORM = "telegram"
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0  # seconds
# After a batch, the next getUpdates waits until the applier is done with what it holds, at
# most this long: while it is busy, updates gather into one batch (one call and one recording
# transaction for many), and an idle bot asks again at once. Telegram keeps the updates meanwhile.
GATHER_SECONDS = 0.05
# getUpdates(offset, timeout): the updates after `offset`, as the Bot API's JSON
Fetch = Callable[[int | None, int], Awaitable[Sequence[Mapping[str, Any]]]]


def inbox_applier(app: Application, channel: TelegramChannel) -> InboxApplier:
    """The applier of Telegram's inbox rows, through the channel."""

    async def apply(update: Mapping[str, Any]) -> None:
        try:
            await channel.handle(update)
        except Exception as exc:
            log.error("telegram update %s failed: %s", update_ref(update), describe(exc))
            raise

    return InboxApplier(app, PLATFORM, apply, channel.apologise)


async def record_batch(app: Application, updates: Sequence[Mapping[str, Any]]) -> list[InboxItem]:
    """Store a batch of updates in the inbox, in one committed transaction; the rows new
    to it (a batch that came again is recorded once)."""
    now = app.clock.now()
    recorded: list[InboxItem] = []
    async with app.uow_factory() as uow:
        for update in updates:
            inbound = parse_update(update)
            chat = inbound.address.key if inbound is not None else ""
            row = await uow.inbox.add(PLATFORM, str(update["update_id"]), chat, update, now)
            if row is not None:
                recorded.append(row)
        await uow.commit()
    return recorded


class InboxPolling:
    """The polling loop and the applier: `await start()`, `await stop()`."""

    def __init__(
        self, app: Application, channel: TelegramChannel, fetch: Fetch, poll_timeout: int
    ) -> None:
        self._app, self._channel, self._fetch = app, channel, fetch
        self._poll_timeout = poll_timeout
        self.applier = inbox_applier(app, channel)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Register the commands (removing any webhook), apply what a crashed run left, and
        start polling."""
        await self._channel.startup()
        await self.applier.start()
        self._task = asyncio.create_task(self._poll(), name="telegram-polling")

    async def stop(self) -> None:
        """Stop polling (a long poll in flight is dropped: nothing in it was confirmed) and
        the applier (what it had not applied stays in the inbox for the next start)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.applier.stop()

    async def _poll(self) -> None:
        offset: int | None = None
        backoff = BACKOFF_FIRST
        while True:
            try:
                updates = await self._fetch(offset, self._poll_timeout)
                if updates:
                    # committed: handed to the applier as they are (not read again)
                    self.applier.offer(await record_batch(self._app, updates))
                    offset = max(int(u["update_id"]) for u in updates) + 1
                    await self.applier.settled(GATHER_SECONDS)
                backoff = BACKOFF_FIRST
            except RetryLater as exc:
                await asyncio.sleep(exc.seconds)
            except (TelegramApiError, OSError, TimeoutError) as exc:
                log.warning("telegram getUpdates failed, again in %.1f s: %s", backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
            except Exception as exc:  # noqa: BLE001 - e.g. the database: nothing was confirmed
                log.error(
                    "telegram updates not recorded, again in %.1f s: %s", backoff, describe(exc)
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
