"""Wake-ups on commit: queuing an outbox row wakes its platform's sender in this process
after the commit (never on rollback), and on PostgreSQL other processes hear it too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.wakeup import PostgresListener, Wakeup
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS
from tests.fakes import MemoryUnitOfWorkFactory

NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "sqlite-inline", "postgres"])
def signalled(request: pytest.FixtureRequest) -> tuple[Any, Wakeup]:
    """A unit-of-work factory of each kind whose commits signal a Wakeup."""
    wakeup = Wakeup()
    return factory_of(request.param, request, wakeup), wakeup


def factory_of(kind: str, request: pytest.FixtureRequest, wakeup: Wakeup) -> Any:
    if kind == "memory":
        return MemoryUnitOfWorkFactory(signal=wakeup.signal)
    engine: AsyncEngine = request.getfixturevalue(
        "sqlite_engine" if kind.startswith("sqlite") else "postgres_engine"
    )
    if kind == "sqlite-inline":
        return InlineSqliteUnitOfWorkFactory(str(engine.url), KEYS, wakeup.signal)
    return SqlUnitOfWorkFactory(engine, KEYS, wakeup.signal)


async def test_a_queued_row_wakes_its_platforms_sender_after_commit_only(
    signalled: tuple[Any, Wakeup],
) -> None:
    factory, wakeup = signalled
    telegram, zalo = wakeup.event("outbox:telegram"), wakeup.event("outbox:zalo")
    async with factory() as uow:
        await uow.outbox.enqueue("telegram:1", "e1", {"text": "hi"}, NOW)
        assert not telegram.is_set()  # not before the commit
    assert not telegram.is_set()  # rolled back: nothing was queued
    async with factory() as uow:
        await uow.outbox.enqueue("telegram:1", "e1", {"text": "hi"}, NOW)
        await uow.commit()
    assert telegram.is_set() and not zalo.is_set()
    telegram.clear()
    async with factory() as uow:  # queued before: no new row, no wake-up
        assert not await uow.outbox.enqueue("telegram:1", "e1", {"text": "hi"}, NOW)
        uow.wake("custom")
        await uow.commit()
    assert not telegram.is_set()


@pytest.mark.postgres
async def test_another_process_hears_the_commit_through_notify(
    postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    listening = Wakeup()  # the scheduler's process
    woken = listening.event("outbox:zalo")
    listener = PostgresListener(postgres_url, listening, retry=0.05)
    listener.start()
    try:
        await asyncio.wait_for(listener.listening.wait(), 10)
        woken.clear()  # (set once on connecting)
        writer = SqlUnitOfWorkFactory(postgres_engine, KEYS, Wakeup().signal)  # a web worker
        async with writer() as uow:
            await uow.outbox.enqueue("zalo:9", "e1", {"text": "hi"}, NOW)
        await asyncio.sleep(0.2)
        assert not woken.is_set()  # rolled back: no notification
        async with writer() as uow:
            await uow.outbox.enqueue("zalo:9", "e1", {"text": "hi"}, NOW)
            await uow.commit()
        await asyncio.wait_for(woken.wait(), 10)
    finally:
        await listener.stop()
    assert not listener.listening.is_set()
