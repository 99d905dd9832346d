"""Resident memory of one bot process holding 10,000 stored drafts (SQLite).

Each of 10,000 chats opens the birth-registration form through the engine and answers its
first question, so 10,000 drafts and 10,000 chat states are stored. State lives in the
database, not in the process: memory should not grow with the number of drafts.

    python bench/drafts_memory.py [--drafts 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.common import rss_mib, write_section
from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import ChatAddress, Incoming, Platform
from conversations.router import Router, Update
from storage.tables import DraftRow

MOVES = ("1.001193", "b:d:apply", "b:d:guest", "b:d:accept", "b:p:w:01273", "Nông Thị Hoa")


async def open_drafts(router: Router, start: int, count: int, parallel: int = 32) -> None:
    async def chat(number: int) -> None:
        address = ChatAddress(Platform.WEB, f"mem{number}")
        for seq, move in enumerate(MOVES, 1):
            event = Incoming.button(move[2:]) if move.startswith("b:") else Incoming.from_text(move)
            await router.handle(Update(address, str(seq), event))

    numbers = list(range(start, start + count))
    for offset in range(0, len(numbers), parallel):
        await asyncio.gather(*(chat(n) for n in numbers[offset : offset + parallel]))


async def main(total: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "mem.sqlite3"
        app = await build(Settings(database_url=f"sqlite+aiosqlite:///{db}", data_dir=folder))
        try:
            await open_drafts(app.router, 0, 50)  # warm up
            gc.collect()
            baseline = rss_mib()
            points: list[tuple[int, float]] = []
            done, started = 50, time.perf_counter()
            for target in (1_000, total // 2, total):
                await open_drafts(app.router, done, target - done)
                done = target
                gc.collect()
                points.append((target, rss_mib()))
                print(f"{target:>6} drafts: RSS {points[-1][1]:.1f} MiB")
            elapsed = time.perf_counter() - started
            async with app.sessions() as session:
                stored = (
                    await session.execute(select(func.count()).select_from(DraftRow))
                ).scalar()
            size = db.stat().st_size / 1024 / 1024
        finally:
            await app.close()
    growth = (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0]) * 1024
    rows = "\n".join(f"| {n:,} | {rss:.1f} |" for n, rss in points)
    body = (
        "### Resident memory with 10,000 stored drafts\n\n"
        f"`python bench/drafts_memory.py` — {stored:,} chats each open the birth-registration "
        f"form through the engine and answer its first question ({len(MOVES)} updates each, "
        f"{elapsed:.0f} s in all), on a SQLite file. RSS of the bot process after a garbage "
        f"collection; baseline after start-up and warm-up: **{baseline:.1f} MiB**.\n\n"
        "| drafts stored | RSS MiB |\n|---|---|\n"
        f"{rows}\n\n"
        f"Growth between 1,000 and {total:,} drafts: **{growth:.2f} KiB per draft** "
        f"(database file {size:.1f} MiB). Drafts and chat states live in the database; the "
        "process keeps only the catalogue, the administrative units and per-chat locks while "
        "an update is being applied."
    )
    write_section("drafts-memory", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drafts", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().drafts))
