"""Load: M simulated citizens at once, each doing the whole journey on Telegram by webhook,
against `dvc-bot web --workers N` (N = 1, 2, 4) and one `dvc-bot scheduler` on PostgreSQL.

Per measurement: a fresh database (dropped afterwards), the fake Bot API (tests/e2e/fakes)
in this process POSTing each citizen's updates to /telegram/webhook, and the outside world
played here too (bench/load_outside.py: SMS gateway, population registry, bank). The
citizens run closed-loop, with no think time: each sends its next update as soon as the last
one is answered, and starts a new journey (a new Telegram user, a new person) at the end of
one. Figures come from the steps that end inside the measured window (after a warm-up).

    python bench/load.py                                   # M=24, 1/2/4 workers, twice
    python bench/load.py --citizens 48 --duration 60 --workers 1 2 --runs 1 --no-record
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile
from bench.load_audit import Audit, audit, server_started
from bench.load_journey import Failed, Journey, Stopped, Tally, World
from bench.load_outside import REGISTRY_TOKEN, SMS_TOKEN, Bank, Outside
from bench.load_replies import Inbox, Recognise
from bench.load_report import record
from bench.load_stack import (
    PAYMENT_ACCOUNT,
    SEPAY_SECRET,
    CpuSample,
    Outsiders,
    Stack,
    environment,
    fresh_database,
    new_port,
    quiet_machine,
)
from tests.e2e.fakes import FakeTelegram


@dataclass(frozen=True)
class Result:
    """The figures of one measurement."""

    workers: int
    run: int
    citizens: int
    seconds: float
    tally: Tally
    cpu: CpuSample
    audit: Audit
    restarted: bool  # PostgreSQL restarted meanwhile (someone else's doing on a shared host)
    logged: list[str]  # the last errors the processes logged

    @property
    def rate(self) -> float:
        """Updates (steps) per second over the window."""
        return len(self.tally.latencies) / self.seconds

    def ms(self, pct: float) -> float:
        """A percentile of the step latency, in milliseconds."""
        return 1000 * percentile(self.tally.latencies, pct) if self.tally.latencies else 0.0

    @property
    def errors(self) -> int:
        """Every error of the whole measurement (warm-up and wind-down included)."""
        return sum(self.tally.errors.values()) + self.audit.problems


async def citizen(world: World, numbers: itertools.count[int]) -> None:
    """Journey after journey, each as a new person on a new chat, until the end."""
    while not world.stopping:
        try:
            await Journey(world, next(numbers)).run()
        except Stopped:
            return
        except Failed as failed:
            if failed.kind != "http":  # non-2xx answers are counted attempt by attempt
                world.tally.error(failed.kind, str(failed))


async def drive(world: World, stack: Stack, args: argparse.Namespace) -> CpuSample:
    """Warm up, measure for `duration` seconds, stop; the CPU used during the window."""
    began = time.perf_counter()
    world.tally.window = (began + args.warmup, began + args.warmup + args.duration)
    numbers = itertools.count(1)
    tasks = [asyncio.create_task(citizen(world, numbers)) for _ in range(args.citizens)]
    await asyncio.sleep(args.warmup)
    before = stack.cpu()
    await asyncio.sleep(args.duration)
    used = stack.cpu() - before
    world.stopping = True
    await asyncio.gather(*tasks)
    return used


async def measure(workers: int, run: int, args: argparse.Namespace) -> Result:
    """One measurement on a fresh database and fresh processes, on a quiet machine; again
    (up to --retries times) when other processes took more than --max-other cores."""
    for attempt in range(args.retries + 1):
        busy = await quiet_machine(args.max_busy, args.quiet_wait)
        if busy > args.max_busy:
            print(f"the machine stays {busy:.0%} busy without us: measuring anyway")
        result = await measure_once(workers, run, args)
        calm = result.cpu.other <= args.max_other and not result.restarted
        if calm or attempt == args.retries:
            return result
        why = "PostgreSQL restarted" if result.restarted else "other processes were busy"
        print(f"{describe(result)}\n  {why}: measuring again")
    raise AssertionError("unreachable")


async def measure_once(workers: int, run: int, args: argparse.Namespace) -> Result:
    """One measurement on a fresh database and fresh processes."""
    outside = Outside()
    await outside.start()
    try:
        async with FakeTelegram() as tg, fresh_database(args.postgres) as database:
            with tempfile.TemporaryDirectory(prefix="dvcbot-load-") as tmp:
                data = Path(tmp)
                out = Outsiders(
                    tg.token, tg.url, outside.sms_url, SMS_TOKEN,
                    outside.registry_url, REGISTRY_TOKEN,
                )  # fmt: skip
                env = environment(database, data, new_port(), out, args.framework)
                stack = Stack(env, workers, data)
                bank = Bank(f"{stack.url}/payments/webhook", SEPAY_SECRET, PAYMENT_ACCOUNT)
                world = World(tg, Inbox(tg), Recognise(), outside, bank, Tally())
                try:
                    started = await server_started(database)
                    await stack.start()
                    cpu = await drive(world, stack, args)
                    checked = await audit(database, world.tally)
                finally:
                    await bank.close()
                    await stack.stop()
                    logged = stack.errors_logged()
                    if args.logs:
                        print(stack.log_tail("web"), stack.log_tail("scheduler"))
    finally:
        await outside.stop()
    restarted = checked.server_started != started
    return Result(
        workers, run, args.citizens, args.duration, world.tally, cpu, checked, restarted, logged
    )


def describe(result: Result) -> str:
    """One line for the terminal."""
    tally, cpu = result.tally, result.cpu
    return (
        f"workers {result.workers} run {result.run}: {result.rate:.1f} updates/s, "
        f"p50 {result.ms(50):.0f} / p95 {result.ms(95):.0f} / p99 {result.ms(99):.0f} ms, "
        f"{tally.journeys_in_window} journeys in the window, errors {result.errors} "
        f"{tally.errors or ''} {result.audit.summary()}; CPU (cores) web "
        f"{cpu.cores(cpu.web):.2f}, PostgreSQL {cpu.cores(cpu.postgres):.2f}, generator "
        f"{cpu.cores(cpu.generator):.2f}, scheduler {cpu.cores(cpu.scheduler):.2f}, others "
        f"{cpu.other:.2f}; machine {cpu.busy:.0%} busy"
        + "".join(f"\n  {example}" for example in tally.error_examples)
        + "".join(f"\n  log: {line}" for line in result.logged)
    )


async def main(args: argparse.Namespace) -> None:
    results: list[Result] = []
    for run in range(1, args.runs + 1):
        for workers in args.workers:
            result = await measure(workers, run, args)
            results.append(result)
            print(describe(result), flush=True)
    if args.record:
        record(results, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizens", type=int, default=24, help="M, citizens at once")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=8, help="seconds before measuring")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=2, help="measure each worker count R times")
    parser.add_argument("--framework", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--max-busy", type=float, default=0.15, help="quiet machine: busy ≤")
    parser.add_argument("--quiet-wait", type=float, default=300, help="wait for quiet ≤ s")
    parser.add_argument("--max-other", type=float, default=0.2, help="others' cores ≤")
    parser.add_argument("--retries", type=int, default=2, help="measure again if disturbed")
    parser.add_argument("--no-record", dest="record", action="store_false", help="print only")
    parser.add_argument("--logs", action="store_true", help="print the end of the logs")
    asyncio.run(main(parser.parse_args()))
