"""Form steps per second through the engine (router + flows + SQL unit of work), one process.

Each simulated citizen opens the birth-registration form, then loops over realistic steps
(typed name, date, ID number, a choice button, back, back…); every step is one transaction:
load state, load and save the draft, save state, record the update. No HTTP in between.
Target (issue "Foundation"): ≥ 500 steps/s with SQLite.

    python bench/form_steps.py                       # SQLite (temp file) and PostgreSQL
    python bench/form_steps.py --postgres URL        # another PostgreSQL server
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile, write_section
from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import ChatAddress, Incoming, Platform
from conversations.router import Router, Update
from storage.unit_of_work import SqlUnitOfWorkFactory

TARGET = 500
CYCLE = ["Nông Thị Hoa", "15/03/1995", "b:o:gioi_tinh:1", "d:skip", "004195012345", "b:d:back",
         "b:d:back", "b:d:back", "b:d:back"]  # fmt: skip


class Citizen:
    """One chat driving the router directly."""

    def __init__(self, router: Router, name: str) -> None:
        self.router = router
        self.address = ChatAddress(Platform.WEB, name)
        self.seq = 0

    async def send(self, move: str) -> None:
        self.seq += 1
        event = Incoming.button(move[2:]) if move.startswith("b:") else Incoming.from_text(move)
        await self.router.handle(Update(self.address, str(self.seq), event))

    async def open_form(self) -> None:
        for move in ("/start", "1.001193", "b:d:apply", "b:d:guest", "b:d:accept", "b:p:w:01273"):
            await self.send(move)


async def run_load(router: Router, chats: int, steps_each: int) -> tuple[float, list[float]]:
    """Fresh chats (new ids, so no update is a redelivery) walking the form concurrently."""
    run = secrets.token_hex(3)
    citizens = [Citizen(router, f"bench-{run}-{n}") for n in range(chats)]
    await asyncio.gather(*(c.open_form() for c in citizens))
    latencies: list[float] = []

    async def walk(citizen: Citizen) -> None:
        for step in range(steps_each):
            start = time.perf_counter()
            await citizen.send(CYCLE[step % len(CYCLE)])
            latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(walk(c) for c in citizens))
    elapsed = time.perf_counter() - start
    return chats * steps_each / elapsed, latencies


async def measure(label: str, url: str, folder: Path, aiosqlite: bool = False) -> list[str]:
    settings = Settings(database_url=url, data_dir=folder)
    app = await build(settings)
    if aiosqlite:  # the plain async engine, for comparison with the inline unit of work
        app.router._uow_factory = SqlUnitOfWorkFactory(app.engine)
    rows = []
    try:
        await run_load(app.router, 4, 50)  # warm up caches and the WAL file
        for chats, steps in ((1, 1000), (16, 125)):
            rate, latencies = await run_load(app.router, chats, steps)
            p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
            met = "meets" if rate >= TARGET else "below"
            verdict = f"{met} ≥ {TARGET}/s" if "SQLite" in label else "—"
            rows.append(
                f"| {label} | {chats} | {chats * steps} | {rate:.0f} | {p50:.2f} | {p95:.2f} "
                f"| {verdict} |"
            )
            print(f"{label}, {chats} chats: {rate:.0f} steps/s, p50 {p50:.2f}, p95 {p95:.2f} ms")
    finally:
        await app.close()
    return rows


async def main(postgres: str) -> None:
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        rows += await measure("SQLite file (inline unit of work, the default)", url, folder)
        rows += await measure("SQLite file via aiosqlite (for comparison)", url, folder, True)
        name = f"dvcbot_bench_{secrets.token_hex(3)}"
        admin = await asyncpg.connect(postgres.replace("+asyncpg", ""))
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = postgres.rsplit("/", 1)[0]
            rows += await measure("PostgreSQL (local)", f"{base}/{name}", folder)
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()
    write_section(
        "form-steps",
        "### Form steps per second (engine + SQL, one process)\n\n"
        "`python bench/form_steps.py` — each chat opens the birth-registration form, then loops "
        "over typed answers, a choice button, a skip and back presses; every step is one "
        "transaction (state, draft, processed-update record). Latency is per step.\n\n"
        "| database | concurrent chats | steps | steps/s | p50 ms | p95 ms | target |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args().postgres))
