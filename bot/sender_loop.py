"""The paced senders of one process, without the scheduler's jobs or its lock.

The scheduler runs them (`dvc-bot run`, `dvc-bot scheduler`); tests and benches that drive
a channel without a scheduler run them with `Senders.running(app)`: replies are delivered
only by these senders (the channels queue them, see conversations.router.Update.deliver).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from bot.bootstrap import Application
from bot.metrics import MeteredTransport
from bot.senders import build_transports
from services.sending import Fallback, Limits, PacedSender, Transport


def sender_limits(app: Application, platform: str) -> Limits:
    """The limits of one platform, from settings."""
    settings = app.settings
    if platform == "telegram":
        rate, interval = settings.telegram_rate_per_second, settings.telegram_chat_interval_seconds
        burst = settings.telegram_burst_per_second
    else:
        rate, interval, burst = settings.zalo_rate_per_second, 0.0, settings.zalo_burst_per_second
    return Limits(
        per_second=rate,
        burst_per_second=burst,
        chat_interval=interval,
        concurrency=settings.sender_concurrency,
        claim_timeout=settings.sender_claim_timeout_seconds,
    )


class Senders:
    """One paced sender per transport, each woken when a row of its platform is queued."""

    def __init__(
        self,
        app: Application,
        transports: Sequence[Transport],
        fallback: Fallback | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.transports = list(transports)
        self.senders = [
            PacedSender(
                app.uow_factory,
                MeteredTransport(transport, app.metrics),  # dvcbot_sends_total
                app.clock,
                limits or sender_limits(app, transport.platform),
                fallback=fallback,
                wake=app.wakeup.event(f"outbox:{transport.platform}"),  # storage.wake
            )
            for transport in transports
        ]
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Drain in the background until `stop`."""
        self._stop.clear()
        self._tasks = [asyncio.create_task(s.run(self._stop)) for s in self.senders]

    async def stop(self) -> None:
        """Stop draining (calls in flight finish first)."""
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks = []

    async def close(self) -> None:
        """Release the transports' clients."""
        for transport in self.transports:
            close = getattr(transport, "close", None)
            if close is not None:
                await close()

    @classmethod
    @contextlib.asynccontextmanager
    async def running(
        cls, app: Application, limits: Limits | None = None
    ) -> AsyncIterator[Senders]:
        """A sender for every configured platform, running for the block."""
        senders = cls(app, await build_transports(app), limits=limits)
        senders.start()
        try:
            yield senders
        finally:
            await senders.stop()
            await senders.close()
