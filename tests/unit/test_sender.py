"""The paced sender: within the platform's limits, every row once, failures handled."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import timedelta

from services.outbox import OutboxItem, OutboxStatus
from services.sending import Delivery, Limits, Outcome, PacedSender, other_channels
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory


class VirtualTimer:
    """Time that passes only when the sender sleeps (and moves the wall clock with it)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what is ready runs now, before time moves on
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
