"""The load figures as the "load" section of docs/benchmarks.md: every measurement, the
average per worker count with its spread over the runs, where the time goes step by step, and
where the CPU went (which is what explains the scaling on a small machine)."""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bench.common import percentile, write_section

if TYPE_CHECKING:
    from bench.load import Result

JOURNEY = (
    "/start → /login → consent → ID number → shared contact (the code goes out through the "
    "HTTP SMS gateway) → the code → search “tam tru” → the card of *Đăng ký tạm trú* "
    "(1.004194) → apply → ward search → ward → confirm the identity prefilled from the "
    "registry → every question of the form (ethnicity, kept values, email skipped, temporary "
    "address by province → ward search → ward → house, end date, kind, consents, delivery of "
    "the result, refund account skipped) → confirm the form → upload a PDF → documents done "
    "→ submit → commit (dossier code + VietQR photo) → the bank's signed SePay notification "
    "to /payments/webhook, the receipt pushed by the scheduler through the outbox → "
    "/mydossiers (the code must be listed)"
)


def by_workers(results: Sequence[Result]) -> dict[int, list[Result]]:
    """Results grouped by worker count, in the order measured."""
    groups: dict[int, list[Result]] = {}
    for result in results:
        groups.setdefault(result.workers, []).append(result)
    return groups


def efficiency(rate: float, base: float, workers: int) -> str:
    """(throughput_N / throughput_1) / N."""
    return f"{rate / base / workers:.2f}" if base else "—"


def measurement_rows(results: Sequence[Result]) -> list[str]:
    """One row per measurement."""
    base = {r.run: r.rate for r in results if r.workers == min(x.workers for x in results)}
    rows = []
    for r in results:
        cpu, steps = r.cpu, len(r.tally.latencies)
        web_ms = 1000 * cpu.web / steps if steps else 0.0
        rows.append(
            f"| {r.workers} | {r.run} | {r.rate:.1f} | {r.ms(50):.0f} | {r.ms(95):.0f} "
            f"| {r.ms(99):.0f} | {r.errors} / {r.tally.steps_total} "
            f"| {r.tally.journeys_in_window} | {efficiency(r.rate, base.get(r.run, 0), r.workers)} "
            f"| {web_ms:.1f} | {cpu.cores(cpu.web):.2f} / {cpu.cores(cpu.postgres):.2f} / "
            f"{cpu.cores(cpu.generator):.2f} / {cpu.cores(cpu.scheduler):.2f} "
            f"| {cpu.other:.2f} |"
        )
    return rows


def summary_rows(results: Sequence[Result]) -> list[str]:
    """The mean per worker count, with the spread over runs."""
    groups = by_workers(results)
    base = statistics.fmean(r.rate for r in groups[min(groups)])
    rows = []
    for workers, group in groups.items():
        rates = [r.rate for r in group]
        mean = statistics.fmean(rates)
        spread = (max(rates) - min(rates)) / mean if mean else 0.0
        p95 = [r.ms(95) for r in group]
        rows.append(
            f"| {workers} | {len(group)} | **{mean:.1f}** | {min(rates):.1f}–{max(rates):.1f} "
            f"(±{spread / 2:.0%}) | {min(p95):.0f}–{max(p95):.0f} "
            f"| {sum(r.errors for r in group)} | **{efficiency(mean, base, workers)}** |"
        )
    return rows


def step_rows(results: Sequence[Result]) -> tuple[str, list[str]]:
    """p50 / p95 of each kind of step, per worker count (all runs together)."""
    groups = by_workers(results)
    names: list[str] = []
    for result in results:
        names += [n for n in result.tally.by_step if n not in names]
    header = "| step | " + " | ".join(f"{w} worker{'s' * (w > 1)}" for w in groups) + " |"
    rows = [header, "|---|" + "---|" * len(groups)]
    for name in names:
        cells = []
        for group in groups.values():
            values = [v for r in group for v in r.tally.by_step.get(name, [])]
            cells.append(
                f"{1000 * percentile(values, 50):.0f} / {1000 * percentile(values, 95):.0f}"
                if values
                else "—"
            )
        count = sum(len(r.tally.by_step.get(name, [])) for r in results)
        rows.append(f"| {name} ({count}) | " + " | ".join(cells) + " |")
    return header, rows


def trend(results: Sequence[Result]) -> str:
    """What the CPU figures say about the trend, from the figures themselves."""
    groups = by_workers(results)
    cores = os.cpu_count() or 1
    lines = []
    for workers, group in groups.items():
        web = statistics.fmean(r.cpu.cores(r.cpu.web) for r in group)
        pg = statistics.fmean(r.cpu.cores(r.cpu.postgres) for r in group)
        gen = statistics.fmean(r.cpu.cores(r.cpu.generator) for r in group)
        busy = statistics.fmean(r.cpu.busy for r in group)
        per_update = statistics.fmean(
            1000 * r.cpu.web / len(r.tally.latencies) for r in group if r.tally.latencies
        )
        lines.append(
            f"- **{workers} worker{'s' * (workers > 1)}**: the web tier used {web:.2f} of "
            f"{cores} cores ({per_update:.1f} ms of CPU per update), PostgreSQL {pg:.2f}, the "
            f"load generator {gen:.2f}; the machine was {busy:.0%} busy."
        )
    return "\n".join(lines)


def record(results: Sequence[Result], args: argparse.Namespace) -> None:
    """Write the section."""
    first = results[0]
    _, steps = step_rows(results)
    body = (
        "### Load: whole journeys on Telegram by webhook, 1 / 2 / 4 web workers on PostgreSQL\n\n"
        "`python bench/load.py` — for each worker count, a fresh PostgreSQL database, "
        "`dvc-bot web --workers N` (uvicorn worker processes) and one `dvc-bot scheduler`, "
        f"each its own process; **M = {first.citizens} simulated citizens at once**, each "
        "a distinct Telegram user doing the whole journey, one update per step, closed-loop "
        "(the next update as soon as the last is answered, no think time), then a new citizen. "
        "The fake Bot API (tests/e2e/fakes) runs in the load generator and POSTs every update "
        "to /telegram/webhook with the secret header, as Telegram does; the SMS gateway, the "
        "population registry (`SMS_BACKEND=http`, `CITIZEN_REGISTRY=http`) and the bank "
        f"are played there too (bench/load_outside.py). Library: {args.framework}. "
        f"Warm-up {args.warmup:g} s, then {args.duration:g} s measured; each worker count "
        f"measured {args.runs}× (runs interleaved: 1, 2, 4, 1, 2, 4…), on a quiet machine "
        "(the generator waits until other processes leave it idle, and measures again when "
        "they took more than a fifth of a core meanwhile).\n\n"
        f"**The journey ({_count_steps(first)} updates):** {JOURNEY}.\n\n"
        "**Step latency**: from the POST of the update by the fake Bot API until the bot's "
        "last reply of that step reaches the fake (replies go through the outbox, sent by the "
        "scheduler's sender once the update's transaction committed; unpaced, as in "
        "bench/telegram_throughput.py: no 1 s per chat, 1,000 messages/s; a reply's plain "
        "texts joined into one message as in production). **Errors**: any non-2xx webhook "
        "answer, a step without its replies within 10 s, a reply other than the expected one "
        "(matched by catalogue id), an SMS or a receipt "
        "that never comes; and, from the database afterwards, duplicate or lost dossiers and "
        "updates not recorded exactly once — counted over the whole run, warm-up included. "
        "**Scaling efficiency** = (updates/s with N workers ÷ with 1) ÷ N.\n\n"
        "| workers | runs | updates/s (mean) | range | p95 ms range | errors | efficiency |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(summary_rows(results)) + "\n\n"
        "Every measurement (CPU in cores, averaged over the measured window: web tier / "
        "PostgreSQL / load generator / scheduler; *others* = the rest of the machine):\n\n"
        "| workers | run | updates/s | p50 ms | p95 ms | p99 ms | errors / updates | journeys "
        "| efficiency | web CPU ms/update | CPU web / PG / gen / sched | others |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(measurement_rows(results))
        + "\n\nStep latency p50 / p95 in ms by kind of step (all runs; count in brackets):\n\n"
        + "\n".join(steps)
        + "\n\n**Where the CPU went:**\n\n"
        + trend(results)
        + "\n\n"
        + EXPLANATION
    )
    write_section("load", body)


def _count_steps(result: Result) -> int:
    """Updates in one complete journey."""
    return result.tally.journey_steps


EXPLANATION = ""
