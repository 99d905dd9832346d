"""Status changes read from a remote one-stop system (over real HTTP, from the local fake) and
applied to the fake, SQLite and PostgreSQL stores: in order, once, resuming after a failure or
a crash, and pushed to the citizen's chats like changes made here."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from types import TracebackType
from typing import Any

import pytest

from bot.dossier_system_http import HttpDossierSystem
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, StatusChange
from services.outbox import OutboxItem
from services.remote_changes import (
    DossierSystemUnavailable,
    cursor_key,
    ingest,
)
from services.status_pushes import Reminder, push_status_changes
from tests.contract.dossier_samples import T0, citizen, code, dossier, store, stored
from tests.contract.fake_one_stop import NAME, TOKEN, FakeOneStop, Fault
from tests.contract.fake_one_stop import stored_cursor as cursor
from tests.fakes import FakeClock

ACTOR = "remote:igate"
S = DossierStatus


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0 + timedelta(days=1))


async def test_ingest_applies_changes_in_order_and_advances_the_cursor(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2))
    t = [T0 + timedelta(hours=n) for n in range(5)]
    one_stop.append(code(1), 2, t[1])
    one_stop.append(code(2).lower().replace("-", " "), 2, t[1])  # as a person would type it
    one_stop.append(code(1), 4, t[2], "Chuyển phòng Tư pháp")
    one_stop.append(code(1), 5, t[3], "Bổ sung bản sao giấy chứng sinh")
    one_stop.append(code(1), 4, t[4])
    result = await ingest(uow_factory, system, clock, NAME)
    assert (result.applied, result.pages, result.cursor, result.unexpected) == (5, 2, 5, 0)
    assert [r.after for r in one_stop.requests] == ["0", "5"]  # the last page was empty
    assert await cursor(uow_factory) == 5
    a, log = await stored(uow_factory, "a")
    assert a.status is S.PROCESSING
    assert [(h.status, h.at, h.actor, h.remote_id) for h in a.history[1:]] == [
        (2, t[1], ACTOR, "igate-1"), (4, t[2], ACTOR, "igate-3"),
        (5, t[3], ACTOR, "igate-4"), (4, t[4], ACTOR, "igate-5"),
    ]  # fmt: skip
    assert [(c.status, c.at, c.actor, c.note) for c in log] == [
        (2, t[1], ACTOR, ""), (4, t[2], ACTOR, "Chuyển phòng Tư pháp"),
        (5, t[3], ACTOR, "Bổ sung bản sao giấy chứng sinh"), (4, t[4], ACTOR, ""),
    ]  # fmt: skip
    assert a.supplement_at is None and a.supplement_note == ""  # 5 left again
    b, log = await stored(uow_factory, "b")
    assert b.status is S.RECEIVED and [c.status for c in log] == [2]


async def test_a_supplement_request_starts_the_reminders_clock(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1, S.PROCESSING))
    one_stop.append(code(1), 5, T0 + timedelta(hours=3), "Thiếu bản sao CCCD")
    await ingest(uow_factory, system, clock, NAME)
    a, _ = await stored(uow_factory, "a")
    assert a.status is S.SUPPLEMENT_REQUESTED
    assert (a.supplement_at, a.supplement_note) == (T0 + timedelta(hours=3), "Thiếu bản sao CCCD")


async def test_running_twice_or_rereading_applies_nothing_twice(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2))
    one_stop.append(code(1), 2, T0)
    one_stop.append(code(2), 2, T0)
    one_stop.append(code(1), 4, T0)
    assert (await ingest(uow_factory, system, clock, NAME)).applied == 3
    again = await ingest(uow_factory, system, clock, NAME)
    assert (again.applied, again.pages, again.cursor) == (0, 1, 3)
    async with uow_factory() as uow:  # the remote system re-sends its whole log
        await uow.cursors.set(cursor_key(NAME), 0, clock.now())
        await uow.commit()
    reread = await ingest(uow_factory, system, clock, NAME)
    assert (reread.applied, reread.duplicates, reread.cursor) == (0, 3, 3)
    a, log = await stored(uow_factory, "a")
    assert [c.status for c in log] == [2, 4] and len(a.history) == 3
    _, log = await stored(uow_factory, "b")
    assert [c.status for c in log] == [2]


async def test_a_change_to_the_status_it_has_is_not_applied(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1, S.PROCESSING))
    one_stop.append(code(1), 4, T0, "Chờ ký duyệt")  # a finer internal status, same code
    result = await ingest(uow_factory, system, clock, NAME)
    assert (result.applied, result.unchanged, result.cursor) == (0, 1, 1)
    a, log = await stored(uow_factory, "a")
    assert log == [] and len(a.history) == 1


async def test_catch_up_after_downtime_reads_every_page(
    uow_factory: Any, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    one_stop.max_limit = 45  # the remote system pages shorter than asked: still caught up
    await store(uow_factory, *(dossier(f"d{n}", n) for n in range(1, 101)))
    for status in (2, 4, 9):
        for n in range(1, 101):
            one_stop.append(code(n), status, T0 + timedelta(minutes=status))
    adapter = HttpDossierSystem(one_stop.base_url, TOKEN)
    try:
        result = await ingest(uow_factory, adapter, clock, NAME, page=50)
    finally:
        await adapter.close()
    assert (result.applied, result.cursor) == (300, 300)
    assert [r.after for r in one_stop.requests] == [str(45 * n) for n in range(7)] + ["300"]
    async with uow_factory() as uow:
        assert len(await uow.dossiers.unpushed_changes(1000)) == 300
        assert {d.status for d in await uow.dossiers.search(None, limit=1000)} == {S.RESOLVED}


async def test_a_500_on_page_2_keeps_page_1_and_resumes(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, *(dossier(f"d{n}", n) for n in range(1, 6)))
    for n in range(1, 6):
        one_stop.append(code(n), 2, T0)
    one_stop.faults = [None, Fault.ERROR_500]
    with pytest.raises(DossierSystemUnavailable, match="500"):
        await ingest(uow_factory, system, clock, NAME, page=2)
    assert await cursor(uow_factory) == 2
    async with uow_factory() as uow:
        assert [c.dossier_id for c in await uow.dossiers.unpushed_changes(10)] == ["d1", "d2"]
    result = await ingest(uow_factory, system, clock, NAME, page=2)  # the next tick
    assert (result.applied, result.cursor) == (3, 5)
    async with uow_factory() as uow:
        changes = await uow.dossiers.unpushed_changes(10)
    assert [c.dossier_id for c in changes] == ["d1", "d2", "d3", "d4", "d5"]


async def test_unknown_codes_are_skipped_and_counted(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1))
    one_stop.append(code(77), 2, T0)  # a dossier filed at the counter, not through the bot
    one_stop.append("HS-2026-000123", 2, T0)  # not a dossier code at all
    one_stop.append(code(1), 2, T0)
    result = await ingest(uow_factory, system, clock, NAME)
    assert (result.applied, result.unknown, result.cursor) == (1, 2, 3)
    async with uow_factory() as uow:
        assert [c.dossier_id for c in await uow.dossiers.unpushed_changes(10)] == ["a"]


async def test_a_change_the_national_flow_forbids_is_applied_and_logged(
    uow_factory: Any,
    system: HttpDossierSystem,
    one_stop: FakeOneStop,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2, None))  # b still unpaid
    one_stop.append(code(1), 9, T0, "Nông Thị Hoa đã có kết quả")  # 1 → 9 skips 2 and 4
    one_stop.append(code(2), 2, T0)
    with caplog.at_level(logging.WARNING, logger="services.remote_changes"):
        result = await ingest(uow_factory, system, clock, NAME)
    assert (result.applied, result.unexpected) == (2, 2)
    a, _ = await stored(uow_factory, "a")
    b, _ = await stored(uow_factory, "b")
    assert a.status is S.RESOLVED
    assert (b.status, b.phase.value, b.submitted_at) == (S.RECEIVED, "submitted", T0)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "igate-1" in warnings[0] and "from status 1 to 9" in warnings[0]
    assert all(code(1) not in w and code(2) not in w and "Hoa" not in w for w in warnings)


class CrashingFactory:
    """Units of work whose n-th logged change (counted across them) kills the process."""

    def __init__(self, inner: Any, crash_at: int) -> None:
        self.inner, self.left = inner, crash_at

    def __call__(self) -> Any:
        return _CrashingUnitOfWork(self)


class _CrashingUnitOfWork:
    def __init__(self, factory: CrashingFactory) -> None:
        self._factory, self._uow = factory, factory.inner()

    async def __aenter__(self) -> Any:
        uow = await self._uow.__aenter__()
        record = uow.dossiers.record_change

        async def record_change(change: StatusChange) -> int:
            self._factory.left -= 1
            if self._factory.left == 0:
                raise RuntimeError("the process died here")
            return int(await record(change))

        uow.dossiers.record_change = record_change
        return uow

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._uow.__aexit__(kind, exc, tb)


async def test_a_crash_mid_page_rereads_that_page(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, *(dossier(f"d{n}", n) for n in range(1, 5)))
    for n in range(1, 5):
        one_stop.append(code(n), 2, T0)
    with pytest.raises(RuntimeError, match="died"):
        await ingest(CrashingFactory(uow_factory, crash_at=4), system, clock, NAME, page=2)
    assert await cursor(uow_factory) == 2  # page 1 stays; page 2 rolled back with its cursor
    d3, log = await stored(uow_factory, "d3")
    assert d3.status is S.SUBMITTED and log == []
    result = await ingest(uow_factory, system, clock, NAME, page=2)
    assert (result.applied, result.duplicates, result.cursor) == (2, 0, 4)
    async with uow_factory() as uow:
        changes = await uow.dossiers.unpushed_changes(10)
    assert [c.dossier_id for c in changes] == ["d1", "d2", "d3", "d4"]


class PlainMessages:
    """PushMessages reduced to what the test checks."""

    def status(self, dossier: Dossier, change: StatusChange, owner: bool) -> Mapping[str, Any]:
        return {"code": dossier.code, "status": change.status, "owner": owner}

    def reminder(self, kind: Reminder, dossier: Dossier) -> Mapping[str, Any]:
        return {"code": dossier.code, "kind": kind.value}


async def queued(uow_factory: Any) -> list[OutboxItem]:
    async with uow_factory() as uow:  # every chat's queue (due() gives each chat's next only)
        rows = [
            item
            for chat in ("telegram:1", "web:a", "zalo:1")
            for item in await uow.outbox.pending(chat, 0, 100)
        ]
    return sorted(rows, key=lambda i: (int(i.event.removeprefix("status:")), i.recipient))


async def test_remote_changes_reach_every_owner_chat_once(
    uow_factory: Any, system: HttpDossierSystem, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    async with uow_factory() as uow:
        await uow.citizens.save(citizen("c1", "004195118046"), T0)
        await uow.citizens.link("c1", "telegram:1", T0)
        await uow.citizens.link("c1", "zalo:1", T0)
        await uow.commit()
    await store(uow_factory, dossier("a", 1, owner="web:a", citizen_id="c1"))
    one_stop.append(code(1), 2, T0 + timedelta(hours=1))
    one_stop.append(code(1), 4, T0 + timedelta(hours=2), "Chuyển phòng Tư pháp")
    await ingest(uow_factory, system, clock, NAME)
    sweep = await push_status_changes(uow_factory, PlainMessages(), clock)
    assert (sweep.changes, sweep.queued) == (2, 6)
    await ingest(uow_factory, system, clock, NAME)  # nothing new: nothing more to push
    assert (await push_status_changes(uow_factory, PlainMessages(), clock)).queued == 0
    rows = await queued(uow_factory)
    async with uow_factory() as uow:
        first, second = await uow.dossiers.history_changes("a")
    chats = ["telegram:1", "web:a", "zalo:1"]
    assert [(i.event, i.recipient) for i in rows] == [
        *((f"status:{first.id}", chat) for chat in chats),
        *((f"status:{second.id}", chat) for chat in chats),
    ]
    assert {i.message["status"] for i in rows[:3]} == {2}
    assert {i.message["status"] for i in rows[3:]} == {4}
    assert all(i.message == {"code": code(1), "status": i.message["status"], "owner": True}
               for i in rows)  # fmt: skip
