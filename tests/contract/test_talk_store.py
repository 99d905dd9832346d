"""Hand-overs to officers and their exchange (migration 0015): the fake and both SQL adapters
keep the exchange in order, close once, and list only the agencies asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.talks import Author, Talk, TalkState

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def talk(id_: str, chat: str, agency: str, at: datetime, dossier: str = "") -> Talk:
    return Talk(id_, chat, agency, at, dossier_id=dossier, dossier_code=dossier.upper())


async def test_an_exchange_is_kept_in_order_sealed_and_closed_once(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.talks.add(talk("h1", "telegram:7", "so_tu_phap", T0, "d1"))
        first = await uow.talks.add_message("h1", Author.CITIZEN, "Xin chào cán bộ", T0)
        await uow.commit()
    async with uow_factory() as uow:
        second = await uow.talks.add_message(
            "h1", Author.OFFICER, "Chào anh/chị", T0 + MINUTE, name="Cán bộ Lan"
        )
        await uow.commit()
    assert (first.seq, second.seq) == (1, 2)
    async with uow_factory() as uow:
        assert (await uow.talks.open_for_chat("telegram:7")).id == "h1"
        said = await uow.talks.messages("h1")
        assert [(m.author, m.text, m.name) for m in said] == [
            (Author.CITIZEN, "Xin chào cán bộ", ""),
            (Author.OFFICER, "Chào anh/chị", "Cán bộ Lan"),
        ]
        assert said[1].at == T0 + MINUTE
        closed = await uow.talks.close("h1", "citizen", T0 + 2 * MINUTE)
        assert closed is not None and closed.state is TalkState.CLOSED
        assert await uow.talks.close("h1", "officer:x", T0 + 3 * MINUTE) is None
        await uow.commit()
    async with uow_factory() as uow:
        kept = await uow.talks.get("h1")
        assert kept is not None and kept.closed_by == "citizen"
        assert kept.closed_at == T0 + 2 * MINUTE and not kept.is_open
        assert await uow.talks.open_for_chat("telegram:7") is None
        assert len(await uow.talks.messages("h1")) == 2  # kept after it ended


async def test_listing_names_only_the_agencies_asked_for(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.talks.add(talk("a", "web:1", "so_tu_phap", T0, "d1"))
        await uow.talks.add(talk("b", "web:2", "so_y_te", T0 + MINUTE))
        await uow.talks.add(talk("c", "web:3", "so_tu_phap", T0 + 2 * MINUTE))
        await uow.talks.close("c", "officer:x", T0 + 3 * MINUTE)
        await uow.commit()
    async with uow_factory() as uow:
        ids = [h.id for h in await uow.talks.listing(["so_tu_phap"])]
        assert ids == ["c", "a"]
        opened = await uow.talks.listing(["so_tu_phap"], TalkState.OPEN)
        assert [h.id for h in opened] == ["a"]
        assert [h.id for h in await uow.talks.listing(None)] == ["c", "b", "a"]
        assert [h.id for h in await uow.talks.listing(None, dossier_id="d1")] == ["a"]
        assert await uow.talks.listing(["ubnd_tinh"]) == []
        assert await uow.talks.get("missing") is None
