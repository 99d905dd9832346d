"""The paced sender: one per platform, it drains the outbox within the platform's limits.

For each row: claim it (pending → sending, committed), call the platform, record the outcome
(committed). A row is never sent twice: a claim that another sender won is skipped, and a row
whose sender died mid-call becomes UNKNOWN instead of being retried. Limits: a global rate
(Telegram: 30 messages/s), a minimum interval per chat (1 s), a global pause when the
platform answers 429 with `retry_after`, exponential backoff for transient failures, and
blocked users marked inactive so nothing more is tried for them.

The pacing is a token bucket: in the long run the configured rate; a sender that fell
behind it (a 429 pause, a slow database or network) sends at up to the platform's ceiling
(`Limits.burst_per_second`, Telegram 30/s) until it is back on schedule. The platform counts
messages where they arrive, in a sliding one-second window. A call arrives somewhere between
its start and its answer, so besides spacing the slots, the pacer never lets more than
ceil(ceiling) calls be in flight or answered within the last second: however late the claim,
the rendering or the network make a call, and however far behind the sender is, no window
at the platform can hold more (see bench/broadcast_throughput.py for why spacing alone is
not enough).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from services.clock import Clock
from services.group_commit import GroupCommit
from services.outbox import OutboxItem, OutboxStatus, Priority
from services.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What the platform did with one message."""

    SENT = "sent"
    RATE_LIMITED = "rate_limited"  # 429: wait `retry_after`, then send again
    TRANSIENT = "transient"  # network error, 5xx: retry with backoff
    BLOCKED = "blocked"  # the user blocked the bot / left: mark the chat inactive
    NOT_DELIVERABLE = "not_deliverable"  # outside the platform's messaging window
    REJECTED = "rejected"  # the platform refused this message for good (400)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A platform's answer to one message."""

    outcome: Outcome
    retry_after: float = 0.0
    error: str = ""
    progress: int | None = None  # parts of the message delivered by now (None: not counted)


class Transport(Protocol):
    """Delivers one outbox message on one platform (renders it in the chat's language)."""

    platform: str

    async def deliver(self, item: OutboxItem) -> Delivery:
        """Send it; never raises for a platform's refusal (returns the outcome)."""
        ...


class Timer(Protocol):
    """Monotonic time and sleeping (a virtual one in tests)."""

    def monotonic(self) -> float:
        """Seconds, only ever increasing."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait."""
        ...


class LoopTimer:
    """The event loop's clock."""

    def monotonic(self) -> float:
        """The loop's time."""
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        """asyncio.sleep."""
        await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Limits:
    """A platform's sending limits and the sender's retry policy."""

    per_second: float = 29.5  # under Telegram's 30/s so jitter never trips it
    # The platform's ceiling: a sender behind its rate catches up at up to this (0: no faster
    # than `per_second`); never more than ceil(it) calls can arrive in one second.
    burst_per_second: float = 0.0
    catch_up_seconds: float = 60.0  # the most lag caught up (seconds at `per_second`)
    chat_interval: float = 1.0  # seconds between two messages to one chat
    concurrency: int = 8  # calls in flight (each started on its own paced slot)
    max_attempts: int = 5  # transient failures before a push or broadcast row is FAILED
    # A reply keeps trying much longer: the citizen is waiting for it, and only the platform
    # saying the chat is gone (blocked, deleted) ends it early. 300 attempts at the capped
    # backoff (`max_backoff`, 5 minutes) is about a day of a platform or network outage.
    reply_max_attempts: int = 300
    backoff: float = 2.0  # seconds, doubled at each transient failure
    max_backoff: float = 300.0
    claim_timeout: float = 120.0  # a claim older than this belongs to a dead sender
    batch: int = 200  # rows read per query


@dataclass
class Pacer:
    """Paces calls as a token bucket: in the long run `per_second`; a sender that fell behind
    (the platform asked it to wait, the database or the network was slow) catches up at up
    to `burst` per second until it is back on schedule, never more than ceil(burst) calls
    that could arrive within one window, and never more than `catch_up` seconds of lag.

    Two schedules: `_due` runs at the configured rate and keeps the lag (up to `catch_up`);
    `_spaced` runs at the burst rate and, as before, forgives a late wake-up by one spacing
    only. A slot waits for both, for a pause, and for room in the window. Idle time (nothing
    to send) builds no credit: `idle` brings the rate schedule back to now.
    """

    timer: Timer
    per_second: float
    chat_interval: float
    burst: float = 0.0  # the platform's ceiling per second (0, or below the rate: the rate)
    catch_up: float = 60.0  # the most lag, in seconds, sent again at the burst rate
    window: float = 1.0  # the platform's counting window, in seconds
    _due: float | None = None  # when the next call is due at `per_second` (None: no call yet)
    _spaced: float = 0.0  # the earliest next call at `burst`
    _paused_until: float = 0.0  # the platform said 429: nothing before this
    _chat_ready: dict[str, float] = field(default_factory=dict)
    _open: int = 0  # slots taken whose call has not finished
    _finished: deque[float] = field(default_factory=deque)  # ends of calls, oldest first

    @property
    def ceiling(self) -> float:
        """Calls per second never exceeded, even while catching up."""
        return max(self.burst, self.per_second)

    def _window_wait(self, now: float) -> float:
        """Seconds until one more call cannot put ceil(ceiling) + 1 in a window: calls
        in flight and calls answered less than `window` ago may still be counted there."""
        # One expression for "expired" and for the wait below: with `f <= now - window` here,
        # rounding could keep a call answered exactly one window ago yet wait `f + window - now`
        # <= 0, and a slot was taken with the window already full.
        while self._finished and self._finished[0] + self.window <= now:
            self._finished.popleft()
        if self._open + len(self._finished) < math.ceil(self.ceiling):
            return 0.0
        if self._finished:
            return self._finished[0] + self.window - now
        return 1.0 / self.ceiling  # all of them in flight: look again after one spacing

    def chat_ready_in(self, chat: str) -> float:
        """Seconds until this chat may receive another message (0 when it may now)."""
        return max(0.0, self._chat_ready.get(chat, 0.0) - self.timer.monotonic())

    def pause(self, seconds: float) -> None:
        """The platform said 429: no slot before `seconds` from now (the time lost is caught
        up afterwards, within the ceiling)."""
        self._paused_until = max(self._paused_until, self.timer.monotonic() + seconds)

    def idle(self) -> None:
        """Nothing is waiting to be sent: no lag to catch up (idle time builds no credit)."""
        self._due = max(self._due or 0.0, self.timer.monotonic())

    async def slot(self, chat: str) -> None:
        """Wait for the next global slot and take it for this chat (one caller: the
        dispatcher). A pause the platform asks for while waiting is honoured too."""
        while True:
            now = self.timer.monotonic()
            due = now if self._due is None else self._due  # the first call is on time
            wait = max(max(due, self._spaced, self._paused_until) - now, self._window_wait(now))
            if wait <= 0:
                self._due = max(due, now - self.catch_up) + 1.0 / self.per_second
                spacing = 1.0 / self.ceiling  # a late wake-up keeps this schedule; idle
                self._spaced = max(self._spaced, now - spacing) + spacing  # time is lost
                self._chat_ready[chat] = now + self.chat_interval
                self._open += 1
                return
            await self.timer.sleep(wait)

    def calling(self, chat: str) -> None:
        """The platform is being called for this chat now: its interval starts now."""
        self._chat_ready[chat] = self.timer.monotonic() + self.chat_interval

    def finished(self, chat: str) -> None:
        """The call of a slot is over (or was never made): it may have arrived until now,
        so it counts in the window for one more `window`; the chat's interval runs from now."""
        now = self.timer.monotonic()
        self._open -= 1
        self._finished.append(now)
        self._chat_ready[chat] = max(self._chat_ready.get(chat, 0.0), now + self.chat_interval)

    def forget_idle(self) -> None:
        """Drop chats whose interval has passed (memory stays bounded)."""
        now = self.timer.monotonic()
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}


@dataclass
class SenderStats:
    """What one sender did since it started."""

    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    blocked: int = 0
    failed: int = 0
    not_deliverable: int = 0
    lost_claims: int = 0
    abandoned: int = 0


Fallback = Callable[[OutboxItem], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Settled:
    """What to record of one call."""

    item_id: int
    status: OutboxStatus
    at: datetime
    error: str
    retry_at: datetime | None
    progress: int | None
    blocked: str | None  # the chat to mark inactive (the platform said it is gone)


@dataclass(slots=True)
class _Claim:
    """A row to claim before its call; `claimed` once the claim is committed (False: taken
    by another sender, or its chat is inactive; both are then told apart on their own)."""

    item_id: int
    at: datetime
    claimed: bool = False


class PacedSender:
    """Drains one platform's outbox rows."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        transport: Transport,
        clock: Clock,
        limits: Limits | None = None,
        timer: Timer | None = None,
        fallback: Fallback | None = None,
        wake: asyncio.Event | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._transport = transport
        self._clock = clock
        self.limits = limits or Limits()
        self._timer = timer or LoopTimer()
        limits = self.limits
        self._pacer = Pacer(
            self._timer,
            limits.per_second,
            limits.chat_interval,
            burst=limits.burst_per_second,
            catch_up=limits.catch_up_seconds,
        )
        self._fallback = fallback
        self._wake = wake  # set when a row was queued (storage.wake): look again at once
        self._in_flight: set[str] = set()
        self.stats = SenderStats()
        # A call's outcome is committed before its task ends, as with a transaction each, but
        # the outcomes of calls answered together share one transaction.
        # The sender's writes, committed together: claims of rows launched at about the same
        # time (a round's ready rows) and outcomes of calls that ended meanwhile go in one
        # transaction. Each call still starts only once its own claim is committed, and
        # returns only once its outcome is.
        self._writes = GroupCommit[_Claim | _Settled](self._write_all)

    @property
    def platform(self) -> str:
        """The platform this sender serves."""
        return self._transport.platform

    async def abandon_dead_claims(self) -> int:
        """Rows claimed by a sender that died: UNKNOWN (never sent again)."""
        now = self._clock.now()
        async with self._uow_factory() as uow:
            count = await uow.outbox.abandon_claims(
                self.platform, now - timedelta(seconds=self.limits.claim_timeout), now
            )
            await uow.commit()
        if count:
            log.warning(
                "%s: %d message(s) were in flight when a sender stopped", self.platform, count
            )
        self.stats.abandoned += count
        return count

    async def _due(self) -> Sequence[OutboxItem]:
        async with self._uow_factory() as uow:
            now, batch = self._clock.now(), self.limits.batch
            return await uow.outbox.due(self.platform, now, batch, skip=self._in_flight)

    async def run_once(self) -> int:
        """Send every row due now (paced); returns how many rows were settled."""
        settled = 0
        gate = asyncio.Semaphore(self.limits.concurrency)
        tasks: set[asyncio.Task[bool]] = set()
        while True:
            # Calls already over are counted now; one that raised (its claim could not be
            # written: the database is away) ends the round, rather than its row being read
            # and launched again and again while other rows stay ready.
            over = {task for task in tasks if task.done()}
            tasks -= over
            settled += sum(1 for task in over if task.result())
            items = [i for i in await self._due() if i.recipient not in self._in_flight]
            ready = [i for i in items if self._pacer.chat_ready_in(i.recipient) == 0.0]
            if not ready:
                if tasks:  # wait for calls in flight before deciding there is nothing left
                    done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                    settled += sum(1 for t in done if t.result())
                    continue
                self._pacer.idle()  # nothing can be sent now: no lag builds up meanwhile
                waits = [self._pacer.chat_ready_in(i.recipient) for i in items]
                if waits:  # rows exist but their chats got a message less than a second ago
                    await self._timer.sleep(min(waits))
                    continue
                break
            seen: set[str] = set()
            for item in ready:
                if item.recipient in seen or item.recipient in self._in_flight:
                    continue  # one message per chat per slot; the next round takes the rest
                if item.priority is not Priority.REPLY and self._queued_since():
                    break  # a row was queued (a reply?): read again, by priority, before a
                    # lesser row goes; a reply read here goes first anyway (by id among
                    # replies), so a busy stream of replies is read once a round, not per row
                seen.add(item.recipient)
                await gate.acquire()
                await self._pacer.slot(item.recipient)
                self._in_flight.add(item.recipient)
                task = asyncio.create_task(self._one(item))
                task.add_done_callback(lambda _t: gate.release())
                tasks.add(task)
            self._pacer.forget_idle()
        return settled

    def _queued_since(self) -> bool:
        """Whether a row was queued since the last read (the wake-up), clearing it."""
        if self._wake is None or not self._wake.is_set():
            return False
        self._wake.clear()
        return True

    async def _one(self, item: OutboxItem) -> bool:
        try:
            return await self._send(item)
        finally:
            self._in_flight.discard(item.recipient)
            self._pacer.finished(item.recipient)

    async def _send(self, item: OutboxItem) -> bool:
        claim = _Claim(item.id, self._clock.now())
        await self._writes.write(claim)
        reachable = claim.claimed
        if not reachable:  # taken by another sender, or its chat is inactive
            async with self._uow_factory() as uow:
                if not await uow.outbox.claim(item.id, self._clock.now()):
                    self.stats.lost_claims += 1
                    return False
                reachable = await uow.chats.is_active(item.recipient)
                if not reachable:
                    await uow.outbox.settle(
                        item.id, OutboxStatus.UNDELIVERABLE, self._clock.now(), "chat inactive"
                    )
                await uow.commit()
        if not reachable:
            self.stats.blocked += 1
            return True
        self._pacer.calling(item.recipient)
        try:
            delivery = await self._transport.deliver(item)
        except Exception as error:  # a bug in rendering must not stop the whole queue
            log.exception("%s: delivery of outbox row %d failed", self.platform, item.id)
            delivery = Delivery(Outcome.TRANSIENT, error=type(error).__name__)
        await self._settle(item, delivery)
        return True

    async def _settle(self, item: OutboxItem, delivery: Delivery) -> None:
        now = self._clock.now()
        status, retry_at, error = OutboxStatus.SENT, None, delivery.error
        outcome = delivery.outcome
        if outcome is Outcome.RATE_LIMITED:
            self._pacer.pause(delivery.retry_after)
            status, retry_at = OutboxStatus.PENDING, now + timedelta(seconds=delivery.retry_after)
            self.stats.rate_limited += 1
        elif outcome is Outcome.TRANSIENT:
            if item.attempts + 1 >= self._max_attempts(item):
                status = OutboxStatus.FAILED
                self.stats.failed += 1
            else:
                delay = min(self.limits.max_backoff, self.limits.backoff * 2**item.attempts)
                status, retry_at = OutboxStatus.PENDING, now + timedelta(seconds=delay)
                self.stats.retried += 1
        elif outcome is Outcome.BLOCKED:
            status = OutboxStatus.UNDELIVERABLE
            self.stats.blocked += 1
        elif outcome is Outcome.NOT_DELIVERABLE:
            status = OutboxStatus.UNDELIVERABLE
            self.stats.not_deliverable += 1
        elif outcome is Outcome.REJECTED:
            status = OutboxStatus.FAILED
            self.stats.failed += 1
        else:
            self.stats.sent += 1
        blocked = item.recipient if outcome is Outcome.BLOCKED else None
        await self._writes.write(
            _Settled(
                item.id, status, now, error or outcome.value, retry_at, delivery.progress, blocked
            )
        )
        if outcome is Outcome.NOT_DELIVERABLE and self._fallback is not None:
            await self._fallback(item)

    async def _write_all(self, writes: Sequence[_Claim | _Settled]) -> None:
        """Claims and outcomes queued at about the same time, in one transaction (in the order
        they were queued)."""
        async with self._uow_factory() as uow:
            for one in writes:
                if isinstance(one, _Claim):
                    one.claimed = await uow.outbox.claim_reachable(one.item_id, one.at)
                    continue
                await uow.outbox.settle(
                    one.item_id, one.status, one.at, one.error, one.retry_at, one.progress
                )
                if one.blocked is not None:
                    await uow.chats.set_active(one.blocked, False, one.error or "blocked", one.at)
            await uow.commit()

    def _max_attempts(self, item: OutboxItem) -> int:
        """Transient failures a row may meet before it is FAILED (replies: far more)."""
        if item.priority is Priority.REPLY:
            return self.limits.reply_max_attempts
        return self.limits.max_attempts

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Drain until `stop` is set; between drains wait for `stop` or a wake-up (a row
        queued), at most `idle` seconds (the poll is the safety net for a lost wake-up)."""
        await self.abandon_dead_claims()
        last_sweep = self._timer.monotonic()
        while not stop.is_set():
            if self._wake is not None:
                self._wake.clear()  # a row queued from now on wakes the next wait
            try:
                await self.run_once()
                if self._timer.monotonic() - last_sweep > self.limits.claim_timeout:
                    await self.abandon_dead_claims()
                    last_sweep = self._timer.monotonic()
            except Exception:  # the database went away for a moment: try again later
                log.exception("%s sender: a round failed", self.platform)
            await self._idle(stop, idle)

    async def _idle(self, stop: asyncio.Event, idle: float) -> None:
        """Wait for `stop` or the wake-up, at most `idle` seconds."""
        waits = [asyncio.ensure_future(stop.wait())]
        if self._wake is not None:
            waits.append(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waits, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()


async def other_channels(uow_factory: UnitOfWorkFactory, item: OutboxItem, clock: Clock) -> int:
    """A message one chat cannot receive (Zalo's window closed) goes to the citizen's other
    chats, under the same event key (so a chat that had it queued does not get it twice)."""
    async with uow_factory() as uow:
        citizen = await uow.citizens.citizen_of(item.recipient)
        if citizen is None:
            return 0
        queued = 0
        for chat in await uow.citizens.chats(citizen):
            if chat != item.recipient and await uow.outbox.enqueue(
                chat, item.event, item.message, clock.now(), item.batch, priority=item.priority
            ):
                queued += 1
        await uow.commit()
    return queued
