"""Backends for the contract tests: the in-memory fake, SQLite and PostgreSQL.

PostgreSQL is the server at DVC_TEST_POSTGRES_URL (default: the machine's local one). A fresh
database is created for the test session and dropped at the end; each test starts from empty
tables. If the server is down the tests fail: .ci/run starts it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dossier_system_http import HttpDossierSystem
from services.keyed_hash import KeyedHasher
from storage.crypto import JsonCipher
from storage.database import create_engine
from storage.migrate import upgrade
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory, StorageKeys
from tests.contract.fake_one_stop import TOKEN, FakeOneStop
from tests.fakes import MemoryUnitOfWorkFactory

POSTGRES_URL = os.environ.get(
    "DVC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TABLES = (
    "conversation", "processed_update", "draft", "citizen", "citizen_chat", "consent",
    "otp_challenge", "otp_send", "login_lockout", "dossier", "dossier_sequence",
    "status_change", "dossier_follower", "stored_document", "payment_event", "outbox",
    "broadcast", "job_cursor", "chat_status", "zalo_token", "zalo_user", "inbox",
    "dossier_rating",
    "talk", "talk_message",
    "handover",
)  # fmt: skip
KEYS = StorageKeys(JsonCipher(b"c" * 32), KeyedHasher(b"h" * 32))


def run_blocking(coroutine: Any) -> Any:
    """Run a coroutine to completion on its own loop, even from inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _admin(sql: str) -> None:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"dvcbot_test_{secrets.token_hex(4)}"
    run_blocking(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    async def migrate() -> None:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()

    run_blocking(migrate())
    yield url
    run_blocking(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    run_blocking(migrate())
    return path


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    yield engine
    await engine.dispose()


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    yield engine
    await engine.dispose()


@pytest.fixture(params=["memory", "sqlite", "sqlite-inline", "postgres"])
def uow_factory(request: pytest.FixtureRequest) -> Iterator[object]:
    """A unit-of-work factory of each kind; the same contract must hold for all."""
    if request.param == "memory":
        yield MemoryUnitOfWorkFactory()
        return
    if request.param == "sqlite-inline":
        engine: AsyncEngine = request.getfixturevalue("sqlite_engine")
        inline = InlineSqliteUnitOfWorkFactory(str(engine.url), KEYS)
        yield inline
        inline.dispose()
        return
    engine = request.getfixturevalue(f"{request.param}_engine")
    yield SqlUnitOfWorkFactory(engine, KEYS)


@pytest.fixture(params=["sqlite", "postgres"])
def sql_engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """A migrated, empty database of each SQL kind."""
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


@pytest.fixture
async def one_stop() -> AsyncIterator[FakeOneStop]:
    """A fake provincial one-stop system serving its change log over HTTP."""
    server = FakeOneStop(TOKEN)
    await server.start()
    yield server
    server.release.set()
    await server.stop()


@pytest.fixture
async def system(one_stop: FakeOneStop) -> AsyncIterator[HttpDossierSystem]:
    """Our HTTP adapter, pointed at the fake one-stop system."""
    adapter = HttpDossierSystem(one_stop.base_url, TOKEN)
    yield adapter
    await adapter.close()
