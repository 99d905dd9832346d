"""Steps per second through the engine (router + flows + SQL unit of work), one process.

Two scenarios, same harness, so they compare:
- form: each simulated citizen opens the birth-registration form, then loops over realistic
  steps (typed name, date, a choice button, a skip, an ID number, back presses…);
- login: each simulated citizen logs in by one-time code (/login, ID number, phone, the code
  from the SMS, /logout) — the code is issued, hashed, rate-checked and verified for real.
Every step is one transaction: load state, the flow's reads and writes, save state, record
the update. No HTTP in between. Target (issue "Foundation"): ≥ 500 form steps/s with SQLite.

    python bench/form_steps.py                       # SQLite (temp file) and PostgreSQL
    python bench/form_steps.py --postgres URL        # another PostgreSQL server
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile, write_section
from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import ChatAddress, Incoming, Platform
from conversations.router import Router, Update
from services.citizens import Address, Person
from services.identity import Sex
from storage.demo_registry import DemoCitizenRegistry
from storage.unit_of_work import SqlUnitOfWorkFactory

TARGET = 500
FORM_CYCLE = ["Nông Thị Hoa", "15/03/1995", "b:o:gioi_tinh:1", "b:d:skip", "004195012345",
              "b:d:back", "b:d:back", "b:d:back", "b:d:back"]  # fmt: skip
OPEN_FORM = ("/start", "1.001193", "b:d:apply", "b:d:guest", "b:d:accept", "b:p:w:01273")
PEOPLE = 20_000


def bench_people() -> list[Person]:
    """Fictional people with unique ID numbers and phones (one login each)."""
    people = []
    for n in range(PEOPLE):
        people.append(
            Person(
                id_number=f"004190{n:06d}",
                full_name=f"Người Thử {n}",
                birth_date=date(1990, 1, 1),
                sex=Sex.MALE,
                phone=f"091{n:07d}",
                address=Address("04", "Tỉnh Cao Bằng", "01273", "Phường Thục Phán", "Tổ 1"),
            )
        )
    return people


class CapturingSms:
    """An SMS sender that hands codes straight to the simulated citizens."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    async def send(self, phone: str, text: str, chat_key: str) -> None:
        self.codes[phone] = re.findall(r"\b\d{6}\b", text)[0]


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


class Load:
    """Runs a scenario for several concurrent chats and times each step."""

    def __init__(self, router: Router, sms: CapturingSms) -> None:
        self.router, self.sms = router, sms
        self.next_person = 0
        self.latencies: list[float] = []

    async def timed(self, citizen: Citizen, move: str) -> None:
        start = time.perf_counter()
        await citizen.send(move)
        self.latencies.append((time.perf_counter() - start) * 1000)

    async def form(self, citizen: Citizen, steps: int) -> int:
        for move in OPEN_FORM:
            await citizen.send(move)
        for step in range(steps):
            await self.timed(citizen, FORM_CYCLE[step % len(FORM_CYCLE)])
        return steps

    async def login(self, first: Citizen, steps: int) -> int:
        """Citizen after citizen, each on a chat of their own (codes are rate-limited per
        chat and per phone), log in: /login, consent, ID number, phone, code."""
        done = 0
        while done < steps:
            number = self.next_person
            self.next_person += 1
            citizen = Citizen(self.router, f"{first.address.chat_id}-{number}")
            phone = f"091{number:07d}"
            for move in ("/login", "b:d:accept", f"004190{number:06d}", phone):
                await self.timed(citizen, move)
            await self.timed(citizen, self.sms.codes[phone])
            done += 5
        return done

    async def run(self, scenario: str, chats: int, steps_each: int) -> float:
        run = secrets.token_hex(3)
        citizens = [Citizen(self.router, f"bench-{run}-{n}") for n in range(chats)]
        walk = self.form if scenario == "form" else self.login
        self.latencies = []
        start = time.perf_counter()
        done = await asyncio.gather(*(walk(c, steps_each) for c in citizens))
        return sum(done) / (time.perf_counter() - start)


async def measure(label: str, url: str, folder: Path, aiosqlite: bool = False) -> list[str]:
    sms = CapturingSms()
    settings = Settings(database_url=url, data_dir=folder)
    app = await build(settings, sms=sms, registry=DemoCitizenRegistry(bench_people()))
    if aiosqlite:  # the plain async engine, for comparison with the inline unit of work
        app.router._uow_factory = SqlUnitOfWorkFactory(app.engine, app.uow_factory.keys)
    load = Load(app.router, sms)
    rows = []
    try:
        await load.run("form", 4, 50)  # warm up caches and the WAL file
        await load.run("login", 2, 20)
        for scenario, chats, steps in (
            ("form", 1, 1000),
            ("form", 16, 125),
            ("login", 1, 500),
            ("login", 16, 60),
        ):
            rate = await load.run(scenario, chats, steps)
            p50, p95 = percentile(load.latencies, 50), percentile(load.latencies, 95)
            met = "meets" if rate >= TARGET else "below"
            verdict = f"{met} ≥ {TARGET}/s" if scenario == "form" and "SQLite" in label else "—"
            rows.append(
                f"| {label} | {scenario} | {chats} | {len(load.latencies)} | {rate:.0f} "
                f"| {p50:.2f} | {p95:.2f} | {verdict} |"
            )
            print(f"{label}, {scenario}, {chats} chats: {rate:.0f} steps/s, p50 {p50:.2f}, "
                  f"p95 {p95:.2f} ms")  # fmt: skip
    finally:
        await app.close()
    return rows


async def main(postgres: str) -> None:
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inline = f"sqlite+aiosqlite:///{folder}/inline.sqlite3"
        rows += await measure("SQLite file (inline unit of work, the default)", inline, folder)
        plain = f"sqlite+aiosqlite:///{folder}/aiosqlite.sqlite3"
        rows += await measure("SQLite file via aiosqlite (for comparison)", plain, folder, True)
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
        "### Form and login steps per second (engine + SQL, one process)\n\n"
        "`python bench/form_steps.py` — *form*: each chat opens the birth-registration form, "
        "then loops over typed answers, a choice button, a skip and back presses; *login*: "
        "citizen after citizen logs in by one-time code (/login, consent, ID number, phone, "
        "code), with a real code issued, hashed, rate-checked and verified. Every step is one "
        "transaction (state, flow data, processed-update record). Latency is per step.\n\n"
        "| database | scenario | concurrent chats | steps | steps/s | p50 ms | p95 ms | target |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args().postgres))
