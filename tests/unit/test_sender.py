"""The paced sender: within the platform's limits, every row once, failures handled."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.wakeup import Wakeup
from services.outbox import OutboxItem, OutboxStatus, Priority
from services.sending import Delivery, Limits, Outcome, PacedSender, other_channels
from tests.fakes import FakeClock, MemoryOutbox, MemoryUnitOfWorkFactory

HOPS = 10


class VirtualTimer:
    """Time that passes only when the sender sleeps (and moves the wall clock with it)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # What is ready runs now, before time moves on: a call waits a few hops of the event
        # loop for its claim (a task started, a group commit written), none of them time.
        for _ in range(HOPS):
            await asyncio.sleep(0)
        self.now += seconds
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


class FakePlatform:
    """Records each call with its virtual time; answers with `answer(item, call number)`."""

    platform = "telegram"

    def __init__(
        self, timer: VirtualTimer, answer: Callable[[OutboxItem, int], Delivery] | None = None
    ) -> None:
        self.timer = timer
        self.answer = answer or (lambda _item, _n: Delivery(Outcome.SENT))
        self.calls: list[tuple[float, str, str]] = []

    async def deliver(self, item: OutboxItem) -> Delivery:
        self.calls.append((self.timer.now, item.recipient, item.event))
        return self.answer(item, len(self.calls))


async def queue(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock, *rows: tuple[str, str]
) -> None:
    async with uow_factory() as uow:
        for recipient, event in rows:
            await uow.outbox.enqueue(recipient, event, {"text": {"key": "raw"}}, clock.now())
        await uow.commit()


def statuses(uow_factory: MemoryUnitOfWorkFactory) -> dict[str, OutboxStatus]:
    return {f"{i.recipient}/{i.event}": i.status for i in uow_factory.db.outbox}


def sender(
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
    platform: FakePlatform,
    **limits: float,
) -> PacedSender:
    return PacedSender(
        uow_factory,
        platform,
        clock,
        Limits(**limits),
        platform.timer,  # type: ignore[arg-type]
    )


async def test_the_global_rate_is_never_exceeded_and_each_row_goes_once() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)
    platform = FakePlatform(timer)
    await queue(uow_factory, clock, *((f"telegram:{n}", "b1") for n in range(90)))
    settled = await sender(uow_factory, clock, platform, per_second=29.5).run_once()
    assert settled == 90 and len({c[1] for c in platform.calls}) == 90
    times = [t for t, _, _ in platform.calls]
    assert all(sum(1 for u in times if t <= u < t + 1.0) <= 30 for t in times)
    assert 3.0 <= times[-1] - times[0] <= 3.1  # 90 messages at 29.5/s: about three seconds
    assert set(statuses(uow_factory).values()) == {OutboxStatus.SENT}
    assert await sender(uow_factory, clock, platform).run_once() == 0  # nothing sent again


async def test_a_claim_that_cannot_be_written_ends_the_round_and_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database away while rows are due: the round ends with the error (the sender's loop
    logs it and tries again later) instead of launching the same rows again and again."""
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    platform = FakePlatform(VirtualTimer(clock))
    await queue(uow_factory, clock, *((f"telegram:{n}", "b1") for n in range(5)))

    async def away(*_: object) -> bool:
        raise ConnectionError("database away")

    monkeypatch.setattr(MemoryOutbox, "claim_reachable", away)
    with pytest.raises(ConnectionError):
        await asyncio.wait_for(sender(uow_factory, clock, platform).run_once(), 5)
    assert platform.calls == []
    assert set(statuses(uow_factory).values()) == {OutboxStatus.PENDING}
    monkeypatch.undo()
    assert await sender(uow_factory, clock, platform).run_once() == 5  # back: each sent once
    assert len(platform.calls) == 5


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)
    platform = FakePlatform(timer)
    await queue(uow_factory, clock, ("telegram:1", "a"), ("telegram:1", "b"), ("telegram:2", "a"))
    await sender(uow_factory, clock, platform, per_second=30).run_once()
    to_one = [t for t, chat, _ in platform.calls if chat == "telegram:1"]
    assert len(to_one) == 2 and to_one[1] - to_one[0] >= 1.0
    assert [e for _, chat, e in platform.calls if chat == "telegram:1"] == ["a", "b"]  # in order


async def test_429_pauses_everything_for_retry_after_then_sends_once() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    def answer(item: OutboxItem, n: int) -> Delivery:
        return Delivery(Outcome.RATE_LIMITED, retry_after=5) if n == 3 else Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue(uow_factory, clock, *((f"telegram:{n}", "b") for n in range(6)))
    await sender(uow_factory, clock, platform, per_second=30).run_once()
    limited_at = platform.calls[2][0]
    later = [t for t, _, _ in platform.calls[3:]]
    assert later and all(t >= limited_at + 5 for t in later)
    assert len(platform.calls) == 7  # six rows, one of them tried twice
    assert [c[1] for c in platform.calls].count(platform.calls[2][1]) == 2
    assert set(statuses(uow_factory).values()) == {OutboxStatus.SENT}


async def test_transient_failures_back_off_then_give_up() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    def answer(item: OutboxItem, n: int) -> Delivery:
        if item.recipient == "telegram:flaky" and n <= 2:
            return Delivery(Outcome.TRANSIENT, error="502")
        if item.recipient == "telegram:down":
            return Delivery(Outcome.TRANSIENT, error="timeout")
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue(uow_factory, clock, ("telegram:flaky", "x"), ("telegram:down", "x"))
    paced = sender(uow_factory, clock, platform, backoff=2.0, max_attempts=4)
    for _ in range(8):  # the scheduler calls it again and again; time passes in between
        await paced.run_once()
        await timer.sleep(20)
    result = statuses(uow_factory)
    assert result == {"telegram:flaky/x": OutboxStatus.SENT, "telegram:down/x": OutboxStatus.FAILED}
    down = [t for t, chat, _ in platform.calls if chat == "telegram:down"]
    assert len(down) == 4  # max_attempts, then it stops trying
    gaps = [b - a for a, b in itertools.pairwise(down)]
    assert gaps[0] >= 2 and gaps[1] >= 4 and gaps[2] >= 8  # 2 s, 4 s, 8 s: doubling


async def test_a_user_who_blocked_the_bot_is_marked_and_not_tried_again() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    def answer(item: OutboxItem, n: int) -> Delivery:
        if item.recipient == "telegram:gone":
            return Delivery(Outcome.BLOCKED, error="Forbidden: bot was blocked by the user")
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue(uow_factory, clock, ("telegram:gone", "a"), ("telegram:ok", "a"))
    await sender(uow_factory, clock, platform).run_once()
    assert uow_factory.db.chat_status == {"telegram:gone": False}
    await queue(uow_factory, clock, ("telegram:gone", "b"))
    await sender(uow_factory, clock, platform).run_once()
    assert [c[1] for c in platform.calls].count("telegram:gone") == 1
    assert statuses(uow_factory)["telegram:gone/b"] is OutboxStatus.UNDELIVERABLE


async def test_a_row_in_flight_when_its_sender_died_is_never_sent_again() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)
    platform = FakePlatform(timer)
    await queue(uow_factory, clock, ("telegram:1", "a"), ("telegram:2", "a"))
    async with uow_factory() as uow:  # a sender claimed row 1, then its process was killed
        assert await uow.outbox.claim(1, clock.now())
        await uow.commit()
    paced = sender(uow_factory, clock, platform, claim_timeout=60)
    assert await paced.abandon_dead_claims() == 0  # too recent: maybe still in flight
    await paced.run_once()
    clock.advance(seconds=61)
    assert await paced.abandon_dead_claims() == 1
    await paced.run_once()
    assert [c[1] for c in platform.calls] == ["telegram:2"]
    assert statuses(uow_factory) == {
        "telegram:1/a": OutboxStatus.UNKNOWN, "telegram:2/a": OutboxStatus.SENT,
    }  # fmt: skip


async def test_outside_the_zalo_window_the_message_goes_to_the_other_chats() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    class Zalo(FakePlatform):
        platform = "zalo"

    platform = Zalo(timer, lambda item, n: Delivery(Outcome.NOT_DELIVERABLE, error="window"))
    async with uow_factory() as uow:
        for chat in ("zalo:1", "telegram:9", "web:w"):
            await uow.citizens.link("c1", chat, clock.now())
        await uow.outbox.enqueue("zalo:1", "status:4", {"text": {"key": "raw"}}, clock.now())
        await uow.outbox.enqueue("web:w", "status:4", {"text": {"key": "raw"}}, clock.now())
        await uow.commit()

    async def fallback(item: OutboxItem) -> None:
        await other_channels(uow_factory, item, clock)

    paced = PacedSender(uow_factory, platform, clock, Limits(), timer, fallback)
    await paced.run_once()
    result = statuses(uow_factory)
    assert result["zalo:1/status:4"] is OutboxStatus.UNDELIVERABLE
    assert result["telegram:9/status:4"] is OutboxStatus.PENDING  # queued for Telegram now
    assert [i.recipient for i in uow_factory.db.outbox].count("web:w") == 1  # not twice
    assert uow_factory.db.errors[1] == "window"
    assert clock.now() - timedelta(seconds=1) < clock.now()


async def queue_as(
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
    priority: Priority,
    *rows: tuple[str, str],
) -> None:
    async with uow_factory() as uow:
        for recipient, event in rows:
            message = {"text": {"key": "raw"}}
            await uow.outbox.enqueue(recipient, event, message, clock.now(), priority=priority)
        await uow.commit()


async def test_a_chat_waiting_out_a_long_rate_limit_gets_its_messages_later_in_order() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    def answer(item: OutboxItem, n: int) -> Delivery:
        if item.event == "reply:1:0" and item.attempts == 0:
            return Delivery(Outcome.RATE_LIMITED, retry_after=45)  # longer than 30 s
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue_as(uow_factory, clock, Priority.REPLY, ("telegram:1", "reply:1:0"))
    await queue_as(uow_factory, clock, Priority.REPLY, ("telegram:1", "reply:1:1"))
    paced = sender(uow_factory, clock, platform, chat_interval=1.0)
    for _ in range(6):  # the sender's loop: a round, then an idle wait
        await paced.run_once()
        await timer.sleep(10)
    events = [(t, e) for t, chat, e in platform.calls if chat == "telegram:1"]
    assert [e for _, e in events] == ["reply:1:0", "reply:1:0", "reply:1:1"]  # none dropped
    assert events[1][0] - events[0][0] >= 45  # the wait was honoured, then the rest in order
    assert set(statuses(uow_factory).values()) == {OutboxStatus.SENT}


async def test_a_chats_rate_limited_message_holds_its_later_ones_not_other_chats() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)
    seen: list[str] = []

    def answer(item: OutboxItem, n: int) -> Delivery:
        seen.append(item.event)
        if item.recipient == "telegram:1" and item.attempts == 0:
            return Delivery(Outcome.TRANSIENT, error="502")  # retried after a backoff
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue(uow_factory, clock, ("telegram:1", "a"), ("telegram:1", "b"), ("telegram:2", "a"))
    paced = sender(uow_factory, clock, platform, backoff=30.0, chat_interval=0.0)
    await paced.run_once()
    assert [c[1:] for c in platform.calls] == [("telegram:1", "a"), ("telegram:2", "a")]
    await timer.sleep(31)
    await paced.run_once()
    assert [c[2] for c in platform.calls if c[1] == "telegram:1"] == ["a", "a", "b"]


async def test_replies_go_first_and_keep_trying_far_longer_than_pushes() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)

    def answer(item: OutboxItem, n: int) -> Delivery:
        if item.recipient.endswith("down"):
            return Delivery(Outcome.TRANSIENT, error="timeout")
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    await queue_as(uow_factory, clock, Priority.BROADCAST, ("telegram:1", "b"), ("telegram:2", "b"))
    await queue(uow_factory, clock, ("telegram:3", "push"), ("telegram:push-down", "push"))
    await queue_as(
        uow_factory, clock, Priority.REPLY, ("telegram:4", "reply:9:0"), ("telegram:r-down", "r")
    )
    paced = sender(uow_factory, clock, platform, backoff=1.0, max_backoff=10.0, max_attempts=3)
    await paced.run_once()
    assert [c[2] for c in platform.calls][:4] == ["reply:9:0", "r", "push", "push"]
    for _ in range(30):
        await timer.sleep(11)
        await paced.run_once()
    result = statuses(uow_factory)
    assert result["telegram:push-down/push"] is OutboxStatus.FAILED  # after max_attempts
    assert result["telegram:r-down/r"] is OutboxStatus.PENDING  # a reply is still tried
    assert [c[1] for c in platform.calls].count("telegram:r-down") > 20


async def test_a_reply_queued_during_a_big_broadcast_goes_out_within_about_one_slot() -> None:
    clock, wakeup = FakeClock(), Wakeup()
    uow_factory = MemoryUnitOfWorkFactory(signal=wakeup.signal)
    timer = VirtualTimer(clock)
    typed: list[asyncio.Task[None]] = []

    async def citizen_types() -> None:
        await queue_as(uow_factory, clock, Priority.REPLY, ("telegram:typing", "reply:1:0"))

    def answer(item: OutboxItem, n: int) -> Delivery:
        if n == 100:  # the broadcast is under way: a citizen writes, the reply is queued
            typed.append(asyncio.get_running_loop().create_task(citizen_types()))
        return Delivery(Outcome.SENT)

    platform = FakePlatform(timer, answer)
    recipients = [(f"telegram:{n}", "b") for n in range(2000)]
    await queue_as(uow_factory, clock, Priority.BROADCAST, *recipients)
    paced = PacedSender(
        uow_factory,
        platform,
        clock,
        Limits(per_second=29.5),
        timer,
        wake=wakeup.event("outbox:telegram"),
    )
    await paced.run_once()
    order = [chat for _, chat, _ in platform.calls]
    assert len(order) == 2001 and typed
    assert order.index("telegram:typing") <= 100 + Limits().concurrency + 2  # not after 2,000
    reply_at = platform.calls[order.index("telegram:typing")][0]
    assert reply_at - platform.calls[99][0] <= 1.0  # about one slot (and the calls in flight)


async def test_a_message_sent_in_parts_resumes_after_the_last_part_delivered() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = VirtualTimer(clock)
    progress: list[int] = []

    def answer(item: OutboxItem, n: int) -> Delivery:
        progress.append(item.progress)
        if n == 1:  # the first of three parts went out, then flood control
            return Delivery(Outcome.RATE_LIMITED, retry_after=2, progress=1)
        return Delivery(Outcome.SENT, progress=3)

    platform = FakePlatform(timer, answer)
    await queue_as(uow_factory, clock, Priority.REPLY, ("telegram:1", "reply:1:0"))
    paced = sender(uow_factory, clock, platform)
    await paced.run_once()
    await timer.sleep(3)
    await paced.run_once()
    assert progress == [0, 1]  # the second attempt knows the first part is out
    assert uow_factory.db.outbox[0].progress == 3


async def test_a_wake_up_ends_the_senders_idle_wait() -> None:
    wakeup = Wakeup()
    clock = FakeClock()
    uow_factory = MemoryUnitOfWorkFactory(signal=wakeup.signal)
    platform = FakePlatform(VirtualTimer(clock))
    paced = PacedSender(
        uow_factory, platform, clock, Limits(), wake=wakeup.event("outbox:telegram")
    )
    stop = asyncio.Event()
    running = asyncio.create_task(paced.run(stop, idle=3600))  # it would poll once an hour
    await asyncio.sleep(0.05)
    await queue_as(uow_factory, clock, Priority.REPLY, ("telegram:1", "reply:1:0"))
    for _ in range(200):
        if platform.calls:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await running
    assert [c[1] for c in platform.calls] == ["telegram:1"]


class EventTimer:
    """Virtual time for many sleepers at once: once everything that can run has run, time
    jumps to the earliest wake-up (calls in flight overlap, as on a real network)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), wake))
        if self._driver is None or self._driver.done():
            self._driver = asyncio.create_task(self._drive())
        await wake

    async def _drive(self) -> None:
        while self._sleepers:
            for _ in range(50):  # everything runnable runs before time moves on
                await asyncio.sleep(0)
            at, _, wake = heapq.heappop(self._sleepers)
            if at > self.now:
                self.clock.advance(seconds=at - self.now)
                self.now = at
            wake.set_result(None)


class SlowPlatform:
    """A platform whose calls take time: each is (start, answer) in virtual seconds. The
    platform counts a message at some instant in between, which the sender cannot know."""

    platform = "telegram"

    def __init__(self, timer: EventTimer, durations: list[float]) -> None:
        self.timer = timer
        self.durations = itertools.cycle(durations)
        self.calls: list[tuple[float, float]] = []

    async def deliver(self, item: OutboxItem) -> Delivery:
        start = self.timer.now
        await self.timer.sleep(next(self.durations))
        self.calls.append((start, self.timer.now))
        return Delivery(Outcome.SENT)


def most_in_one_window(calls: list[tuple[float, float]], window: float = 1.0) -> int:
    """The most messages any `window`-long stretch at the platform may have counted: a call
    may be counted in [t, t + window) when it started before its end and answered at or after
    t. The worst t is where some call answers (moving t later only adds calls until then)."""
    return max(
        sum(1 for start, answer in calls if start < t + window and answer >= t) for _, t in calls
    )


async def test_calls_that_take_time_never_put_more_than_30_in_any_second_at_the_platform() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = EventTimer(clock)
    # Slow and quick answers mixed: spacing the starts at 29.5/s alone would let up to 37
    # calls be counted in one second (a slow one answering as the quick ones arrive).
    platform = SlowPlatform(timer, [0.05, 0.4, 0.25, 0.1])
    await queue(uow_factory, clock, *((f"telegram:{n}", "b1") for n in range(150)))
    paced = PacedSender(uow_factory, platform, clock, Limits(per_second=29.5), timer)
    assert await paced.run_once() == 150
    assert len(platform.calls) == 150
    assert most_in_one_window(platform.calls) <= 30
    took = max(answer for _, answer in platform.calls) - min(s for s, _ in platform.calls)
    assert took <= 150 / 22  # at least 22 a second: the guard holds the window, no starving
