"""Migrations on databases that already hold rows: 0005's queued rows become sendable (their
platform filled in), 0006's drafts get version 0; each goes down again on SQLite and
PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from services.broadcasts import Audience, AudienceKind
from services.codec import to_json
from services.outbox import OutboxStatus
from storage.citizens import person_to_json
from storage.database import create_engine
from storage.inbox import PENDING_ONLY
from storage.migrate import alembic_config
from storage.tables import InboxRow, table_of
from storage.types import JsonColumn, UtcDateTime
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS, POSTGRES_URL, _admin
from tests.contract.dossier_samples import T0, citizen, dossier

NEW_TABLES = {"status_change", "dossier_follower", "job_cursor", "broadcast"}
OUTBOX_0004 = sa.table(
    "outbox",
    sa.column("recipient", sa.String), sa.column("event", sa.String),
    sa.column("message", JsonColumn), sa.column("status", sa.String),
    sa.column("attempts", sa.Integer), sa.column("created_at", UtcDateTime),
)  # fmt: skip
CITIZEN_0004 = sa.table(
    "citizen",
    sa.column("id", sa.String), sa.column("id_hash", sa.String),
    sa.column("profile", JsonColumn), sa.column("created_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime),
)  # fmt: skip
DOSSIER_0004 = sa.table(
    "dossier",
    *(sa.column(name, sa.String) for name in ("id", "code", "procedure_id", "agency_id")),
    sa.column("owner", sa.String), sa.column("phase", sa.String),
    sa.column("status", sa.Integer), sa.column("created_at", UtcDateTime),
    sa.column("body", JsonColumn),
)  # fmt: skip
DRAFT_0005 = sa.table(
    "draft",
    *(sa.column(name, sa.String) for name in ("id", "owner", "procedure_id", "agency_id")),
    sa.column("answers", JsonColumn), sa.column("cursor", sa.String),
    sa.column("status", sa.String), sa.column("created_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime),
)  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A database with no schema at all."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
        yield engine
        await engine.dispose()
        return
    name = f"dvcbot_migration_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    engine = create_engine(
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    )
    yield engine
    await engine.dispose()
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrate(engine: AsyncEngine, revision: str, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def shape(engine: AsyncEngine) -> tuple[set[str], set[str], set[str]]:
    """The tables, and the columns of outbox and citizen."""

    def read(connection: Connection) -> tuple[set[str], set[str], set[str]]:
        inspector = sa.inspect(connection)
        return (
            set(inspector.get_table_names()),
            {c["name"] for c in inspector.get_columns("outbox")},
            {c["name"] for c in inspector.get_columns("citizen")},
        )

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def rows_of_0004(engine: AsyncEngine) -> None:
    """What a database at 0004 holds: queued messages, a citizen, a dossier."""
    cipher = KEYS.cipher
    person = citizen("c1", "004195118046").person
    async with engine.begin() as connection:
        for n, recipient in enumerate(["telegram:1", "zalo:2", "web:abc", "sms:9"]):
            await connection.execute(
                OUTBOX_0004.insert().values(
                    recipient=recipient,
                    event=f"receipt:{n}",
                    status="pending",
                    attempts=0,
                    message=cipher.seal({"text": {"id": "receipt"}}, "outbox.message"),
                    created_at=T0,
                )
            )
        await connection.execute(
            CITIZEN_0004.insert().values(
                id="c1",
                id_hash=KEYS.hasher.digest("id", person.id_number),
                profile=cipher.seal(person_to_json(person), "citizen.profile"),
                created_at=T0,
                updated_at=T0,
            )
        )
        old = dossier("d1", 1)
        await connection.execute(
            DOSSIER_0004.insert().values(
                id=old.id,
                code=old.code,
                procedure_id=old.procedure_id,
                agency_id=old.agency_id,
                owner=old.owner,
                phase=old.phase.value,
                status=1,
                created_at=T0,
                body=cipher.seal(to_json(old), "dossier.body"),
            )
        )


async def test_0005_fills_the_platform_of_rows_queued_before_it(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "0004")
    await rows_of_0004(empty_engine)
    await migrate(empty_engine, "head")
    tables, outbox_columns, citizen_columns = await shape(empty_engine)
    assert tables >= NEW_TABLES
    assert {"platform", "batch", "not_before", "error"} <= outbox_columns
    assert "ward_code" in citizen_columns
    async with empty_engine.connect() as connection:
        query = sa.text("SELECT recipient, platform, batch, error FROM outbox ORDER BY id")
        rows = [tuple(row) for row in (await connection.execute(query)).all()]
    assert rows == [
        ("telegram:1", "telegram", None, ""), ("zalo:2", "zalo", None, ""),
        ("web:abc", "web", None, ""), ("sms:9", "", None, ""),
    ]  # fmt: skip
    factory = SqlUnitOfWorkFactory(empty_engine, KEYS)
    async with factory() as uow:
        (due,) = await uow.outbox.due("telegram", T0, 10)  # the old row goes out
        assert due.recipient == "telegram:1" and due.status is OutboxStatus.PENDING
        migrated = await uow.dossiers.get("d1")
        assert migrated is not None and migrated.overdue is False
        assert [d.id for d in await uow.dossiers.search(None, overdue=False)] == ["d1"]
        assert await uow.citizens.get("c1") == citizen("c1", "004195118046")
        await uow.citizens.link("c1", "telegram:1", T0)
        ward = Audience(AudienceKind.WARD, "01273")
        assert await uow.chats.count(ward) == 0  # the ward column is filled at next login
        await uow.citizens.save(citizen("c1", "004195118046"), T0)
        assert await uow.chats.audience(ward, "", 10) == ["telegram:1"]


async def test_0005_goes_down_to_0004_and_up_again(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "0004")
    await rows_of_0004(empty_engine)
    await migrate(empty_engine, "head")
    await migrate(empty_engine, "0004", down=True)
    tables, outbox_columns, citizen_columns = await shape(empty_engine)
    assert not tables & NEW_TABLES
    assert outbox_columns == {
        "id", "recipient", "event", "message", "status", "attempts", "created_at", "sent_at",
    }  # fmt: skip
    assert "ward_code" not in citizen_columns
    async with empty_engine.connect() as connection:
        count = sa.text("SELECT count(*) FROM outbox")
        assert (await connection.execute(count)).scalar_one() == 4  # rows survive
    await migrate(empty_engine, "head")
    async with SqlUnitOfWorkFactory(empty_engine, KEYS)() as uow:
        assert [i.recipient for i in await uow.outbox.due("zalo", T0, 10)] == ["zalo:2"]


async def test_0006_gives_drafts_stored_before_it_version_0(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "0005")
    async with empty_engine.begin() as connection:
        await connection.execute(
            DRAFT_0005.insert().values(
                id="d1", owner="web:a", procedure_id="p", agency_id="a", answers={},
                cursor="", status="filling", created_at=T0, updated_at=T0,
            )
        )  # fmt: skip
    await migrate(empty_engine, "0006")
    async with empty_engine.connect() as connection:
        query = sa.text("SELECT version, dossier_id FROM draft")
        assert [tuple(r) for r in (await connection.execute(query)).all()] == [(0, None)]
    await migrate(empty_engine, "0005", down=True)
    async with empty_engine.connect() as connection:
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("draft")}
        )
    assert not {"version", "dossier_id"} & columns


async def _plan(engine: AsyncEngine, statement: sa.Executable) -> str:
    """How the database would run `statement`, as one text (EXPLAIN, with its values bound)."""
    compiled = statement.compile(dialect=engine.dialect)
    values = tuple(compiled.params[name] for name in compiled.positiontup or ())
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":  # a tiny table: make it show the index it can use
            await connection.exec_driver_sql("SET enable_seqscan = off")
        rows = (await connection.exec_driver_sql(explain + str(compiled), values)).all()
    return " ".join(str(row[-1]) for row in rows)


async def test_0016_a_broadcasts_rows_and_settled_updates_are_still_found_by_index(
    empty_engine: AsyncEngine,
) -> None:
    """Replies (no batch), updates not yet settled and updates applied are kept out of the
    indexes only broadcasts, the purge and the applier's reads use; those still find their
    rows through them, and come out right. Down to 0015 and up again keeps every row."""
    await migrate(empty_engine, "head")
    factory = SqlUnitOfWorkFactory(empty_engine, KEYS)
    async with factory() as uow:
        for n in range(3):
            await uow.outbox.enqueue(f"telegram:{n}", "reply:1:0", {"text": {"key": "x"}}, T0)
            await uow.outbox.enqueue(f"telegram:{n}", "news", {"text": {"key": "y"}}, T0, "b1")
        row = await uow.inbox.add("telegram", "7", "telegram:1", {"update_id": 7}, T0)
        assert row is not None
        await uow.inbox.applied(row.id, T0)
        await uow.inbox.add("telegram", "8", "telegram:1", {"update_id": 8}, T0)
        await uow.commit()
    outbox = sa.table("outbox", sa.column("batch"), sa.column("status"))
    inbox = sa.table("inbox", sa.column("status"), sa.column("settled_at", UtcDateTime))
    counts = (
        sa.select(outbox.c.status, sa.func.count())
        .where(outbox.c.batch == "b1")
        .group_by(outbox.c.status)
    )
    cancel = (
        sa.update(outbox)
        .where(outbox.c.batch == "b1", outbox.c.status == "pending")
        .values(status="cancelled")
    )
    purge = sa.delete(inbox).where(inbox.c.status != "pending", inbox.c.settled_at < T0)
    for statement, index in ((counts, "ix_outbox_batch"), (cancel, "ix_outbox_batch")):
        assert index in await _plan(empty_engine, statement)
    assert "ix_inbox_settled" in await _plan(empty_engine, purge)
    inbox_rows = table_of(InboxRow)
    read = sa.select(inbox_rows).where(inbox_rows.c.platform == "telegram", PENDING_ONLY)
    waiting = sa.select(inbox_rows.c.chat_key).where(PENDING_ONLY)  # processed_retention's
    for statement in (read.order_by(inbox_rows.c.id).limit(200), waiting):
        assert "ix_inbox_pending" in await _plan(empty_engine, statement)
    async with factory() as uow:
        assert await uow.outbox.counts("b1") == {OutboxStatus.PENDING: 3}
        assert await uow.outbox.cancel("b1", T0) == 3
        assert await uow.inbox.purge(T0 + timedelta(days=8)) == 1  # the applied one only
        assert [item.update_id for item in await uow.inbox.pending("telegram")] == ["8"]
        await uow.commit()
    await migrate(empty_engine, "0015", down=True)
    await migrate(empty_engine, "head")
    async with factory() as uow:
        assert await uow.outbox.counts("b1") == {OutboxStatus.CANCELLED: 3}
        assert [item.recipient for item in await uow.outbox.due("telegram", T0, 10)] == [
            "telegram:0",
            "telegram:1",
            "telegram:2",
        ]
