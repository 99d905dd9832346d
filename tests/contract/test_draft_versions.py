"""One draft, two chats, on every backend: writes are compare-and-set on the draft's version,
and claiming a draft for submission happens once, even when two claims race."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from services.drafts import DraftConflict, DraftStatus
from tests.contract.dossier_samples import dossier
from tests.contract.test_stores import T0, draft


async def test_every_stored_change_raises_the_version(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.drafts.add(draft("d1"))
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert got.version == 0
        got = got.answer("ho_ten", "Nông Văn A", T0)
        await uow.drafts.update(got)
        await uow.drafts.update(replace(got, cursor="ngay_sinh"))  # one step, one change
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert (got.version, got.cursor, got.answers) == (1, "ngay_sinh", {"ho_ten": "Nông Văn A"})


async def test_storing_an_unchanged_draft_writes_nothing(uow_factory: Any) -> None:
    """Another chat showing this draft is not told it changed when nothing did."""
    async with uow_factory() as uow:
        await uow.drafts.add(draft("d1", answers={"ho_ten": "Nông Văn A"}))
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        await uow.drafts.update(got)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.drafts.get("d1")).version == 0
        got = await uow.drafts.get("d1")
        await uow.drafts.update(replace(got, cursor="email"))
        await uow.drafts.update(replace(got, cursor="email"))  # the same change twice: one
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert (got.version, got.cursor) == (1, "email")


async def test_a_write_based_on_an_older_copy_is_refused(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.drafts.add(draft("d1", answers={"ho_ten": "Nông Văn A"}))
        await uow.commit()
    async with uow_factory() as uow:
        old = await uow.drafts.get("d1")  # the web tab's copy
    async with uow_factory() as uow:
        newer = await uow.drafts.get("d1")
        await uow.drafts.update(newer.answer("email", "a@example.vn", T0))  # Telegram's answer
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(DraftConflict):  # the fake refuses at once, SQL at commit
            await uow.drafts.update(old.answer("email", "old@example.vn", T0))
            await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert got.answers == {"ho_ten": "Nông Văn A", "email": "a@example.vn"}
        assert got.version == 1


async def _claim(uow_factory: Any, dossier_id: str, version: int) -> bool:
    async with uow_factory() as uow:
        claimed = await uow.drafts.claim("d1", version, dossier_id, T0)
        if claimed:
            await uow.dossiers.add(dossier(dossier_id, 1 if dossier_id == "x1" else 2))
        await asyncio.sleep(0.05)  # hold the transaction open while the other one tries
        await uow.commit()
        return bool(claimed)


async def test_two_claims_at_once_make_one_dossier(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.drafts.add(draft("d1", status=DraftStatus.COMPLETE))
        await uow.commit()
    async with uow_factory() as uow:
        version = (await uow.drafts.get("d1")).version  # both chats read it before either claims
    results = await asyncio.gather(
        _claim(uow_factory, "x1", version), _claim(uow_factory, "x2", version)
    )
    assert sorted(results) == [False, True]
    winner = "x1" if results[0] else "x2"
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert (got.status, got.dossier_id, got.version) == (DraftStatus.SUBMITTED, winner, 1)
        assert await uow.dossiers.get(winner) is not None
        assert await uow.dossiers.get("x2" if winner == "x1" else "x1") is None
        assert await uow.drafts.list_for("web:a", None) == []  # no longer an open draft
        # Claimed once: a later claim (even at the new version) is refused.
        assert not await uow.drafts.claim("d1", got.version, "x3", T0)


async def test_a_changed_or_deleted_draft_is_not_claimed(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.drafts.add(draft("d1", status=DraftStatus.REVIEW))
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        await uow.drafts.update(got.answer("email", "a@example.vn", T0))
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.drafts.claim("d1", 0, "x1", T0)  # the summary showed version 0
        assert await uow.drafts.claim("d1", 1, "x1", T0)
        await uow.drafts.delete("d1")
        assert not await uow.drafts.claim("d1", 2, "x2", T0)
