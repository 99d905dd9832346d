"""The router on real databases: atomic, once-only, ordered per chat, across workers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from conversations.flood import Limits
from conversations.flow import Settings
from conversations.messages import Incoming
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.inbox import APPLYING, Applying
from services.places import Places
from storage.database import session_factory
from storage.tables import DraftRow, ProcessedUpdateRow
from storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.chat import ChatDriver
from tests.contract.conftest import KEYS
from tests.fakes import FakeClock, MemoryStaging, SequentialIds

T0 = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def make_router(
    engine: AsyncEngine,
    catalog: Catalog,
    places: Places,
    identity: Identity,
    flood_limits: Limits | None = None,
) -> Router:
    factory = SqlUnitOfWorkFactory(engine, KEYS)
    return Router(
        factory,
        catalog,
        places,
        FakeClock(),
        SequentialIds(),
        identity,
        Filing(MemoryStaging()),
        Settings(),
        flood_limits=flood_limits,
    )


async def disk_full(*_: object) -> None:
    """A write that fails, as on a full disk."""
    raise RuntimeError("disk full")


async def count(engine: AsyncEngine, table: Any) -> int:
    async with session_factory(engine)() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_form_step_and_a_redelivery(
    sql_engine: AsyncEngine, catalog: Catalog, places: Places, identity: Identity
) -> None:
    chat = ChatDriver(make_router(sql_engine, catalog, places, identity))
    await chat.send("1.001193")
    await chat.apply_as_guest()
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    first = await chat.apply(Incoming.from_text("Nông Thị Hoa"), update_id="name")
    again = await chat.apply(Incoming.from_text("Nông Thị Hoa"), update_id="name")
    assert again == first and first[-1].text.key == "form.question"
    async with session_factory(sql_engine)() as session:
        (answers,) = (await session.execute(select(DraftRow.answers))).one()
        states = (await session.execute(text("SELECT state FROM conversation"))).scalars().all()
    # Encrypted at rest: the row holds no readable answer; the key opens it.
    assert "Nông" not in str(answers) and "Nông" not in str(states)
    assert KEYS.cipher.open(answers, "draft.answers") == {"ho_ten": "Nông Thị Hoa"}
    assert await count(sql_engine, ProcessedUpdateRow) == chat.seq + 1


async def test_a_failing_step_saves_nothing_and_can_be_retried(
    sql_engine: AsyncEngine,
    catalog: Catalog,
    places: Places,
    identity: Identity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat = ChatDriver(make_router(sql_engine, catalog, places, identity))
    await chat.send("1.004194")
    await chat.apply_as_guest()
    await chat.send("Thục Phán")
    real_add = SqlUnitOfWork.__aenter__

    async def broken(self: SqlUnitOfWork) -> SqlUnitOfWork:
        uow = await real_add(self)
        uow.drafts.add = disk_full  # type: ignore[method-assign]
        return uow

    monkeypatch.setattr(SqlUnitOfWork, "__aenter__", broken)
    pick = chat.find_button("Thục Phán").payload
    with pytest.raises(RuntimeError):
        await chat.apply(Incoming.button(pick), update_id="pick")
    assert await count(sql_engine, DraftRow) == 0
    monkeypatch.undo()
    await chat.apply(Incoming.button(pick), update_id="pick")  # the redelivery now succeeds
    assert chat.keys == ["form.started", "form.question"]
    assert await count(sql_engine, DraftRow) == 1


async def test_an_inbox_row_is_marked_applied_with_its_update_and_only_then(
    sql_engine: AsyncEngine,
    catalog: Catalog,
    places: Places,
    identity: Identity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The update of an inbox row is applied and the row marked applied in one transaction:
    a crash can no longer fall between them. A step that fails marks nothing; a redelivery
    (nothing applied) and a row the applier is done with are left to the applier."""
    chat = ChatDriver(make_router(sql_engine, catalog, places, identity))
    factory = SqlUnitOfWorkFactory(sql_engine, KEYS)
    async with factory() as uow:
        rows = [
            await uow.inbox.add("telegram", str(n), chat.address.key, {"update_id": n}, T0)
            for n in (1, 2, 3, 4)
        ]
        await uow.commit()
    first, second, third, fourth = (row.id for row in rows if row is not None)

    async def apply(row: int, text: str, update_id: str, *, done: bool = False) -> Applying:
        applying = Applying(row, open=not done)
        token = APPLYING.set(applying)
        try:
            await chat.apply(Incoming.from_text(text), update_id=update_id)
        finally:
            APPLYING.reset(token)
        return applying

    async def pending() -> list[int]:
        async with factory() as uow:
            return [item.id for item in await uow.inbox.pending("telegram")]

    assert (await apply(first, "/start", "1")).marked
    assert await pending() == [second, third, fourth]
    assert not (await apply(second, "/start", "1")).marked  # the same update again
    assert not (await apply(third, "/help", "3", done=True)).marked
    assert await pending() == [second, third, fourth]

    monkeypatch.setattr(SqlUnitOfWork, "commit", disk_full)
    applying = Applying(fourth)
    token = APPLYING.set(applying)
    with pytest.raises(RuntimeError):
        await chat.apply(Incoming.from_text("/help"), update_id="4")
    APPLYING.reset(token)
    monkeypatch.undo()
    assert not applying.marked
    assert await pending() == [second, third, fourth]


async def test_one_chat_is_applied_in_order_even_across_two_workers(
    sql_engine: AsyncEngine, catalog: Catalog, places: Places, identity: Identity
) -> None:
    """Two routers (two worker processes) take updates of the same chat at the same time."""
    workers = [make_router(sql_engine, catalog, places, identity) for _ in range(2)]
    chat = ChatDriver(workers[0])
    await chat.send("/start")
    updates = [(str(100 + n), Incoming.from_text("/help")) for n in range(12)]

    async def deliver(index: int, update_id: str, event: Incoming) -> None:
        driver = ChatDriver(workers[index % 2], chat_id=chat.chat_id)
        await driver.apply(event, update_id=update_id)

    await asyncio.gather(*(deliver(i, uid, ev) for i, (uid, ev) in enumerate(updates)))
    # Every update was applied exactly once: none lost to a concurrent overwrite.
    assert await count(sql_engine, ProcessedUpdateRow) == 1 + len(updates)
    async with session_factory(sql_engine)() as session:
        rows = (await session.execute(text("SELECT count(*) FROM conversation"))).scalar_one()
    assert rows == 1


async def test_a_flood_is_counted_once_across_two_workers(
    sql_engine: AsyncEngine, catalog: Catalog, places: Places, identity: Identity
) -> None:
    """The count is in the chat's row: two workers taking a burst of one chat at once serve
    the first 20 updates, warn once, and answer the rest with nothing."""
    workers = [make_router(sql_engine, catalog, places, identity, Limits()) for _ in range(2)]

    async def deliver(index: int) -> list[str]:
        driver = ChatDriver(workers[index % 2], chat_id="flooder")
        return [m.text.key for m in await driver.apply(Incoming.from_text("/menu"), str(index))]

    replies = await asyncio.gather(*(deliver(i) for i in range(30)))
    assert sum(1 for keys in replies if keys[-1:] == ["menu.main"]) == 20
    assert replies.count(["flood.too_fast"]) == 1 and replies.count([]) == 9
