"""The inbox on each SQL kind (aiosqlite, inline SQLite, PostgreSQL): an update is recorded
once, sealed at rest, listed oldest first until applied or abandoned, and purged once settled
long enough."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.inbox import KEEP, MAX_ATTEMPTS, gives_up
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS

T0 = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "sqlite-inline", "postgres"])
def factory(request: pytest.FixtureRequest) -> Iterator[Any]:
    engine: AsyncEngine = request.getfixturevalue(
        "postgres_engine" if request.param == "postgres" else "sqlite_engine"
    )
    if request.param == "sqlite-inline":
        inline = InlineSqliteUnitOfWorkFactory(str(engine.url), KEYS)
        yield inline
        inline.dispose()
        return
    yield SqlUnitOfWorkFactory(engine, KEYS)


def update(n: int, chat: int = 42, text: str = "CCCD 004195118046") -> dict[str, Any]:
    return {"update_id": n, "message": {"chat": {"id": chat, "type": "private"}, "text": text}}


async def record(factory: Any, *rows: tuple[str, str, str, dict[str, Any]]) -> list[bool]:
    async with factory() as uow:
        done = [await uow.inbox.record(p, u, c, body, T0) for p, u, c, body in rows]
        await uow.commit()
    return done


async def pending(factory: Any, platform: str = "telegram") -> list[tuple[str, str, Any]]:
    async with factory() as uow:
        return [(i.update_id, i.chat_key, i.update) for i in await uow.inbox.pending(platform)]


async def test_an_update_is_recorded_once_per_platform_and_listed_oldest_first(
    factory: Any,
) -> None:
    first = await record(
        factory,
        ("telegram", "7", "telegram:42", update(7)),
        ("telegram", "5", "telegram:43", update(5, 43)),
        ("zalo", "7", "zalo:9", {"event_name": "user_send_text"}),
    )
    again = await record(factory, ("telegram", "7", "telegram:42", update(7, text="changed")))
    assert first == [True, True, True] and again == [False]
    # in the order received (not by id): Telegram's ids grow within a batch anyway
    assert await pending(factory) == [
        ("7", "telegram:42", update(7)),
        ("5", "telegram:43", update(5, 43)),
    ]
    assert [u for u, _, _ in await pending(factory, "zalo")] == ["7"]


async def test_the_update_is_sealed_at_rest(factory: Any) -> None:
    await record(factory, ("telegram", "1", "telegram:42", update(1)))
    async with factory() as uow:
        raw = await uow.inbox._connection.execute(text("SELECT body FROM inbox"))
        stored = str(raw.scalar_one())
    assert "004195118046" not in stored and "CCCD" not in stored


async def test_applied_and_abandoned_updates_leave_the_pending_list(factory: Any) -> None:
    await record(
        factory,
        *[("telegram", str(n), "telegram:42", update(n)) for n in (1, 2, 3)],
    )
    async with factory() as uow:
        one, two, _three = await uow.inbox.pending("telegram")
        await uow.inbox.applied(one.id, T0)
        assert await uow.inbox.failed(two.id, T0, "RuntimeError", final=False) == 1
        await uow.commit()
    async with factory() as uow:
        listed = await uow.inbox.pending("telegram")
        assert [(i.update_id, i.attempts) for i in listed] == [("2", 1), ("3", 0)]
        for attempt in range(2, MAX_ATTEMPTS + 1):
            final = gives_up(attempt)
            assert await uow.inbox.failed(two.id, T0, "RuntimeError", final) == attempt
        await uow.commit()
    assert [u for u, _, _ in await pending(factory)] == ["3"]


async def test_settled_updates_are_purged_after_a_while_pending_ones_never(factory: Any) -> None:
    await record(
        factory,
        *[("telegram", str(n), "telegram:42", update(n)) for n in (1, 2, 3, 4)],
    )
    async with factory() as uow:
        old, recent, failed, _waiting = await uow.inbox.pending("telegram")
        await uow.inbox.applied(old.id, T0)
        await uow.inbox.applied(recent.id, T0 + KEEP)
        await uow.inbox.failed(failed.id, T0, "RuntimeError", final=True)
        await uow.commit()
    async with factory() as uow:
        assert await uow.inbox.purge(T0 + timedelta(seconds=1)) == 2  # the applied and failed
        assert await uow.inbox.purge(T0 + timedelta(seconds=1)) == 0
        await uow.commit()
    async with factory() as uow:
        rows = await uow.inbox._connection.execute(text("SELECT update_id FROM inbox"))
        assert sorted(r[0] for r in rows.all()) == ["2", "4"]


async def test_the_chats_being_applied_are_left_out_of_pending(factory: Any) -> None:
    await record(
        factory,
        ("telegram", "1", "telegram:42", update(1)),
        ("telegram", "2", "telegram:43", update(2, 43)),
        ("telegram", "3", "telegram:44", update(3, 44)),
        ("telegram", "4", "telegram:42", update(4)),
    )
    async with factory() as uow:
        rest = await uow.inbox.pending("telegram", skip={"telegram:42", "telegram:44"})
        everything = await uow.inbox.pending("telegram", limit=3)
    assert [(i.update_id, i.chat_key) for i in rest] == [("2", "telegram:43")]
    assert rest[0].update == update(2, 43)
    assert [i.update_id for i in everything] == ["1", "2", "3"]


async def test_add_returns_the_row_it_recorded_and_nothing_for_a_second_delivery(
    factory: Any,
) -> None:
    """The polling loop hands the added rows straight to the applier, which marks them applied
    by id: each id must be its own row's (SQLite reports it from the insert itself)."""
    async with factory() as uow:
        first = await uow.inbox.add("telegram", "11", "telegram:42", update(11), T0)
        second = await uow.inbox.add("telegram", "12", "telegram:43", update(12, 43), T0)
        again = await uow.inbox.add("telegram", "11", "telegram:42", update(11), T0)
        await uow.commit()
    assert first is not None and second is not None and again is None
    assert first.id != second.id
    async with factory() as uow:
        listed = {i.update_id: i.id for i in await uow.inbox.pending("telegram")}
        assert listed == {"11": first.id, "12": second.id}
        await uow.inbox.applied(second.id, T0)
        await uow.commit()
    assert [u for u, _, _ in await pending(factory)] == ["11"]
