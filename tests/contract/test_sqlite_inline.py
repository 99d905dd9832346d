"""The embedded SQLite unit of work keeps one connection: a transaction that failed to commit
must not poison the ones after it (nor lock the database for other processes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from tests.contract.conftest import KEYS

SCHEMA = (
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER"
    " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
)


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[InlineSqliteUnitOfWorkFactory]:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as connection:
        for statement in SCHEMA:
            connection.execute(statement)
    made = InlineSqliteUnitOfWorkFactory(f"sqlite+aiosqlite:///{path}", KEYS)
    yield made
    made.dispose()


def rows(factory: InlineSqliteUnitOfWorkFactory, table: str) -> list[int]:
    """What another connection (another process) sees."""
    other = create_engine(factory.engine.url)
    try:
        with other.connect() as connection:
            return list(connection.execute(text(f"SELECT id FROM {table}")).scalars())
    finally:
        other.dispose()


async def test_after_a_failed_commit_the_next_unit_of_work_writes(
    factory: InlineSqliteUnitOfWorkFactory,
) -> None:
    async with factory() as uow:  # a deferred foreign key: the COMMIT itself fails
        factory.connection().execute(text("INSERT INTO child (id, parent_id) VALUES (1, 7)"))
        with pytest.raises(IntegrityError):
            await uow.commit()
    async with factory() as uow:
        factory.connection().execute(text("INSERT INTO parent (id) VALUES (7)"))
        await uow.commit()
    assert rows(factory, "parent") == [7]  # committed, and no write lock left behind
    assert rows(factory, "child") == []  # the failed unit of work left nothing


async def test_work_not_committed_is_rolled_back(factory: InlineSqliteUnitOfWorkFactory) -> None:
    async with factory():
        factory.connection().execute(text("INSERT INTO parent (id) VALUES (1)"))
    async with factory() as uow:
        factory.connection().execute(text("INSERT INTO parent (id) VALUES (2)"))
        await uow.commit()
    assert rows(factory, "parent") == [2]
