"""A job run when woken: a burst of wake-ups is one run, a wake-up during a run is one more,
a failing run does not stop the next, and stop ends it."""

from __future__ import annotations

import asyncio

from bot.wake_jobs import run_when_woken


async def test_a_burst_is_one_run_and_a_wake_up_during_a_run_is_one_more() -> None:
    event, stop, release, started = (asyncio.Event() for _ in range(4))
    runs: list[int] = []

    async def job() -> None:
        runs.append(len(runs) + 1)
        started.set()
        await release.wait()

    task = asyncio.create_task(run_when_woken(event, stop, job, "test", debounce=0.01))
    for _ in range(10):
        event.set()
    await started.wait()
    assert runs == [1]
    for _ in range(5):  # changes committed while the run is under way
        event.set()
    started.clear()
    release.set()
    await started.wait()
    assert runs == [1, 2]
    stop.set()
    await task
    assert runs == [1, 2] and not event.is_set()


async def test_a_failing_run_does_not_stop_the_next_wake_up() -> None:
    event, stop, first, second = (asyncio.Event() for _ in range(4))
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)
        if len(runs) == 1:
            first.set()
            raise RuntimeError("the database went away")
        second.set()

    task = asyncio.create_task(run_when_woken(event, stop, job, "test", debounce=0.01))
    event.set()
    await first.wait()
    event.set()
    await second.wait()
    stop.set()
    await task
    assert len(runs) == 2


async def test_stop_ends_it_without_a_run() -> None:
    event, stop = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    task = asyncio.create_task(run_when_woken(event, stop, job, "test", debounce=0.01))
    stop.set()
    await task
    assert runs == []
