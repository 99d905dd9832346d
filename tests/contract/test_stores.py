"""The storage ports' contract: the fake and both SQL adapters behave the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.drafts import Draft, DraftStatus

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def draft(draft_id: str, owner: str = "web:a", **extra: Any) -> Draft:
    values: dict[str, Any] = {
        "id": draft_id,
        "owner": owner,
        "procedure_id": "khai_sinh",
        "agency_id": "ubnd-01273",
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(extra)
    return Draft(**values)


async def test_conversation_state_is_saved_only_on_commit(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:a", "1")).state is None
        await uow.conversations.save("web:a", {"flow": "menu", "n": [1, "đ"]})
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:a", "1")).state is None  # no commit: nothing
        await uow.conversations.save("web:a", {"flow": "menu", "n": [1, "đ"]})
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.conversations.load("web:a", "2")
        assert stored.state == {"flow": "menu", "n": [1, "đ"]} and stored.replies is None
        await uow.conversations.save("web:a", {"flow": "form"})
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.conversations.load("web:a", "3")
        assert stored.state == {"flow": "form"}


async def test_processed_updates_keep_their_replies(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:a", "1")).replies is None
        await uow.conversations.record("web:a", "1", [{"text": "xin chào"}])
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:a", "1")).replies == [{"text": "xin chào"}]
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:b", "1")).replies is None
        assert (await uow.conversations.load("web:a", "2")).replies is None


async def test_an_update_cannot_be_recorded_twice(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.conversations.record("web:a", "7", [])
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(Exception):  # noqa: B017 - the key violation type is the adapter's
            await uow.conversations.record("web:a", "7", [{"again": True}])
    async with uow_factory() as uow:
        assert (await uow.conversations.load("web:a", "7")).replies == []


async def test_drafts_are_added_updated_listed_and_deleted(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.drafts.add(
            draft("d1", answers={"ho_ten": "Nông Văn A", "dia_chi": {"ward": "X"}})
        )
        await uow.drafts.add(draft("d2", updated_at=T0 + timedelta(minutes=5)))
        await uow.drafts.add(draft("d3", owner="telegram:9", citizen_id="c1"))
        await uow.drafts.add(draft("d4", status=DraftStatus.SUBMITTED))
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert got is not None and got.answers == {"ho_ten": "Nông Văn A", "dia_chi": {"ward": "X"}}
        assert got.created_at == T0 and got.updated_at.tzinfo is not None
        assert [d.id for d in await uow.drafts.list_for("web:a", None)] == ["d2", "d1"]
        assert [d.id for d in await uow.drafts.list_for("web:a", "c1")] == ["d2", "d1", "d3"]
        assert await uow.drafts.get("nope") is None
        updated = got.answer("ngay_sinh", "1995-03-15", T0 + timedelta(hours=1))
        await uow.drafts.update(updated)
        await uow.drafts.delete("d2")
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.drafts.get("d1")
        assert got is not None and got.answers["ngay_sinh"] == "1995-03-15"
        assert got.updated_at == T0 + timedelta(hours=1)
        assert await uow.drafts.get("d2") is None
        assert [d.id for d in await uow.drafts.list_for("web:a", None)] == ["d1"]
