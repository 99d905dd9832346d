"""After a measurement, the database tells what really happened: one dossier per citizen who
committed (no duplicate application, none lost), every delivered update recorded exactly once,
and how many PostgreSQL sessions the workers opened (connection churn)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from bench.load_journey import Tally


@dataclass(frozen=True)
class Audit:
    """What the database holds, against what the citizens saw."""

    dossiers: int
    duplicates: int  # dossiers beyond the first of one chat
    unseen: int  # dossiers no citizen got a code for, or codes with no dossier
    updates_recorded: int
    updates_delivered: int
    receipts_queued: int
    sessions: int  # connections PostgreSQL accepted for this database
    server_started: datetime  # PostgreSQL's start: another one means it restarted meanwhile

    @property
    def problems(self) -> int:
        """Duplicate or lost dossiers, and updates recorded other than once."""
        return self.duplicates + self.unseen + abs(self.updates_recorded - self.updates_delivered)

    def summary(self) -> str:
        """For the terminal."""
        return (
            f"[db: {self.dossiers} dossiers, {self.duplicates} duplicate, {self.unseen} unseen; "
            f"{self.updates_recorded}/{self.updates_delivered} updates recorded; "
            f"{self.receipts_queued} receipts queued; {self.sessions} sessions]"
        )


async def audit(database: str, tally: Tally) -> Audit:
    """Compare the database with the tally (database: the SQLAlchemy URL)."""
    connection = await asyncpg.connect(database.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch("SELECT code, owner FROM dossier")
        owners = {row["owner"] for row in rows}
        codes = {row["code"] for row in rows}
        recorded = await connection.fetchval(
            "SELECT count(*) FROM processed_update WHERE chat_key LIKE 'telegram:%'"
        )
        receipts = await connection.fetchval(
            "SELECT count(*) FROM outbox WHERE event LIKE 'receipt:%'"
        )
        sessions = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        started = await connection.fetchval("SELECT pg_postmaster_start_time()")
    finally:
        await connection.close()
    return Audit(
        dossiers=len(rows),
        duplicates=len(rows) - len(owners),
        unseen=len(codes ^ set(tally.dossier_codes)),
        updates_recorded=int(recorded),
        updates_delivered=tally.delivered,
        receipts_queued=int(receipts),
        sessions=int(sessions or 0),
        server_started=started,
    )


async def server_started(database: str) -> datetime:
    """When the PostgreSQL server started (a restart during a measurement spoils it)."""
    connection = await asyncpg.connect(database.replace("+asyncpg", ""))
    try:
        started: datetime = await connection.fetchval("SELECT pg_postmaster_start_time()")
    finally:
        await connection.close()
    return started
