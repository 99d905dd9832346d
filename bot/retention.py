"""The scheduler's pruning of processed updates (services.processed_retention): small batches,
each its own short transaction, then the table's figures recorded for /metrics.

The figures are kept as job cursors (like the scheduler's heartbeat) so that /metrics shows
them whichever process answers the scrape and whichever runs the scheduler.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from services.ports import JobCursors
from services.processed_retention import (
    BATCH,
    MAX_BATCHES,
    PruneResult,
    RetentionPolicy,
    RetentionStats,
)

PRUNED = "retention:processed:pruned"  # records pruned since the database was created
ROWS = "retention:processed:rows"
HELD = "retention:processed:held"  # past the window, kept (a redelivery or a live web chat)
OLDEST = "retention:processed:oldest"  # the oldest record's time, Unix seconds (0: none)
CURSORS = (PRUNED, ROWS, HELD, OLDEST)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:  # bot.metrics reads the cursor names above; bootstrap imports metrics
    from bot.bootstrap import Application


def retention_policy(app: Application) -> RetentionPolicy:
    """The policy from settings."""
    settings = app.settings
    return RetentionPolicy(
        window=timedelta(hours=settings.processed_update_retention_hours),
        web_idle=timedelta(minutes=settings.session_idle_minutes),
    )


async def prune_processed(
    app: Application, policy: RetentionPolicy, batch: int = BATCH, max_batches: int = MAX_BATCHES
) -> PruneResult:
    """Delete the processed updates no redelivery can need, a batch per transaction, and
    record the figures. The cut-off is taken once: records aged during the run wait."""
    now = app.clock.now()
    before, live_since = policy.cutoff(now), policy.live_since(now)
    pruned = 0
    for _ in range(max_batches):
        async with app.uow_factory() as uow:
            gone = await uow.processed.prune(before, live_since, batch)
            await uow.commit()
        pruned += gone
        if gone < batch:
            break
        await asyncio.sleep(0)  # the chats' updates go between two batches
    async with app.uow_factory() as uow:
        stats = await uow.processed.stats(before)
        total = await uow.cursors.get(PRUNED) + pruned
        await _record(uow.cursors, total, stats, app.clock.now())
        await uow.commit()
    return PruneResult(pruned, stats)


async def _record(cursors: JobCursors, total: int, stats: RetentionStats, at: datetime) -> None:
    oldest = int((stats.oldest - EPOCH).total_seconds()) if stats.oldest else 0
    values = {PRUNED: total, ROWS: stats.rows, HELD: stats.held, OLDEST: oldest}
    for name, value in values.items():
        await cursors.set(name, value, at)
