"""The hand-over's rules without I/O: its backoff grows, is capped and jittered; an admin chat
lists the dead letters and re-sends one; a citizen chat cannot."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from conversations.router import Router
from services.catalog_index import Catalog
from services.handover import Backoff, HandoverKind, HandoverStatus, queue_handover
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory
from tests.unit.test_admin_flow import add_dossier, router, started  # noqa: F401


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    """The memory store with hand-over on (DOSSIER_SYSTEM=http)."""
    return MemoryUnitOfWorkFactory(handover=True)


def test_the_backoff_doubles_up_to_its_cap_with_jitter_below_each_step() -> None:
    backoff = Backoff(base_seconds=2, cap_seconds=60, jitter=0.5)
    rng = random.Random(3)
    for attempts, step in [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (40, 60)]:
        waits = [backoff.delay(attempts, rng) for _ in range(200)]
        assert all(timedelta(seconds=step / 2) <= w <= timedelta(seconds=step) for w in waits)
        assert len(set(waits)) > 150  # spread out: failures together do not retry together


async def test_an_admin_lists_the_dead_letters_and_re_sends_one(
    router: Router,  # noqa: F811
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
) -> None:
    officer = await started(router, "admin")
    citizen = await started(router, "citizen")
    await officer.send("/chuyenloi")
    assert officer.keys[0] == "handover.dead_none"
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    async with uow_factory() as uow:
        key = await queue_handover(uow, dossier, HandoverKind.SUBMIT, {}, FakeClock().now())
        assert key is not None
        event = await uow.handovers.get(key)
        assert event is not None
        await uow.handovers.save(
            replace(event, status=HandoverStatus.DEAD, attempts=1, error="HTTP 422: unknown")
        )
        await uow.commit()
    await citizen.send("/chuyenloi")
    assert citizen.keys[0] == "admin.refused"
    await officer.send("/deadletters")
    assert officer.keys[0] == "handover.dead_list"
    listed = officer.text(officer.replies[0])
    assert dossier.code in listed and key in listed and "HTTP 422" in listed
    await citizen.send(f"/guilai {key}")
    assert citizen.keys[0] == "admin.refused"
    assert uow_factory.db.handovers[key].status is HandoverStatus.DEAD
    await officer.send(f"/guilai {key}")
    assert officer.keys[0] == "handover.resent"
    assert uow_factory.db.handovers[key].status is HandoverStatus.PENDING
    await officer.send(f"/resend {key}")
    assert officer.keys[0] == "handover.not_dead"
    await officer.send("/guilai")
    assert officer.keys[0] == "handover.resend_usage"
