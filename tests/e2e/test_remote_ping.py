"""The remote one-stop system pings "changes available": its change reaches the follower at
once (the sweep is hourly), read by cursor as always, and a storm of pings is a read or two,
not one read per ping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.web.one_stop_ping import PATH
from services.dossier_codes import DossierStatus
from tests.contract.fake_one_stop import TOKEN, FakeOneStop
from tests.e2e.test_push_on_commit import World, arrived, filed, follow, served_world

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def one_stop() -> AsyncIterator[FakeOneStop]:
    system = FakeOneStop()
    await system.start()
    try:
        yield system
    finally:
        system.release.set()
        await system.stop()


@pytest.fixture
async def world(tmp_path: Path, one_stop: FakeOneStop) -> AsyncIterator[World]:
    async with served_world(
        tmp_path,
        dossier_system="http",
        dossier_system_url=one_stop.base_url,
        dossier_system_token=SecretStr(TOKEN),
    ) as served:
        one_stop.ping_url = str(served.http.base_url).rstrip("/") + PATH
        yield served


async def test_a_ping_brings_the_remote_change_to_the_follower_at_once(
    world: World, one_stop: FakeOneStop
) -> None:
    dossier = await filed(world.app.uow_factory, world.app.catalog, 11)
    await follow(world, dossier.code)
    reads = len(one_stop.requests)
    one_stop.append(dossier.code, 2, datetime.now(UTC), "Đã nhận đủ hồ sơ")
    assert await one_stop.ping() == 204
    await arrived(world, dossier.code, DossierStatus.RECEIVED.label("vi"))
    assert len(one_stop.requests) > reads  # read by cursor, as always


async def test_a_storm_of_pings_is_a_few_reads_and_a_stranger_cannot_ping(
    world: World, one_stop: FakeOneStop
) -> None:
    dossier = await filed(world.app.uow_factory, world.app.catalog, 12)
    await follow(world, dossier.code)
    reads = len(one_stop.requests)
    one_stop.append(dossier.code, 2, datetime.now(UTC))
    assert await asyncio.gather(*(one_stop.ping() for _ in range(20))) == [204] * 20
    await arrived(world, dossier.code, DossierStatus.RECEIVED.label("vi"))
    await asyncio.sleep(1.5)  # let any further read happen before counting
    assert len(one_stop.requests) - reads <= 6  # a read is two pages (the change, then none)
    wrong = await world.http.post(PATH, headers={"Authorization": "Bearer not-the-token"})
    missing = await world.http.post(PATH)
    assert (wrong.status_code, missing.status_code) == (401, 401)


async def test_without_a_remote_system_there_is_nothing_to_ping(tmp_path: Path) -> None:
    async with served_world(tmp_path) as world:
        response = await world.http.post(PATH, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404
