"""The scheduler: APScheduler jobs, each a thin call into a service function, and one paced
sender per platform draining the outbox.

Exactly one scheduler runs per database: it holds a lock for its lifetime (a PostgreSQL
advisory lock, or a lock file next to the SQLite database). `dvc-bot run` starts it in
process (SCHEDULER=true); with several web workers, run `dvc-bot scheduler` once instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Application, follow_limits
from bot.handover_http import build_handover
from bot.retention import prune_processed, retention_policy
from bot.scheduler_lock import SchedulerLock, acquire_scheduler_lock
from bot.sender_loop import Senders
from bot.wake_jobs import REMOTE_DEBOUNCE_SECONDS, run_when_woken
from bot.wakeup import PostgresListener
from conversations.broadcast_messages import progress_message
from conversations.status_messages import StatusMessages
from services.broadcasts import advance
from services.following import FollowLimits, expire_followers
from services.handover import HANDOVER_TOPIC
from services.handover_delivery import HandoverDelivery
from services.outbox import OutboxItem, Priority
from services.remote_changes import REMOTE_TOPIC, DossierSystem, ingest
from services.sending import Transport, other_channels
from services.status_pushes import STATUS_TOPIC, push_status_changes, send_reminders

log = logging.getLogger(__name__)

HEARTBEAT = "scheduler:heartbeat"
BROADCAST_TICK_SECONDS = 2.0
FOLLOWERS_SECONDS = 3600  # expired followers no longer count at once; this only deletes them
HANDOVER_TICK_SECONDS = 1.0  # retries come due at their own time; the tick picks them up
HANDOVER_MAX_BATCHES = 20  # per run, so that one run never holds the lock for ever
STAGING_SWEEP_SECONDS = 600  # unclaimed uploads go within this of their STAGING_MAX_AGE_MINUTES
RETENTION_SECONDS = 600  # processed updates go within this of their retention window


@dataclass
class Jobs:
    """The job functions, bound to one application (tests call them directly)."""

    app: Application
    remote: DossierSystem | None = None
    messages: StatusMessages = field(init=False)
    limits: FollowLimits = field(init=False)
    _pushing: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    _reading: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    handover: HandoverDelivery | None = None  # DOSSIER_SYSTEM=http: the hand-over queue
    _handing: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.messages = StatusMessages(self.app.catalog)
        self.limits = follow_limits(self.app.settings)

    async def status_sync(self) -> None:
        """The sweep, a safety net under the pushes on commit: read the remote system's
        changes (when there is one), then push every change not pushed yet."""
        await self.read_remote()
        await self.push_changes()

    async def read_remote(self) -> None:
        """Apply the remote system's changes, if there is one (each change logged wakes the
        status pushes on commit)."""
        if self.remote is not None:
            async with self._reading:
                result = await ingest(
                    self.app.uow_factory, self.remote, self.app.clock, name="one-stop"
                )
            if result.applied:
                log.info("remote dossier system: %d change(s) applied", result.applied)

    async def push_changes(self) -> None:
        """Queue the messages of every change not pushed yet. One run at a time: a change
        woken for while a run is under way is picked up by the next one, in log order."""
        async with self._pushing:
            pushed = await push_status_changes(
                self.app.uow_factory, self.messages, self.app.clock, limits=self.limits
            )
        if pushed.changes:
            log.info(
                "status push: %d change(s), %d message(s) queued", pushed.changes, pushed.queued
            )

    async def hand_over(self) -> None:
        """Deliver the hand-over events due to the one-stop system (services.handover), batch
        after batch while full ones come; retries come due on the timer (HANDOVER_TICK)."""
        if self.handover is None:
            return
        async with self._handing:
            for _ in range(HANDOVER_MAX_BATCHES):
                done = await self.handover.run_once()
                if done.sent:
                    log.info(
                        "hand-over: %d sent, %d accepted, %d to retry, %d dead",
                        done.sent, done.accepted, done.retried, done.dead,
                    )  # fmt: skip
                if done.sent < self.handover.batch:
                    break

    async def followers(self) -> None:
        """Delete the expired followers (idle too long, or of a dossier that ended)."""
        gone = await expire_followers(self.app.uow_factory, self.app.clock, self.limits)
        if gone:
            log.info("followers: %d expired", gone)

    async def staging_sweep(self) -> None:
        """Remove staged uploads nothing claimed (abandoned, or sent while no document was
        asked for), so that they cannot fill the disk."""
        removed = await asyncio.to_thread(self.app.sweep_staging)
        if removed:
            log.info("staging: %d unclaimed upload(s) removed", removed)

    async def processed_retention(self) -> None:
        """Prune the processed updates no redelivery can need any more (bot.retention)."""
        result = await prune_processed(self.app, retention_policy(self.app))
        if result.pruned:
            log.info(
                "processed updates: %d pruned, %d kept (%d past the window)",
                result.pruned,
                result.stats.rows,
                result.stats.held,
            )

    async def reminders(self) -> None:
        """Payment, supplement, due-tomorrow and overdue reminders (each once)."""
        counts = await send_reminders(self.app.uow_factory, self.messages, self.app.clock)
        queued = {kind.value: n for kind, n in counts.items() if n}
        if queued:
            log.info("reminders queued: %s", queued)

    async def broadcasts(self) -> None:
        """Queue the next recipients of each broadcast and update its progress message."""
        await advance(self.app.uow_factory, self.app.clock, progress_message)

    async def heartbeat(self) -> None:
        """Tell `dvc-bot broadcast` (and /readyz) that a scheduler is alive."""
        async with self.app.uow_factory() as uow:
            await uow.cursors.set(
                HEARTBEAT, int(self.app.clock.now().timestamp()), self.app.clock.now()
            )
            await uow.commit()


class Scheduler:
    """The jobs and the senders of one process."""

    def __init__(
        self,
        app: Application,
        transports: Sequence[Transport] = (),
        remote: DossierSystem | None = None,
    ) -> None:
        self.app = app
        self.transports = list(transports)
        self.jobs = Jobs(app, remote, handover=build_handover(app))
        self.sending = Senders(app, transports, fallback=self._fallback)
        self.senders = self.sending.senders
        self._listener: PostgresListener | None = None
        self._lock: SchedulerLock | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _fallback(self, item: OutboxItem) -> None:
        if item.priority is Priority.REPLY:  # an answer belongs to the chat that asked
            return
        await other_channels(self.app.uow_factory, item, self.app.clock)

    def _add(self, job: Callable[[], Awaitable[None]], seconds: float, name: str) -> None:
        assert self._scheduler is not None

        async def run() -> None:
            try:
                await job()
            except Exception:  # a job failing once must not stop the scheduler
                log.exception("scheduled job %s failed; it runs again at its next tick", name)

        self._scheduler.add_job(
            run,
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(seconds)),
        )

    async def start(self) -> None:
        """Take the lock (or raise SchedulerBusy), run the jobs once, then on their timers."""
        self._lock = await acquire_scheduler_lock(self.app.settings)
        settings = self.app.settings
        self._scheduler = AsyncIOScheduler()
        self._add(self.jobs.status_sync, settings.status_sync_seconds, "status_sync")
        self._add(self.jobs.reminders, settings.reminders_minutes * 60, "reminders")
        self._add(self.jobs.broadcasts, BROADCAST_TICK_SECONDS, "broadcasts")
        self._add(self.jobs.heartbeat, 10, "heartbeat")
        self._add(self.jobs.followers, FOLLOWERS_SECONDS, "followers")
        self._add(self.jobs.staging_sweep, STAGING_SWEEP_SECONDS, "staging_sweep")
        if self.jobs.handover is not None:
            self._add(self.jobs.hand_over, HANDOVER_TICK_SECONDS, "hand_over")
        self._add(self.jobs.processed_retention, RETENTION_SECONDS, "processed_retention")
        self._scheduler.start()
        if self.app.engine.dialect.name == "postgresql":  # other processes' commits wake us
            self._listener = PostgresListener(settings.database_url, self.app.wakeup)
            self._listener.start()
        await self.jobs.heartbeat()
        self.sending.start()
        self._tasks = [asyncio.create_task(waiter) for waiter in self._wake_jobs()]
        self._tasks.append(asyncio.create_task(self.run_all_once()))  # catch up after downtime
        log.info(
            "scheduler started (senders: %s)", ", ".join(s.platform for s in self.senders) or "none"
        )

    def _wake_jobs(self) -> list[Coroutine[Any, Any, None]]:
        """Status pushes the moment a change commits (here or, on PostgreSQL, in any
        process); the remote system read the moment it says it has changes."""
        wakeup, stop = self.app.wakeup, self._stop
        jobs = [
            run_when_woken(wakeup.event(STATUS_TOPIC), stop, self.jobs.push_changes, "status push")
        ]
        if self.jobs.remote is not None:
            read = run_when_woken(
                wakeup.event(REMOTE_TOPIC), stop, self.jobs.read_remote, "remote read",
                REMOTE_DEBOUNCE_SECONDS,
            )  # fmt: skip
            jobs.append(read)
        if self.jobs.handover is not None:
            woken = wakeup.event(HANDOVER_TOPIC)
            jobs.append(run_when_woken(woken, stop, self.jobs.hand_over, "hand-over"))
        return jobs

    async def run_all_once(self) -> None:
        """Every job once, now (start-up catch-up; tests)."""
        jobs = (
            self.jobs.status_sync,
            self.jobs.broadcasts,
            self.jobs.reminders,
            self.jobs.followers,
            self.jobs.staging_sweep,
            self.jobs.hand_over,
            self.jobs.processed_retention,
        )
        for job in jobs:
            try:
                await job()
            except Exception:
                log.exception("catch-up job failed")

    async def stop(self) -> None:
        """Stop the jobs and the senders (rows in flight finish first), release the lock."""
        self._stop.set()
        await self.sending.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks = []
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None
        sender = self.jobs.handover.sender if self.jobs.handover is not None else None
        for closable in (*self.transports, self.jobs.remote, sender):
            close = getattr(closable, "close", None)
            if close is not None:
                await close()
        if self._lock is not None:
            await self._lock.release()
            self._lock = None
