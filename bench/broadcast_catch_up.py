"""A broadcast that falls behind (a 429 retry_after mid-way) catches up to its rate, never
above the platform's limit.

The real sending path, as bench/broadcast_throughput.py runs it: `dvc-bot scheduler` as its
own process (broadcast tick → outbox → paced sender → python-telegram-bot → HTTP) on a SQLite
file with N Telegram chats and one broadcast to them all; the fake Bot API enforces 30
messages/s (429 beyond) and, once a third of the chats got the message, answers one send with
429 retry_after (`--stall` seconds). The sender runs at `--rate` (below the limit, so there is
room to catch up) with TELEGRAM_BURST_PER_SECOND=30, then the same run with the burst at 0
(no faster than the rate: the sender before catch-up). Each accepted message is time-stamped
where Telegram sees it; the rates are per phase of the same run: before the stall, catching
up (from the first message after it until the count is back on the rate's schedule), after.

    python bench/broadcast_catch_up.py [--chats 900] [--rate 24] [--stall 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.broadcast_throughput import (
    TELEGRAM_PER_SECOND,
    Observed,
    observe,
    scheduler_env,
    seed,
    spawn,
    stop,
    tail,
    wait_sent,
)
from bench.common import write_section
from tests.e2e.fakes.request_params import Params
from tests.e2e.fakes.telegram_api import FakeTelegram


@dataclass(frozen=True)
class Phases:
    """The figures of one run (seconds from the first accepted message)."""

    burst: float
    before: float  # msg/s before the stall
    catching_up: float  # msg/s after the stall until back on schedule (or the end)
    catch_up_seconds: float  # how long that took (inf: never back on schedule)
    after: float  # msg/s once back on schedule (0: never)
    took: float  # first to last message
    schedule: float  # what the rate alone says it takes
    busiest_second: int  # the most messages accepted in any one-second window
    refused_429: int  # by the fake's rate limit (the one induced 429 left out)


def busiest(accepted: list[float]) -> int:
    """The most accepted messages within any one second (sliding)."""
    most, start = 0, 0
    for end, at in enumerate(accepted):
        while accepted[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def phases(accepted: list[float], stalled_at: int, rate: float, burst: float) -> Phases:
    """Split one run's accepted times at the stall and at the return to the schedule."""
    times = [t - accepted[0] for t in accepted]
    stall = times[stalled_at - 1]
    resumed = next(i for i, t in enumerate(times) if i >= stalled_at and t > stall + 1.0)
    # Back on schedule: the first message sent no later than the rate's schedule says.
    back = next((i for i in range(resumed, len(times)) if times[i] <= i / rate + 0.5), None)
    before = (stalled_at - 1) / stall if stall else 0.0
    end = back if back is not None else len(times) - 1
    span = times[end] - times[resumed]
    after = (len(times) - 1 - back) / (times[-1] - times[back]) if back is not None else 0.0
    return Phases(
        burst=burst,
        before=before,
        catching_up=(end - resumed) / span if span > 0 else 0.0,
        catch_up_seconds=span if back is not None else float("inf"),
        after=after,
        took=times[-1],
        schedule=(len(times) - 1) / rate,
        busiest_second=busiest(times),
        refused_429=0,
    )


def stall_after(tg: FakeTelegram, seen: Observed, count: int, retry_after: int) -> None:
    """Once `count` messages were accepted, the next send is answered 429 retry_after."""
    original = tg.call

    async def stalling(method: str, params: Params) -> Any:
        result = await original(method, params)
        if method.lower() == "sendmessage" and len(seen.accepted) == count:
            tg.fail_next("sendMessage", 429, retry_after=retry_after)
        return result

    tg.call = stalling  # type: ignore[method-assign]


async def measure(chats: int, rate: float, burst: float, stall: int) -> Phases:
    """One broadcast with one 429 (retry_after `stall`) once a third of it is sent."""
    seen = Observed()
    stalled_at = chats // 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with FakeTelegram() as tg:
            tg.enforce_rate(global_per_s=TELEGRAM_PER_SECOND, per_chat_per_s=1)
            await seed(root, tg, chats)
            observe(tg, seen)

            stall_after(tg, seen, stalled_at, stall)
            env = scheduler_env(root, tg, rate, 1.0)
            env["TELEGRAM_BURST_PER_SECOND"] = str(burst)
            began = time.monotonic()
            process = spawn(root, env)
            try:
                await wait_sent(process, seen, chats, began + 120 + 3 * chats / rate, 0.0)
            except RuntimeError as error:
                raise RuntimeError(f"{error}; log:\n{tail(root / 'scheduler.log')}") from None
            finally:
                await stop(process)
    figures = phases(seen.accepted, stalled_at, rate, burst)
    return Phases(**{**figures.__dict__, "refused_429": max(seen.refused_429 - 1, 0)})


def row(run: Phases, rate: float) -> str:
    """One line of the report's table."""
    burst = f"{run.burst:g}/s" if run.burst else "0 (the rate)"
    back = (
        f"{run.catch_up_seconds:.1f}" if run.catch_up_seconds != float("inf") else "not by the end"
    )
    after = f"{run.after:.1f}" if run.after else "—"
    return (
        f"| {rate:g}/s | {burst} | {run.before:.1f} | {run.catching_up:.1f} | {back} | {after} "
        f"| {run.took:.1f} | {run.schedule:.1f} | {run.took - run.schedule:.1f} "
        f"| {run.busiest_second} | {run.refused_429} |"
    )


async def main(chats: int, rate: float, stall: int, record: bool) -> None:
    runs = []
    for burst in (float(TELEGRAM_PER_SECOND), 0.0):
        run = await measure(chats, rate, burst, stall)
        runs.append(run)
        print(
            f"rate {rate:g}/s, burst {run.burst:g}: before {run.before:.1f}/s, catching up "
            f"{run.catching_up:.1f}/s for {run.catch_up_seconds:.1f} s, after {run.after:.1f}/s;"
            f" took {run.took:.1f} s (schedule {run.schedule:.1f} s); busiest second "
            f"{run.busiest_second}; 429s from the limit: {run.refused_429}"
        )
    if not record:
        return
    write_section(
        "broadcast-catch-up",
        "### A broadcast catches up after a 429, never above the limit\n\n"
        "`python bench/broadcast_catch_up.py` — `dvc-bot scheduler` as its own process sends "
        f"one broadcast to {chats:,} Telegram chats through the fake Bot API, which enforces "
        f"30 messages/s and answers one send with 429 retry_after={stall} once a third of the "
        f"chats got it. The sender's rate is {rate:g}/s; with the burst at 30/s it catches up "
        "after the pause, with the burst at 0 (no faster than the rate, as before) it does "
        "not. Rates per phase of the same run, measured where Telegram accepts each message; "
        "*busiest second*: the most messages accepted in any sliding one-second window. "
        "Before the 429 the rate may read a little above the configured one: waiting for the "
        "first queuing tick leaves the sender behind at the start, which it catches up too. "
        "The machine must have room for the ceiling: on this one, shared with other jobs "
        "(load average about 9 on 2 cores), a run at 24/s caught up at only about 25/s.\n\n"
        "| rate | burst | before the 429, msg/s | after it, msg/s | back on schedule after, s "
        "| then, msg/s | took s | schedule s | behind at the end, s | busiest second "
        "| 429s from the limit |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(row(r, rate) for r in runs),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=900)
    parser.add_argument("--rate", type=float, default=24.0)
    parser.add_argument("--stall", type=int, default=5, help="the 429's retry_after, seconds")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    asyncio.run(main(args.chats, args.rate, args.stall, not args.no_record))
