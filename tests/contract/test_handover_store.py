"""Hand-overs to officers and their exchange (migration 0015): the fake and both SQL adapters
keep the exchange in order, close once, and list only the agencies asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.handovers import Author, Handover, HandoverState

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def handover(id_: str, chat: str, agency: str, at: datetime, dossier: str = "") -> Handover:
    return Handover(id_, chat, agency, at, dossier_id=dossier, dossier_code=dossier.upper())


async def test_an_exchange_is_kept_in_order_sealed_and_closed_once(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.handovers.add(handover("h1", "telegram:7", "so_tu_phap", T0, "d1"))
        first = await uow.handovers.add_message("h1", Author.CITIZEN, "Xin chào cán bộ", T0)
        await uow.commit()
    async with uow_factory() as uow:
        second = await uow.handovers.add_message(
            "h1", Author.OFFICER, "Chào anh/chị", T0 + MINUTE, name="Cán bộ Lan"
        )
        await uow.commit()
    assert (first.seq, second.seq) == (1, 2)
    async with uow_factory() as uow:
        assert (await uow.handovers.open_for_chat("telegram:7")).id == "h1"
        said = await uow.handovers.messages("h1")
        assert [(m.author, m.text, m.name) for m in said] == [
            (Author.CITIZEN, "Xin chào cán bộ", ""),
            (Author.OFFICER, "Chào anh/chị", "Cán bộ Lan"),
        ]
        assert said[1].at == T0 + MINUTE
        closed = await uow.handovers.close("h1", "citizen", T0 + 2 * MINUTE)
        assert closed is not None and closed.state is HandoverState.CLOSED
        assert await uow.handovers.close("h1", "officer:x", T0 + 3 * MINUTE) is None
        await uow.commit()
    async with uow_factory() as uow:
        kept = await uow.handovers.get("h1")
        assert kept is not None and kept.closed_by == "citizen"
        assert kept.closed_at == T0 + 2 * MINUTE and not kept.is_open
        assert await uow.handovers.open_for_chat("telegram:7") is None
        assert len(await uow.handovers.messages("h1")) == 2  # kept after it ended


async def test_listing_names_only_the_agencies_asked_for(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.handovers.add(handover("a", "web:1", "so_tu_phap", T0, "d1"))
        await uow.handovers.add(handover("b", "web:2", "so_y_te", T0 + MINUTE))
        await uow.handovers.add(handover("c", "web:3", "so_tu_phap", T0 + 2 * MINUTE))
        await uow.handovers.close("c", "officer:x", T0 + 3 * MINUTE)
        await uow.commit()
    async with uow_factory() as uow:
        ids = [h.id for h in await uow.handovers.listing(["so_tu_phap"])]
        assert ids == ["c", "a"]
        opened = await uow.handovers.listing(["so_tu_phap"], HandoverState.OPEN)
        assert [h.id for h in opened] == ["a"]
        assert [h.id for h in await uow.handovers.listing(None)] == ["c", "b", "a"]
        assert [h.id for h in await uow.handovers.listing(None, dossier_id="d1")] == ["a"]
        assert await uow.handovers.listing(["ubnd_tinh"]) == []
        assert await uow.handovers.get("missing") is None
