"""Broadcasts, the chat directory (audiences, reachability) and job cursors: the fake and both
SQL adapters behave the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from services.broadcasts import Audience, AudienceKind, Broadcast, BroadcastState
from tests.contract.dossier_samples import T0, citizen, dossier

K = AudienceKind


def broadcast(broadcast_id: str, **extra: Any) -> Broadcast:
    values: dict[str, Any] = {
        "id": broadcast_id,
        "created_by": "telegram:1",
        "audience": Audience(K.WARD, "01273"),
        "message": {"text": {"id": "raw", "params": {"text": "Lịch nghỉ Tết"}}},
        "state": BroadcastState.QUEUING,
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(extra)
    return Broadcast(**values)


async def every_page(uow: Any, audience: Audience, limit: int) -> list[list[str]]:
    """Walk an audience page by page, as queue_page does."""
    pages, after = [], ""
    while True:
        page = list(await uow.chats.audience(audience, after, limit))
        pages.append(page)
        if len(page) < limit:
            return pages
        after = page[-1]


async def test_a_broadcast_round_trips_and_active_ones_are_listed(uow_factory: Any) -> None:
    first = broadcast("b1", created_at=T0 + timedelta(minutes=1))
    second = broadcast("b2", audience=Audience(K.PLATFORM, "zalo"), created_at=T0)
    done = broadcast("b3", state=BroadcastState.DONE)
    async with uow_factory() as uow:
        for item in (first, second, done):
            await uow.broadcasts.add(item)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.broadcasts.get("b1") == first
        assert await uow.broadcasts.get("nope") is None
        assert [b.id for b in await uow.broadcasts.active()] == ["b2", "b1"]
        moved = replace(
            first,
            state=BroadcastState.SENDING,
            total=1200,
            cursor="zalo:991",
            progress_chat="telegram:1",
            progress_seq=3,
            progress_shown="10/0/1/1189/sending",
            updated_at=T0 + timedelta(minutes=5),
        )
        await uow.broadcasts.update(moved)
        await uow.broadcasts.update(replace(second, state=BroadcastState.CANCELLED))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.broadcasts.get("b1") == moved
        assert [b.id for b in await uow.broadcasts.active()] == ["b1"]


async def test_all_and_platform_audiences_are_the_chats_that_reached_the_bot(
    uow_factory: Any,
) -> None:
    keys = ["telegram:10", "telegram:9", "web:abc", "zalo:5", "zalo:55", "telegram:100"]
    async with uow_factory() as uow:
        for key in keys:
            await uow.conversations.save(key, {"flow": "menu"})
        await uow.chats.set_active("zalo:5", False, "blocked", T0)  # blocked the bot
        await uow.commit()
    reachable = sorted(set(keys) - {"zalo:5"})
    async with uow_factory() as uow:
        everyone = Audience(K.ALL)
        assert await uow.chats.audience(everyone, "", 100) == reachable
        assert await uow.chats.count(everyone) == 5
        assert await every_page(uow, everyone, 2) == [reachable[:2], reachable[2:4], reachable[4:]]
        telegram = Audience(K.PLATFORM, "telegram")
        assert await uow.chats.audience(telegram, "", 100) == [
            "telegram:10", "telegram:100", "telegram:9",
        ]  # fmt: skip
        assert await uow.chats.audience(telegram, "telegram:10", 1) == ["telegram:100"]
        assert await uow.chats.count(Audience(K.PLATFORM, "zalo")) == 1
        assert await uow.chats.count(Audience(K.PLATFORM, "sms")) == 0


async def test_a_ward_audience_is_the_chats_of_its_citizens(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.citizens.save(citizen("c1", "004195118046", "01273"), T0)
        await uow.citizens.save(citizen("c2", "004095000123", "01273"), T0)
        await uow.citizens.save(citizen("c3", "004301000555", "01279"), T0)
        await uow.citizens.link("c1", "telegram:1", T0)
        await uow.citizens.link("c1", "zalo:1", T0)
        await uow.citizens.link("c2", "web:2", T0)
        await uow.citizens.link("c2", "telegram:2", T0)
        await uow.citizens.unlink("telegram:2")  # logged out there
        await uow.citizens.link("c3", "telegram:3", T0)
        await uow.chats.set_active("zalo:1", False, "blocked", T0)
        await uow.commit()
    ward = Audience(K.WARD, "01273")
    async with uow_factory() as uow:
        assert await uow.chats.audience(ward, "", 10) == ["telegram:1", "web:2"]
        assert await uow.chats.count(ward) == 2
        assert await uow.chats.audience(Audience(K.WARD, "01279"), "", 10) == ["telegram:3"]
        # c3 moved: the ward column follows the registry data at the next save
        await uow.citizens.save(citizen("c3", "004301000555", "01273"), T0 + timedelta(days=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.audience(ward, "", 10) == ["telegram:1", "telegram:3", "web:2"]
        assert await uow.chats.count(Audience(K.WARD, "01279")) == 0


async def test_a_procedure_audience_counts_each_chat_once(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.citizens.save(citizen("c1", "004195118046"), T0)
        await uow.citizens.link("c1", "telegram:1", T0)
        await uow.citizens.link("c1", "zalo:1", T0)
        await uow.dossiers.add(dossier("a", 1, owner="web:a", citizen_id="c1"))
        await uow.dossiers.add(dossier("b", 2, owner="telegram:1", citizen_id="c1"))
        await uow.dossiers.add(dossier("c", 3, owner="web:c", procedure_id="ket_hon"))
        await uow.dossiers.add(dossier("d", 4, None, owner="zalo:4"))  # unpaid still counts
        await uow.dossiers.follow("a", "telegram:1", T0)  # owner's chat and follower
        await uow.dossiers.follow("a", "web:f", T0)
        await uow.dossiers.follow("a", "zalo:blocked", T0)
        await uow.dossiers.follow("c", "web:g", T0)
        await uow.chats.set_active("zalo:blocked", False, "blocked", T0)
        await uow.commit()
    births = Audience(K.PROCEDURE, "khai_sinh")
    expected = ["telegram:1", "web:a", "web:f", "zalo:1", "zalo:4"]
    async with uow_factory() as uow:
        assert await uow.chats.audience(births, "", 100) == expected
        assert await uow.chats.count(births) == 5
        assert await every_page(uow, births, 2) == [expected[:2], expected[2:4], expected[4:]]
        assert await every_page(uow, births, 5) == [expected, []]
        assert await uow.chats.audience(Audience(K.PROCEDURE, "ket_hon"), "", 10) == [
            "web:c", "web:g",
        ]  # fmt: skip
        assert await uow.chats.count(Audience(K.PROCEDURE, "none")) == 0


async def test_chats_are_active_until_marked_otherwise(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert await uow.chats.is_active("telegram:1") is True
        await uow.chats.set_active("telegram:1", False, "blocked by user" * 10, T0)
        await uow.chats.set_active("zalo:2", True, "", T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.is_active("telegram:1") is False
        assert await uow.chats.is_active("zalo:2") is True
        await uow.chats.set_active("telegram:1", True, "wrote again", T0 + timedelta(days=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.is_active("telegram:1") is True


async def test_job_cursors_start_at_zero_and_move_on_commit(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert await uow.cursors.get("status-sync") == 0
        await uow.cursors.set("status-sync", 42, T0)
        await uow.cursors.set("remote:igate", 2**40, T0)  # positions are 64-bit
        await uow.commit()
    async with uow_factory() as uow:
        await uow.cursors.set("status-sync", 43, T0 + timedelta(minutes=1))
    async with uow_factory() as uow:  # not committed: unchanged
        assert await uow.cursors.get("status-sync") == 42
        assert await uow.cursors.get("remote:igate") == 2**40
        await uow.cursors.set("status-sync", 44, T0 + timedelta(minutes=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.cursors.get("status-sync") == 44
