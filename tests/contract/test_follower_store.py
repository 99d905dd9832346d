"""Followers with a last-seen time (migration 0010): counted per chat and per dossier, bounded,
expired when idle or when their dossier ended long ago — the fake and both SQL adapters alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.dossier_codes import DossierStatus
from services.dossiers import StatusChange
from tests.contract.dossier_samples import T0, dossier, store

S = DossierStatus
DAY = timedelta(days=1)


async def test_followers_are_listed_earliest_first_seen_since_and_bounded(
    uow_factory: Any,
) -> None:
    async with uow_factory() as uow:
        await uow.dossiers.follow("a", "zalo:1", T0)
        await uow.dossiers.follow("a", "telegram:2", T0 + DAY)
        await uow.dossiers.follow("a", "web:3", T0 + 2 * DAY)
        await uow.dossiers.follow("b", "zalo:1", T0 + 3 * DAY)
        await uow.dossiers.follow("a", "zalo:1", T0 + 5 * DAY)  # again: seen now, still first
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.followers("a") == ["zalo:1", "telegram:2", "web:3"]
        assert await uow.dossiers.followers("a", limit=2) == ["zalo:1", "telegram:2"]
        assert await uow.dossiers.followers("a", T0 + DAY) == ["zalo:1", "telegram:2", "web:3"]
        assert await uow.dossiers.followers("a", T0 + 2 * DAY, 1) == ["zalo:1"]
        assert await uow.dossiers.followed("zalo:1") == ["a", "b"]
        assert await uow.dossiers.followed("zalo:1", T0 + 4 * DAY) == ["a"]
        assert await uow.dossiers.followed("web:none") == []


async def test_a_lookup_by_a_follower_is_seen_and_by_anyone_else_writes_nothing(
    uow_factory: Any,
) -> None:
    async with uow_factory() as uow:
        await uow.dossiers.follow("a", "zalo:1", T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.seen("a", "zalo:1", T0 + 10 * DAY) is True
        assert await uow.dossiers.seen("a", "web:stranger", T0 + 10 * DAY) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.followers("a", T0 + 9 * DAY) == ["zalo:1"]
        assert await uow.dossiers.followers("a") == ["zalo:1"]


async def test_idle_followers_and_those_of_long_ended_dossiers_are_deleted(
    uow_factory: Any,
) -> None:
    await store(
        uow_factory, dossier("ended", 1, S.RETURNED), dossier("open", 2, S.PROCESSING),
        dossier("resolved", 3, S.RESOLVED), dossier("quiet", 4, S.STOPPED),
    )  # fmt: skip
    async with uow_factory() as uow:
        for dossier_id, at in (("ended", T0), ("open", T0), ("resolved", T0)):
            await uow.dossiers.record_change(StatusChange(0, dossier_id, 2, at - DAY, "o"))
        await uow.dossiers.record_change(StatusChange(0, "ended", 10, T0 + DAY, "o"))
        for dossier_id in ("ended", "open", "resolved", "quiet"):
            await uow.dossiers.follow(dossier_id, "telegram:keen", T0 + 50 * DAY)
        await uow.dossiers.follow("open", "telegram:idle", T0)
        await uow.commit()
    async with uow_factory() as uow:  # 31 days after "ended" ended; "idle" not seen since T0
        gone = await uow.dossiers.expire_followers(T0 + DAY, T0 + 2 * DAY)
        assert gone == 2
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dossiers.followed("telegram:keen") == ["open", "quiet", "resolved"]
        assert await uow.dossiers.followed("telegram:idle") == []
        assert await uow.dossiers.expire_followers(T0 + DAY, T0 + 2 * DAY) == 0
