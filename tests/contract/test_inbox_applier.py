"""The inbox's applier fed as the poller feeds it: rows handed over as recorded (not read
again) are applied once each, in update order per chat, also when one of them fails and is
retried while later rows of its chat keep arriving."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox_applier import InboxApplier
from services.inbox import InboxItem
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS

T0 = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "sqlite-inline"])
def factory(request: pytest.FixtureRequest) -> Iterator[Any]:
    engine: AsyncEngine = request.getfixturevalue("sqlite_engine")
    if request.param == "sqlite-inline":
        inline = InlineSqliteUnitOfWorkFactory(str(engine.url), KEYS)
        yield inline
        inline.dispose()
        return
    yield SqlUnitOfWorkFactory(engine, KEYS)


async def add(factory: Any, *updates: tuple[int, str]) -> list[InboxItem]:
    """Record (update id, chat) rows in one transaction, as the poller does; the new rows."""
    async with factory() as uow:
        rows = [
            await uow.inbox.add("telegram", str(n), chat, {"update_id": n}, T0)
            for n, chat in updates
        ]
        await uow.commit()
    return [row for row in rows if row is not None]


async def test_a_row_added_is_the_row_pending_reads_and_is_added_once(factory: Any) -> None:
    (row,) = await add(factory, (7, "telegram:42"))
    assert await add(factory, (7, "telegram:42")) == []  # the same update again
    async with factory() as uow:
        (read,) = await uow.inbox.pending("telegram")
    assert (read.id, read.update_id, read.chat_key, read.update) == (
        row.id, "7", "telegram:42", {"update_id": 7},
    )  # fmt: skip


async def test_offered_rows_are_applied_once_in_order_also_around_a_failure(
    factory: Any,
) -> None:
    applied: list[int] = []
    failures = {3: 1}  # update 3 fails once, then succeeds

    async def apply(update: Mapping[str, Any]) -> None:
        n = int(update["update_id"])
        if failures.get(n):
            failures[n] -= 1
            raise RuntimeError("flaky")
        applied.append(n)

    async def apologise(_update: Mapping[str, Any]) -> None:
        raise AssertionError("nothing gives up here")

    app = SimpleNamespace(uow_factory=factory, clock=SimpleNamespace(now=lambda: T0))
    applier = InboxApplier(app, "telegram", apply, apologise, retry_delay=0)  # type: ignore[arg-type]
    await applier.start()
    try:
        await applier.drained(5)
        updates = [(n, f"telegram:{n % 2}") for n in range(1, 13)]  # two chats, interleaved
        for start in range(0, 12, 2):  # batches of two, handed over as recorded
            applier.offer(await add(factory, *updates[start : start + 2]))
            for _ in range(start % 3):  # the applier goes on meanwhile, more or less
                await asyncio.sleep(0)
        await applier.drained(5)
    finally:
        await applier.stop()
    assert sorted(applied) == list(range(1, 13))  # each once
    for chat in (0, 1):
        mine = [n for n in applied if n % 2 == chat]
        assert mine == sorted(mine)  # the retried 3 still before 5, 7, 9, 11
    async with factory() as uow:
        assert await uow.inbox.pending("telegram") == []


def message(update_id: int, chat: int) -> dict[str, Any]:
    """A text message update as getUpdates returns it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_765_000_000,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
            "text": f"update {update_id}",
        },
    }


async def test_the_poller_lets_updates_gather_while_the_applier_is_busy(
    factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an update is being applied, the next getUpdates waits (up to GATHER_SECONDS) so
    that what arrives meanwhile comes as one batch; once the applier is idle it asks at once.
    Nothing is lost or applied twice, and each chat's updates keep their order."""
    from bot.channels import telegram_polling

    monkeypatch.setattr(telegram_polling, "GATHER_SECONDS", 60.0)  # never the bound here
    release = asyncio.Event()
    applied: list[int] = []
    calls: list[int | None] = []  # the offset of each getUpdates
    waiting: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()  # what Telegram holds

    async def handle(update: Mapping[str, Any]) -> None:
        if int(update["update_id"]) == 1:
            await release.wait()  # the first update takes long to apply
        applied.append(int(update["update_id"]))

    async def apologise(_update: Mapping[str, Any]) -> None:
        raise AssertionError("nothing fails here")

    async def fetch(offset: int | None, _timeout: int) -> list[dict[str, Any]]:
        calls.append(offset)
        batch = await waiting.get()
        while not waiting.empty():  # everything Telegram holds by now, in one answer
            batch += waiting.get_nowait()
        return batch

    app = SimpleNamespace(uow_factory=factory, clock=SimpleNamespace(now=lambda: T0))
    channel = SimpleNamespace(handle=handle, apologise=apologise)
    polling = telegram_polling.InboxPolling(app, channel, fetch, 10)  # type: ignore[arg-type]
    await polling.applier.start()
    task = asyncio.create_task(polling._poll())
    try:
        await polling.applier.drained(5)
        waiting.put_nowait([message(1, 100)])
        for _ in range(50):  # the first batch recorded and handed to the applier
            await asyncio.sleep(0.01)
        assert calls == [None]  # busy applying update 1: no second getUpdates yet
        for n in range(2, 6):  # four more updates arrive meanwhile, two chats
            waiting.put_nowait([message(n, 100 + n % 2)])
        await asyncio.sleep(0.05)
        assert calls == [None]
        release.set()  # the applier becomes idle: the poller asks at once, gets all four
        await polling.applier.drained(5)
        for _ in range(100):
            if len(calls) >= 3 and sorted(applied) == [1, 2, 3, 4, 5]:
                break
            await asyncio.sleep(0.01)
        assert calls[:3] == [None, 2, 6]  # the four came in one batch
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await polling.applier.stop()
    assert sorted(applied) == [1, 2, 3, 4, 5]
    for chat in (0, 1):
        mine = [n for n in applied if n % 2 == chat]
        assert mine == sorted(mine)
