"""One application, one dossier on real databases: the same citizen presses submit in two
chats at the same moment, served by two workers (two routers on one database)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from conversations.flow import Settings
from conversations.messages import Platform
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.places import Places
from storage.dossiers import SqlDossierRepository
from storage.tables import DossierRow
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.chat import ChatDriver
from tests.contract.conftest import KEYS
from tests.contract.test_router_sql import count
from tests.fakes import FakeClock, MemoryStaging, RecordingSms, SequentialIds
from tests.unit.test_draft_sync import at_commitment, open_from_drafts
from tests.unit.test_filing_flow import fill_stay_form
from tests.unit.test_login_flow import login


async def test_submit_pressed_in_two_chats_on_two_workers_makes_one_dossier(
    sql_engine: AsyncEngine,
    catalog: Catalog,
    places: Places,
    identity: Identity,
    sms: RecordingSms,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock, ids, staging = FakeClock(), SequentialIds(), MemoryStaging()
    factory = SqlUnitOfWorkFactory(sql_engine, KEYS)
    workers = [
        Router(factory, catalog, places, clock, ids, identity, Filing(staging), Settings())
        for _ in range(2)
    ]
    telegram = ChatDriver(workers[0], chat_id="7001", platform=Platform.TELEGRAM)
    web = ChatDriver(workers[1], chat_id="tab-1", platform=Platform.WEB)
    await login(telegram, sms)
    clock.advance(seconds=61)
    await login(web, sms)
    await fill_stay_form(telegram)
    await telegram.press("Xác nhận tờ khai")
    await open_from_drafts(web)
    await at_commitment(telegram, staging, first=True)
    await at_commitment(web, staging, first=False)
    real_next = SqlDossierRepository.next_sequence

    async def slow_next(self: SqlDossierRepository, agency_code: str, day: date) -> int:
        await asyncio.sleep(0.2)  # the first submit is still open when the second one reads
        return await real_next(self, agency_code, day)

    monkeypatch.setattr(SqlDossierRepository, "next_sequence", slow_next)
    await asyncio.gather(telegram.press("Tôi xin cam đoan"), web.press("Tôi xin cam đoan"))
    firsts = sorted([telegram.keys[0], web.keys[0]])
    assert firsts == ["submission.created", "sync.submitted"], firsts
    assert await count(sql_engine, DossierRow) == 1
