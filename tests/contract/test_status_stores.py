"""The status-tracking side of the dossier store (migration 0005) and citizen_of: the fake and
both SQL adapters behave the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from services.dossier_codes import DossierStatus
from services.dossiers import StatusChange
from tests.contract.dossier_samples import T0, citizen, code, dossier, store

S = DossierStatus


async def test_search_filters_by_agency_status_and_overdue(uow_factory: Any) -> None:
    await store(
        uow_factory,
        dossier("a", 1, S.RECEIVED),
        dossier("b", 2, S.PROCESSING, agency_id="ca-01273"),
        dossier("c", 3, S.PROCESSING, overdue=True),
        dossier("d", 4, None),  # waiting for its fee: not an officer's dossier yet
    )
    async with uow_factory() as uow:
        ids = lambda found: sorted(d.id for d in found)  # noqa: E731
        assert ids(await uow.dossiers.search(None)) == ["a", "b", "c"]
        assert ids(await uow.dossiers.search(["ubnd-01273"])) == ["a", "c"]
        assert ids(await uow.dossiers.search(["ca-01273", "ubnd-01273"], status=4)) == ["b", "c"]
        assert ids(await uow.dossiers.search(None, status=4, overdue=True)) == ["c"]
        assert ids(await uow.dossiers.search(None, overdue=False)) == ["a", "b"]
        assert await uow.dossiers.search([]) == []
        assert await uow.dossiers.search(None, status=9) == []


async def test_search_orders_by_due_date_with_undated_last_then_pages(uow_factory: Any) -> None:
    await store(
        uow_factory,
        dossier("late", 1, due_date=date(2026, 12, 10)),
        dossier("undated", 2, due_date=None),
        dossier("soon-2", 4, due_date=date(2026, 12, 1)),
        dossier("soon-1", 3, due_date=date(2026, 12, 1)),  # same day: by code
        dossier("middle", 5, due_date=date(2026, 12, 5)),
    )
    order = ["soon-1", "soon-2", "middle", "late", "undated"]
    async with uow_factory() as uow:
        assert [d.id for d in await uow.dossiers.search(None)] == order
        pages = [await uow.dossiers.search(None, limit=2, offset=n) for n in (0, 2, 4, 6)]
    assert [[d.id for d in page] for page in pages] == [order[:2], order[2:4], order[4:], []]


async def test_a_dossier_keeps_its_overdue_flag_and_status_columns(uow_factory: Any) -> None:
    original = dossier("a", 1, S.PROCESSING)
    await store(uow_factory, original)
    flagged = replace(
        original.with_status(S.SUPPLEMENT_REQUESTED, T0 + timedelta(days=1), "officer:7", "CCCD"),
        overdue=True,
        supplement=("giay_chung_sinh",),
        supplement_at=T0 + timedelta(days=1),
    )
    async with uow_factory() as uow:
        await uow.dossiers.update(flagged)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.get("a") == flagged
        assert await uow.dossiers.by_code(code(1)) == flagged
        assert [d.id for d in await uow.dossiers.search(None, status=5, overdue=True)] == ["a"]
        assert await uow.dossiers.search(None, status=4) == []


async def test_changes_are_logged_in_order_until_marked_pushed(uow_factory: Any) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2))
    async with uow_factory() as uow:
        first = await uow.dossiers.record_change(StatusChange(0, "a", 2, T0, "officer:7"))
        second = await uow.dossiers.record_change(
            StatusChange(0, "b", 3, T0 + timedelta(minutes=1), "officer:7", "thiếu giấy tờ")
        )
        third = await uow.dossiers.record_change(
            StatusChange(0, "a", 4, T0 + timedelta(minutes=2), "remote:igate", "chuyển phòng")
        )
        await uow.commit()
    assert first < second < third
    async with uow_factory() as uow:
        unpushed = await uow.dossiers.unpushed_changes(10)
        assert unpushed == [
            StatusChange(first, "a", 2, T0, "officer:7", ""),
            StatusChange(second, "b", 3, T0 + timedelta(minutes=1), "officer:7", "thiếu giấy tờ"),
            StatusChange(third, "a", 4, T0 + timedelta(minutes=2), "remote:igate", "chuyển phòng"),
        ]
        assert [c.id for c in await uow.dossiers.unpushed_changes(2)] == [first, second]
        await uow.dossiers.mark_pushed([first, third])
        await uow.dossiers.mark_pushed([])
        await uow.commit()
    async with uow_factory() as uow:
        assert [c.id for c in await uow.dossiers.unpushed_changes(10)] == [second]
        history = await uow.dossiers.history_changes("a")  # pushed or not, oldest first
        assert [(c.id, c.status) for c in history] == [(first, 2), (third, 4)]
        assert await uow.dossiers.history_changes("nobody") == []


async def test_a_change_logged_without_commit_is_gone(uow_factory: Any) -> None:
    await store(uow_factory, dossier("a", 1))
    async with uow_factory() as uow:
        await uow.dossiers.record_change(StatusChange(0, "a", 2, T0, "officer:7"))
    async with uow_factory() as uow:
        assert await uow.dossiers.unpushed_changes(10) == []
        kept = await uow.dossiers.record_change(StatusChange(0, "a", 2, T0, "officer:7"))
        await uow.dossiers.mark_pushed([kept])
    async with uow_factory() as uow:  # marking pushed was rolled back with the change
        assert await uow.dossiers.unpushed_changes(10) == []


async def test_awaiting_payment_lists_unpaid_dossiers_created_before(uow_factory: Any) -> None:
    await store(
        uow_factory,
        dossier("new", 1, None, created_at=T0 + timedelta(hours=2)),
        dossier("old", 2, None, created_at=T0 - timedelta(hours=30)),
        dossier("older", 3, None, created_at=T0 - timedelta(hours=40)),
        dossier("paid", 4, S.SUBMITTED, created_at=T0 - timedelta(hours=50)),
        dossier("edge", 5, None, created_at=T0),
    )
    async with uow_factory() as uow:
        found = await uow.dossiers.awaiting_payment(T0)
    assert [d.id for d in found] == ["older", "old"]  # strictly before, oldest first


async def test_open_due_excludes_finished_statuses_and_later_dates(uow_factory: Any) -> None:
    until = date(2026, 12, 2)
    open_ = [S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED]
    open_ += [S.PAYMENT_REQUESTED, S.WITHDRAWAL_REQUESTED]
    closed = [S.REFUSED, S.STOPPED, S.RESOLVED, S.RETURNED]
    samples = [dossier(f"o{int(s)}", int(s), s, due_date=until) for s in open_]
    samples += [dossier(f"c{int(s)}", 10 + int(s), s, due_date=until) for s in closed]
    samples += [
        dossier("earlier", 30, S.PROCESSING, due_date=until - timedelta(days=3), overdue=True),
        dossier("later", 31, S.PROCESSING, due_date=until + timedelta(days=1)),
        dossier("undated", 32, S.PROCESSING, due_date=None),
        dossier("unpaid", 33, None, due_date=until),
    ]
    await store(uow_factory, *samples)
    async with uow_factory() as uow:
        due = [d.id for d in await uow.dossiers.open_due(until)]
        flagged = [d.id for d in await uow.dossiers.open_due(until, overdue=True)]
        unflagged = [d.id for d in await uow.dossiers.open_due(until, overdue=False)]
    assert due == ["earlier", *(f"o{int(s)}" for s in open_)]  # by due date, then code
    assert flagged == ["earlier"]
    assert unflagged == [f"o{int(s)}" for s in open_]


async def test_followers_follow_once_and_unfollow(uow_factory: Any) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2))
    async with uow_factory() as uow:
        await uow.dossiers.follow("a", "zalo:77", T0)
        await uow.dossiers.follow("a", "telegram:5", T0)
        await uow.dossiers.follow("a", "zalo:77", T0 + timedelta(hours=1))  # again: no effect
        await uow.dossiers.follow("b", "zalo:77", T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.followers("a") == ["telegram:5", "zalo:77"]
        assert await uow.dossiers.unfollow("a", "zalo:77") is True
        assert await uow.dossiers.unfollow("a", "zalo:77") is False
        assert await uow.dossiers.unfollow("a", "web:never") is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.followers("a") == ["telegram:5"]
        assert await uow.dossiers.followers("b") == ["zalo:77"]
        assert await uow.dossiers.followers("c") == []


async def test_citizen_of_is_the_citizen_logged_in_on_a_chat(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.citizens.save(citizen("c1", "004195118046"), T0)
        await uow.citizens.save(citizen("c2", "004095000123"), T0)
        assert await uow.citizens.citizen_of("telegram:5") is None
        await uow.citizens.link("c1", "telegram:5", T0)
        await uow.citizens.link("c1", "web:x", T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.citizens.citizen_of("telegram:5") == "c1"
        assert await uow.citizens.citizen_of("web:x") == "c1"
        await uow.citizens.link("c2", "telegram:5", T0 + timedelta(hours=1))  # someone else
        await uow.citizens.unlink("web:x")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.citizens.citizen_of("telegram:5") == "c2"
        assert await uow.citizens.citizen_of("web:x") is None
        assert await uow.citizens.chats("c1") == []


async def test_an_actor_is_kept_to_80_characters(uow_factory: Any) -> None:
    await store(uow_factory, dossier("a", 1))
    actor = "remote:" + "một-cửa-tỉnh-cao-bằng-" * 5
    async with uow_factory() as uow:
        await uow.dossiers.record_change(StatusChange(0, "a", 2, T0, actor))
        await uow.commit()
    async with uow_factory() as uow:
        (change,) = await uow.dossiers.history_changes("a")
    assert change.actor == actor[:80]
