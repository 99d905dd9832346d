"""The hand-over outbox (services.handover.HandoverOutbox) holds the same contract in memory,
on SQLite (async and inline) and on PostgreSQL: an event queued once per key, delivered in
order per dossier, its state kept, dead letters listed — and nothing queued when hand-over is
off (the embedded dossier system)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase
from services.handover import (
    HANDOVER_TOPIC,
    HandoverKind,
    HandoverStatus,
    queue_handover,
    resend,
)
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS
from tests.fakes import MemoryUnitOfWorkFactory

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def factory(kind: str, request: pytest.FixtureRequest, handover: bool, signal: Any = None) -> Any:
    if kind == "memory":
        return MemoryUnitOfWorkFactory(signal=signal, handover=handover)
    if kind == "sqlite-inline":
        engine: AsyncEngine = request.getfixturevalue("sqlite_engine")
        return InlineSqliteUnitOfWorkFactory(str(engine.url), KEYS, signal, handover)
    engine = request.getfixturevalue(f"{kind}_engine")
    return SqlUnitOfWorkFactory(engine, KEYS, signal, handover)


@pytest.fixture(params=["memory", "sqlite", "sqlite-inline", "postgres"])
def woken(request: pytest.FixtureRequest) -> Iterator[tuple[Any, list[str]]]:
    """A unit-of-work factory with hand-over on, and the topics its commits woke."""
    topics: list[str] = []
    made = factory(request.param, request, True, topics.append)
    yield made, topics
    if isinstance(made, InlineSqliteUnitOfWorkFactory):
        made.dispose()


@pytest.fixture(params=["memory", "sqlite", "sqlite-inline", "postgres"])
def switched_off(request: pytest.FixtureRequest) -> Iterator[tuple[Any, list[str]]]:
    """The same with hand-over off (DOSSIER_SYSTEM=embedded)."""
    topics: list[str] = []
    made = factory(request.param, request, False, topics.append)
    yield made, topics
    if isinstance(made, InlineSqliteUnitOfWorkFactory):
        made.dispose()


def dossier(number: int) -> Dossier:
    return Dossier(
        id=f"d{number}", code=f"H04.101-261207-{number:04d}", procedure_id="p", agency_id="a",
        owner="web:x", citizen_id=None, answers={}, attachments=(), fee=0, created_at=NOW,
        phase=Phase.SUBMITTED, status=DossierStatus.SUBMITTED,
    )  # fmt: skip


async def test_an_event_is_queued_once_per_key_and_wakes_the_delivery(
    woken: tuple[Any, list[str]],
) -> None:
    uow_factory, topics = woken
    async with uow_factory() as uow:
        first = await queue_handover(uow, dossier(1), HandoverKind.SUBMIT, {}, NOW)
        again = await queue_handover(uow, dossier(1), HandoverKind.SUBMIT, {}, NOW)
        rating = await queue_handover(uow, dossier(1), HandoverKind.RATING, {"level": 4}, NOW)
        second = await queue_handover(uow, dossier(1), HandoverKind.RATING, {"level": 2}, NOW)
        await uow.commit()
    assert (first, again, rating, second) == ("d1", "d1", "d1:rating:1", "d1:rating:2")
    assert topics == [HANDOVER_TOPIC]
    async with uow_factory() as uow:
        events = await uow.handovers.for_dossier("d1")
        assert [e.key for e in events] == ["d1", "d1:rating:1", "d1:rating:2"]
        assert events[1].detail == {"level": 4} and events[0].status is HandoverStatus.PENDING
        assert await uow.handovers.depth() == 3


async def test_a_dossiers_events_go_in_order_and_wait_behind_a_dead_one(
    woken: tuple[Any, list[str]],
) -> None:
    uow_factory, _ = woken
    async with uow_factory() as uow:
        for number in (1, 2):
            await queue_handover(uow, dossier(number), HandoverKind.SUBMIT, {}, NOW)
        await queue_handover(uow, dossier(1), HandoverKind.WITHDRAW, {"reason": "x"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.key for e in await uow.handovers.due(NOW, 10)] == ["d1", "d2"]
        submit = await uow.handovers.get("d1")
        assert submit is not None
        await uow.handovers.save(replace(submit, status=HandoverStatus.DEAD, error="HTTP 422"))
        later = await uow.handovers.get("d2")
        assert later is not None
        await uow.handovers.save(replace(later, attempts=1, not_before=NOW + timedelta(seconds=9)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.handovers.due(NOW, 10) == []  # d1 dead blocks its withdrawal; d2 waits
        assert [e.key for e in await uow.handovers.due(NOW + timedelta(seconds=9), 10)] == ["d2"]
        assert [(e.key, e.error) for e in await uow.handovers.dead()] == [("d1", "HTTP 422")]
        assert await resend(uow, "d1", NOW) is not None
        assert await resend(uow, "d1", NOW) is None  # pending again, no longer dead
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.key for e in await uow.handovers.due(NOW, 10)] == ["d1"]
        submit = await uow.handovers.get("d1")
        assert submit is not None and submit.attempts == 0
        accepted = replace(submit, status=HandoverStatus.ACCEPTED, remote_code="R-1",
                           received_at=NOW, settled_at=NOW)  # fmt: skip
        await uow.handovers.save(accepted)
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.key for e in await uow.handovers.due(NOW, 10)] == ["d1:withdraw:1"]
        kept = await uow.handovers.get("d1")
        assert kept is not None and (kept.remote_code, kept.received_at) == ("R-1", NOW)


async def test_nothing_is_queued_when_hand_over_is_off(
    switched_off: tuple[Any, list[str]],
) -> None:
    uow_factory, topics = switched_off
    async with uow_factory() as uow:
        assert await queue_handover(uow, dossier(1), HandoverKind.SUBMIT, {}, NOW) is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.handovers.depth() == 0 and await uow.handovers.for_dossier("d1") == []
    assert topics == []
