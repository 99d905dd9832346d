"""The HTTP adapter to a remote one-stop system (bot.dossier_system_http) against the local
fake: the documented protocol, and every way the remote side fails — nothing of a failed page
is applied, on the fake, SQLite and PostgreSQL stores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.dossier_system_http import HttpDossierSystem, build_dossier_system
from bot.settings import Settings
from services.dossier_codes import DossierStatus
from services.remote_changes import (
    DossierSystemRefused,
    DossierSystemUnavailable,
    MalformedPage,
    RemoteChange,
    ingest,
)
from tests.contract.dossier_samples import T0, code, dossier, store, stored
from tests.contract.fake_http_servers import closed_port_url
from tests.contract.fake_one_stop import NAME, TOKEN, FakeOneStop, Fault
from tests.contract.fake_one_stop import stored_cursor as cursor
from tests.fakes import FakeClock

S = DossierStatus


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0 + timedelta(days=1))


async def test_the_adapter_speaks_the_documented_protocol(
    one_stop: FakeOneStop, system: HttpDossierSystem
) -> None:
    one_stop.append(code(1), 4, T0, "Chuyển phòng chuyên môn", change_id=8812)
    one_stop.append(code(2).lower(), 9, T0, results=["giay_khai_sinh.pdf"])
    page = await system.changes_after("0", 10)
    assert page.next_cursor == "2"
    assert list(page.changes) == [
        RemoteChange("8812", code(1), S.PROCESSING, T0, "Chuyển phòng chuyên môn"),
        RemoteChange("igate-2", code(2).lower(), S.RESOLVED, T0, "", ("giay_khai_sinh.pdf",)),
    ]
    assert (await system.changes_after("2", 10)).changes == ()
    assert [(r.after, r.limit, r.authorization) for r in one_stop.requests] == [
        ("0", "10", f"Bearer {TOKEN}"),
        ("2", "10", f"Bearer {TOKEN}"),
    ]


async def test_the_remote_system_is_built_only_for_http(one_stop: FakeOneStop) -> None:
    embedded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert build_dossier_system(embedded) is None
    remote = Settings(
        dossier_system="http",
        dossier_system_url=one_stop.base_url,
        dossier_system_token=TOKEN,
        _env_file=None,  # type: ignore[call-arg]
    )
    built = build_dossier_system(remote)
    assert isinstance(built, HttpDossierSystem)
    try:
        assert (await built.changes_after("0", 5)).next_cursor == "0"
    finally:
        await built.close()
    assert one_stop.requests[-1].authorization == f"Bearer {TOKEN}"


async def test_a_wrong_token_is_a_clear_error_and_applies_nothing(
    uow_factory: Any, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1))
    one_stop.append(code(1), 2, T0)
    adapter = HttpDossierSystem(one_stop.base_url, "not-the-token")
    try:
        with pytest.raises(DossierSystemRefused, match="DOSSIER_SYSTEM_TOKEN"):
            await ingest(uow_factory, adapter, clock, NAME)
    finally:
        await adapter.close()
    assert one_stop.requests[0].authorization == "Bearer not-the-token"
    assert await cursor(uow_factory) == 0
    a, log = await stored(uow_factory, "a")
    assert a.status is S.SUBMITTED and log == []


@pytest.mark.parametrize(
    "fault", [Fault.NOT_JSON, Fault.BAD_STATUS, Fault.NAIVE_TIME, Fault.OPAQUE_CURSOR]
)
async def test_a_malformed_page_is_rejected_whole(
    uow_factory: Any,
    system: HttpDossierSystem,
    one_stop: FakeOneStop,
    clock: FakeClock,
    fault: Fault,
) -> None:
    await store(uow_factory, dossier("a", 1), dossier("b", 2))
    one_stop.append(code(1), 2, T0)
    one_stop.append(code(2), 2, T0)
    one_stop.faults = [fault]
    with pytest.raises(MalformedPage):
        await ingest(uow_factory, system, clock, NAME)
    assert await cursor(uow_factory) == 0
    async with uow_factory() as uow:
        assert await uow.dossiers.unpushed_changes(10) == []
    assert (await ingest(uow_factory, system, clock, NAME)).applied == 2  # once it is fixed


async def test_a_slow_or_unreachable_system_is_retried_later(
    uow_factory: Any, one_stop: FakeOneStop, clock: FakeClock
) -> None:
    await store(uow_factory, dossier("a", 1))
    one_stop.append(code(1), 2, T0)
    one_stop.faults = [Fault.SLOW]
    impatient = HttpDossierSystem(one_stop.base_url, TOKEN, timeout=0.2)
    unreachable = HttpDossierSystem(closed_port_url("/api"), TOKEN)
    try:
        with pytest.raises(DossierSystemUnavailable, match="Timeout"):
            await ingest(uow_factory, impatient, clock, NAME)
        with pytest.raises(DossierSystemUnavailable, match="ConnectError"):
            await ingest(uow_factory, unreachable, clock, NAME)
        assert await cursor(uow_factory) == 0
        one_stop.release.set()
        # later, the system answers again: read with the deployment's own patience (the 0.2 s
        # client above can time out on a busy machine even when nothing is slow)
        patient = HttpDossierSystem(one_stop.base_url, TOKEN)
        try:
            assert (await ingest(uow_factory, patient, clock, NAME)).applied == 1
        finally:
            await patient.close()
    finally:
        await impatient.close()
        await unreachable.close()
