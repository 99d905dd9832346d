"""A sender that fell behind its rate catches up at the platform's ceiling, never above it,
and is back at its rate once on schedule; idle time builds no credit (virtual time)."""

from __future__ import annotations

import itertools

import pytest

from services.outbox import OutboxItem, OutboxStatus
from services.sending import Delivery, Limits, Outcome, PacedSender
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory
from tests.unit.test_sender import EventTimer, most_in_one_window, queue, statuses

RATE, CEILING = 20.0, 30.0
ROWS = 600  # 30 s at the rate
STALL_AT, STALL = 100, 5.0  # the call that stalls, and for how long (seconds)


class StallingPlatform:
    """Calls take time (slow and quick mixed, so spacing alone would overfill a window); at
    call STALL_AT the platform either answers 429 retry_after=STALL or, "slow", every call
    started in the next STALL seconds takes that long to answer."""

    platform = "telegram"

    def __init__(self, timer: EventTimer, stall: str) -> None:
        self.timer, self.stall = timer, stall
        self.durations = itertools.cycle([0.05, 0.1, 0.02, 0.08])
        self.calls: list[tuple[float, float]] = []  # (start, answer) of accepted messages
        self.recipients: list[str] = []
        self.started = 0
        self.slow_until = -1.0

    async def deliver(self, item: OutboxItem) -> Delivery:
        self.started += 1
        start = self.timer.now
        if self.started == STALL_AT and self.stall == "429":
            await self.timer.sleep(0.05)
            return Delivery(Outcome.RATE_LIMITED, retry_after=STALL)
        if self.started == STALL_AT:
            self.slow_until = start + STALL
        slow = start < self.slow_until
        await self.timer.sleep(STALL if slow else next(self.durations))
        self.calls.append((start, self.timer.now))
        self.recipients.append(item.recipient)
        return Delivery(Outcome.SENT)

    def sent_between(self, start: float, end: float) -> int:
        return sum(1 for begun, _ in self.calls if start <= begun < end)


async def broadcast(stall: str, limits: Limits) -> StallingPlatform:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = EventTimer(clock)
    platform = StallingPlatform(timer, stall)
    await queue(uow_factory, clock, *((f"telegram:{n}", "broadcast:b1") for n in range(ROWS)))
    paced = PacedSender(uow_factory, platform, clock, limits, timer)
    assert await paced.run_once() == ROWS + (stall == "429")  # the 429'd row tried twice
    assert set(statuses(uow_factory).values()) == {OutboxStatus.SENT}
    assert len(set(platform.recipients)) == len(platform.recipients) == ROWS  # each once
    return platform


@pytest.mark.parametrize("stall", ["429", "slow"])
async def test_after_a_stall_the_sender_catches_up_at_the_ceiling_and_never_above_it(
    stall: str,
) -> None:
    limits = Limits(per_second=RATE, burst_per_second=CEILING, concurrency=16)
    platform = await broadcast(stall, limits)
    first = platform.calls[0][0]
    assert most_in_one_window(platform.calls) <= CEILING  # in no second above the limit

    # Before the stall: the configured rate.
    assert platform.sent_between(first + 1, first + 4) in range(59, 62)
    # After it: the ceiling, until back on schedule...
    resumed = next(start for start, _ in platform.calls if start > first + STALL_AT / RATE + 1)
    assert platform.sent_between(resumed + 1, resumed + 4) >= 3 * (CEILING - 3)
    # ...so the broadcast ends about when its schedule says (600 at 20/s), not STALL later...
    took = max(start for start, _ in platform.calls) - first
    assert took <= ROWS / RATE + 1.0
    # ...and the last seconds, back on schedule, are at the rate again.
    last = max(start for start, _ in platform.calls)
    assert platform.sent_between(last - 3, last) in range(58, 62)


async def test_without_a_ceiling_above_the_rate_the_stall_is_not_caught_up() -> None:
    platform = await broadcast("429", Limits(per_second=RATE, concurrency=16))
    first = platform.calls[0][0]
    took = max(start for start, _ in platform.calls) - first
    assert took >= ROWS / RATE + STALL - 1.0  # the time lost stays lost
    assert most_in_one_window(platform.calls) <= RATE


async def test_idle_time_builds_no_credit() -> None:
    clock, uow_factory = FakeClock(), MemoryUnitOfWorkFactory()
    timer = EventTimer(clock)
    platform = StallingPlatform(timer, stall="none")
    limits = Limits(per_second=RATE, burst_per_second=CEILING, concurrency=16)
    paced = PacedSender(uow_factory, platform, clock, limits, timer)
    await queue(uow_factory, clock, *((f"telegram:{n}", "b1") for n in range(40)))
    assert await paced.run_once() == 40
    await timer.sleep(120)  # nothing to send for two minutes
    await queue(uow_factory, clock, *((f"telegram:{n}", "b2") for n in range(100)))
    assert await paced.run_once() == 100
    later = sorted(start for start, _ in platform.calls[40:])
    assert later[-1] - later[0] >= 99 / RATE - 0.01  # at the rate, no burst from idle time
