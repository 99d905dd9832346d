"""One status-sync sweep: its cost must grow with the changes, not with the dossiers followed.

Each database is seeded in bulk (SQLAlchemy Core on the storage tables; dossier bodies and
notes sealed with the storage cipher the repositories use) with submitted dossiers, each
owned by a logged-in citizen's Telegram chat and followed by another chat. Then status
changes are recorded for a random share of the dossiers and one `push_status_changes` sweep
(the scheduler's job, with the real conversations.status_messages.StatusMessages) turns
them into outbox rows, one per chat. Timed: that sweep alone. Rows: 10,000 and 100,000
dossiers with 1% and 10% changed — equal changes on 10× the dossiers should cost the same.

    python bench/status_sync.py                       # SQLite (temp file) and PostgreSQL
    python bench/status_sync.py --postgres URL        # another PostgreSQL server
    python bench/status_sync.py --no-postgres
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import delete, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section
from bot.bootstrap import Application, build
from bot.settings import Settings
from conversations.status_messages import StatusMessages
from services.codec import to_json
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, HistoryEntry, Phase
from services.status_pushes import push_status_changes
from storage.tables import (
    CitizenChatRow,
    DossierFollowerRow,
    DossierRow,
    OutboxRow,
    StatusChangeRow,
)

DOSSIER = DossierRow.__table__  # type: ignore[attr-defined]
FOLLOWER = DossierFollowerRow.__table__  # type: ignore[attr-defined]
LINK = CitizenChatRow.__table__  # type: ignore[attr-defined]
CHANGE = StatusChangeRow.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
CHUNK = 5_000  # rows per INSERT … VALUES batch
SIZES = (10_000, 100_000)
SHARES = (0.01, 0.10)


@dataclass(frozen=True)
class Sweep:
    """One timed sweep."""

    database: str
    dossiers: int
    changed: int
    seconds: float
    cpu_seconds: float  # this process's CPU time during the sweep (not the server's)
    queued: int

    @property
    def per_change_ms(self) -> float:
        """Milliseconds per status change pushed."""
        return self.seconds / self.changed * 1000


def template(app: Application) -> Dossier:
    """A submitted dossier of a real procedure and agency of the seeded catalogue."""
    procedure = app.catalog.procedures[0]
    agency = next(iter(app.catalog.agencies))
    return Dossier(
        id="",
        code="",
        procedure_id=procedure.id,
        agency_id=agency.id,
        owner="",
        citizen_id=None,
        answers={"ho_ten": "Nông Thị Hoa", "ngay_sinh": "15/03/1995"},
        attachments=(),
        fee=None,
        created_at=T0,
        phase=Phase.SUBMITTED,
        status=DossierStatus.RECEIVED,
        submitted_at=T0,
        due_date=date(2026, 12, 2),
        history=(
            HistoryEntry(1, T0, "citizen"),
            HistoryEntry(2, T0 + timedelta(hours=1), "officer:ubnd"),
        ),
    )


def dossier_rows(app: Application, start: int, stop: int) -> list[dict[str, Any]]:
    """Rows of the dossier table for dossiers number start…stop-1 (bodies sealed)."""
    cipher = app.uow_factory.keys.cipher
    base = template(app)
    agency = next(iter(app.catalog.agencies))
    body = to_json(base)
    rows = []
    for n in range(start, stop):
        code = f"{agency.code}-{(T0 + timedelta(days=n // 9000)):%y%m%d}-{n % 9000 + 1:04d}"
        ids = {"id": f"d{n:07d}", "code": code, "owner": f"telegram:{5_000_000 + n}"}
        ids["citizen_id"] = f"c{n:07d}"
        rows.append(
            {
                **ids,
                "procedure_id": base.procedure_id,
                "agency_id": base.agency_id,
                "phase": base.phase.value,
                "status": int(DossierStatus.RECEIVED),
                "fee": None,
                "created_at": T0,
                "submitted_at": T0,
                "due_date": base.due_date,
                "overdue": False,
                "body": cipher.seal({**body, **ids}, "dossier.body"),
            }
        )
    return rows


async def seed(app: Application, dossiers: int) -> None:
    """Dossiers, each with its owner's chat linked to a citizen and one follower chat."""
    for start in range(0, dossiers, CHUNK):
        stop = min(dossiers, start + CHUNK)
        rows = dossier_rows(app, start, stop)
        links = [
            {"citizen_id": r["citizen_id"], "chat_key": r["owner"], "linked_at": T0, "active": True}
            for r in rows
        ]
        followers = [
            {
                "dossier_id": r["id"],
                "chat_key": f"zalo:{8_000_000 + n}",
                "created_at": T0,
                "seen_at": T0,
            }
            for n, r in enumerate(rows, start)
        ]
        async with app.engine.begin() as connection:
            await connection.execute(DOSSIER.insert(), rows)
            await connection.execute(LINK.insert(), links)
            await connection.execute(FOLLOWER.insert(), followers)


async def record_changes(app: Application, dossiers: int, count: int, rng: random.Random) -> None:
    """Status 4 "Đang xử lý" for `count` dossiers picked at random, as officers record it."""
    cipher = app.uow_factory.keys.cipher
    at = T0 + timedelta(days=1)
    picked = rng.sample(range(dossiers), count)
    rows = [
        {
            "dossier_id": f"d{n:07d}",
            "status": int(DossierStatus.PROCESSING),
            "actor": "officer:ubnd",
            "pushed": False,
            "body": cipher.seal({"note": "Hồ sơ đang được thẩm định."}, "status_change.body"),
            "at": at,
        }
        for n in picked
    ]
    async with app.engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(CHANGE.insert(), rows[start : start + CHUNK])


async def sweep(app: Application, label: str, dossiers: int, share: float) -> Sweep:
    """Record the changes, then time one sweep and count what it queued."""
    changed = round(dossiers * share)
    async with app.engine.begin() as connection:  # earlier rows would make the sweep differ
        await connection.execute(delete(OUTBOX))
        await connection.execute(update(CHANGE).values(pushed=True))
    await record_changes(app, dossiers, changed, random.Random(dossiers + changed))
    if app.engine.dialect.name == "postgresql":
        async with app.engine.begin() as connection:  # what autovacuum does after bulk loads
            await connection.execute(text("ANALYZE"))
    messages = StatusMessages(app.catalog)
    start, cpu = time.perf_counter(), time.process_time()
    result = await push_status_changes(app.uow_factory, messages, app.clock)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    async with app.engine.connect() as connection:
        queued = int((await connection.execute(select(func.count()).select_from(OUTBOX))).scalar())
    assert result.changes == changed and result.queued == queued, (result, queued)
    return Sweep(label, dossiers, changed, seconds, cpu, queued)


class Databases:
    """Where the bench's databases live: files in a folder, or on a PostgreSQL server
    (created for each size, dropped after)."""

    def __init__(self, label: str, folder: Path, postgres: str | None = None) -> None:
        self.label, self.folder, self._postgres = label, folder, postgres
        self._run = secrets.token_hex(3)

    def _admin(self) -> Any:
        assert self._postgres is not None
        return asyncpg.connect(
            self._postgres.rsplit("/", 1)[0].replace("+asyncpg", "") + "/postgres"
        )

    async def create(self, size: int) -> str:
        """A new, empty database for `size` dossiers."""
        if self._postgres is None:
            return f"sqlite+aiosqlite:///{self.folder}/status-sync-{size}.sqlite3"
        name = f"dvcbot_bench_{self._run}_{size}"
        admin = await self._admin()
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return f"{self._postgres.rsplit('/', 1)[0]}/{name}"

    async def drop(self, url: str) -> None:
        """Remove a database made by `create`."""
        if self._postgres is None:
            return
        admin = await self._admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        finally:
            await admin.close()


async def measure(databases: Databases, sizes: tuple[int, ...]) -> list[Sweep]:
    """Every size and share on one kind of database (a fresh one per size)."""
    sweeps = []
    label = databases.label
    for dossiers in sizes:
        url = await databases.create(dossiers)
        settings = Settings(database_url=url, data_dir=databases.folder, _env_file=None)  # type: ignore[call-arg]
        app = await build(settings)
        try:
            started = time.perf_counter()
            await seed(app, dossiers)
            print(f"{label}: {dossiers:,} dossiers seeded in {time.perf_counter() - started:.1f} s")
            for share in SHARES:
                result = await sweep(app, label, dossiers, share)
                sweeps.append(result)
                print(
                    f"{label}: {result.dossiers:,} dossiers, {result.changed:,} changed: sweep "
                    f"{result.seconds:.2f} s ({result.per_change_ms:.2f} ms/change, "
                    f"CPU {result.cpu_seconds:.2f} s), "
                    f"{result.queued:,} rows queued"
                )
        finally:
            await app.close()
            await databases.drop(url)
    return sweeps


def table(sweeps: list[Sweep]) -> str:
    """The report's table."""
    lines = [
        "| database | dossiers | changed | sweep s | ms per change | CPU s | rows queued |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sweeps:
        lines.append(
            f"| {s.database} | {s.dossiers:,} | {s.changed:,} ({s.changed / s.dossiers:.0%}) "
            f"| {s.seconds:.2f} | {s.per_change_ms:.2f} | {s.cpu_seconds:.2f} | {s.queued:,} |"
        )
    return "\n".join(lines)


def verdict(sweeps: list[Sweep]) -> str:
    """Equal numbers of changes among more dossiers: how the sweep time compares."""
    notes = [
        f"{a.database}: {a.changed:,} changes take {a.seconds:.2f} s among {a.dossiers:,} "
        f"dossiers and {b.seconds:.2f} s among {b.dossiers:,} (×{b.seconds / a.seconds:.2f} "
        f"for ×{b.dossiers / a.dossiers:g} the dossiers)"
        for a in sweeps
        for b in sweeps
        if a.database == b.database and a.changed == b.changed and b.dossiers > a.dossiers
    ]
    return "; ".join(notes) + "." if notes else ""


async def main(postgres: str | None, sizes: tuple[int, ...], record: bool) -> None:
    sweeps: list[Sweep] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweeps += await measure(Databases("SQLite file", folder), sizes)
        if postgres:
            sweeps += await measure(Databases("PostgreSQL (local)", folder, postgres), sizes)
    print(verdict(sweeps))
    if not record:
        return
    write_section(
        "status-sync",
        "### One status-sync sweep: cost grows with the changes, not the dossiers\n\n"
        "`python bench/status_sync.py` — submitted dossiers seeded in bulk (SQLAlchemy Core "
        "on the storage tables, bodies sealed with the storage cipher), each owned by a "
        "citizen's linked Telegram chat and followed by one other chat; status 4 recorded "
        "for a random share of them; then one `push_status_changes` sweep (the scheduler's "
        "status_sync job, real `StatusMessages`, 200 changes per transaction) queues one "
        "outbox row per chat: 2 per change. Timed: the sweep alone, outbox emptied before "
        "each. Target: the cost grows with the changes, not with the dossiers.\n\n"
        + table(sweeps)
        + "\n\n"
        + verdict(sweeps),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="dossiers")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    postgres = None if args.no_postgres else args.postgres
    asyncio.run(main(postgres, tuple(args.sizes), not args.no_record))
