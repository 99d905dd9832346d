"""Through a real channel: a citizen files on the web chat of the real application, served
over HTTP (SQLite and PostgreSQL), with DOSSIER_SYSTEM=http pointing at a fake one-stop system
that speaks docs/one-stop-contract.md over HTTP. The dossier must reach it exactly once with
every answer and every document (fetched by its signed link, checksums matching), whatever
the system does: fail twice (a 500, then a timeout) and accept slowly, accept but lose its
answer, or refuse it (a dead letter an officer re-sends). The citizen is told the system's
code, and sees it on the dossier's card."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot.bootstrap import Application, build
from bot.handover_http import build_handover
from bot.scheduler import Jobs, Scheduler
from bot.settings import Settings
from bot.web.app import create_http_app
from services.dossiers import Dossier, Phase, payment_request
from services.handover import HandoverStatus
from services.handover_delivery import DeliveryResult, HandoverDelivery
from services.payments import sign_sepay
from tests.contract.fake_one_stop import TOKEN, FakeOneStop, HandoverFault, schema_validator
from tests.contract.officer_dossiers import KEY_PROVINCE
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.contract.test_web_chat_filing import (
    AFTER_MIDNIGHT,
    PDF,
    Tab,
    fill_housing_form,
    log_in,
)
from tests.e2e.conftest import free_port
from tests.e2e.fault_journey import sepay_notification
from tests.e2e.fault_processes import until
from tests.fakes import FakeClock, RecordingSms

SEPAY_SECRET = "sepay-secret-for-hand-over-tests-0123456789"


class _Server(uvicorn.Server):
    """uvicorn, leaving the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class World:
    """The bot served on a port, the fake one-stop system, and the hand-over's delivery."""

    app: Application
    clock: FakeClock
    http: httpx.AsyncClient
    one_stop: FakeOneStop
    delivery: HandoverDelivery

    async def deliver(self, rounds: int = 6) -> list[DeliveryResult]:
        """What the scheduler's hand-over job does, with time moving on between runs."""
        results = []
        for _ in range(rounds):
            results.append(await self.delivery.run_once())
            self.clock.advance(seconds=120)
        return results


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:  # noqa: F811
    one_stop = FakeOneStop(TOKEN)
    await one_stop.start()
    port = free_port()
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        dossier_system="http",
        dossier_system_url=one_stop.base_url,
        dossier_system_token=TOKEN,
        public_base_url=f"http://127.0.0.1:{port}",
        officer_api_keys={KEY_PROVINCE: "*"},
        handover_timeout_seconds=1.0,
        sepay_webhook_secret=SEPAY_SECRET,
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    clock = FakeClock(AFTER_MIDNIGHT)
    app = await build(settings, prepare=False, clock=clock, sms=RecordingSms())
    delivery = build_handover(app)
    assert delivery is not None
    server = _Server(
        uvicorn.Config(create_http_app(app), host="127.0.0.1", port=port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield World(app, clock, http, one_stop, delivery)
    finally:
        server.should_exit = True
        await task
        await delivery.sender.close()  # type: ignore[attr-defined]
        await app.close()
        await one_stop.stop()


async def file_dossier(world: World) -> tuple[Tab, str]:
    """The citizen logs in, fills the housing form, attaches a PDF and submits: the code."""
    sms = world.app.sms
    assert isinstance(sms, RecordingSms)
    tab = Tab(world.http)
    await log_in(tab, sms)
    return tab, await submit_housing(tab)


async def submit_housing(tab: Tab) -> str:
    """A logged-in citizen files the housing form with a PDF and submits: the code."""
    await tab.send("/menu")
    await fill_housing_form(tab)
    await tab.press("Xác nhận tờ khai")
    await tab.upload("mau-02.pdf", PDF)
    await tab.press("Xong phần giấy tờ")
    await tab.press("Nộp hồ sơ")
    await tab.press("Tôi xin cam đoan")
    assert tab.keys[0] == "submission.submitted", tab.keys
    found = re.search(r"[0-9.A-Z]+-\d{6}-\d{4}", tab.text(0))
    assert found is not None
    return found.group()


async def assert_received_once(world: World, code: str) -> str:
    """Exactly one dossier at the one-stop system, complete, its documents intact: its code."""
    log = world.one_stop.handover
    assert [r.body["code"] for r in log.dossiers()] == [code]
    assert log.duplicates == 0
    received = log.dossiers()[0]
    assert not list(schema_validator("submit").iter_errors(received.body))
    async with world.app.uow_factory() as uow:
        dossier = await uow.dossiers.by_code(code)
    assert dossier is not None
    sent = {a["key"]: a["value"] for a in received.body["answers"]}
    assert sent == dict(dossier.answers) and len(sent) >= 5
    assert received.body["applicant"]["full_name"] == dossier.filer.full_name  # type: ignore[union-attr]
    documents = received.body["documents"]
    assert [d["sha256"] for d in documents] == [hashlib.sha256(PDF).hexdigest()]
    assert await world.one_stop.fetch_documents(received) == [("mau-02.pdf", True)]
    return received.remote_code


async def assert_citizen_sees(world: World, tab: Tab, code: str, remote: str) -> None:
    """The acceptance message in the chat's events, and the code on the dossier's card."""
    events = await world.http.get("/chat/api/events", headers=tab.cookie.headers)
    pushed = [e["message"] for e in events.json()["events"]]
    accepted = [m for m in pushed if m["key"] == "handover.accepted"]
    assert len(accepted) == 1 and remote in accepted[0]["html"], pushed
    await tab.send(f"/status {code}")
    assert remote in tab.text(0), tab.text(0)


async def test_a_dossier_arrives_once_although_the_system_fails_twice_and_answers_slowly(
    world: World,
) -> None:
    one_stop = world.one_stop
    one_stop.handover_faults = [HandoverFault.ERROR_500, HandoverFault.TIMEOUT, HandoverFault.SLOW]
    one_stop.slow_seconds = 0.3
    tab, code = await file_dossier(world)
    results = await world.deliver()
    assert [r.accepted for r in results[:3]] == [0, 0, 1]
    assert one_stop.handover.requests == 3
    remote = await assert_received_once(world, code)
    await assert_citizen_sees(world, tab, code, remote)
    async with world.app.uow_factory() as uow:
        (event,) = await uow.handovers.for_dossier((await uow.dossiers.by_code(code)).id)  # type: ignore[union-attr]
    assert (event.status, event.attempts, event.remote_code) == (
        HandoverStatus.ACCEPTED, 2, remote,
    )  # fmt: skip


async def test_an_acceptance_whose_answer_was_lost_is_not_a_second_dossier(world: World) -> None:
    one_stop = world.one_stop
    one_stop.handover_faults = [HandoverFault.LOST]
    tab, code = await file_dossier(world)
    await world.deliver()
    assert one_stop.handover.requests == 2 and one_stop.handover.replays == 1
    remote = await assert_received_once(world, code)
    await assert_citizen_sees(world, tab, code, remote)


async def test_a_refused_dossier_is_a_dead_letter_an_officer_re_sends(world: World) -> None:
    one_stop = world.one_stop
    one_stop.handover_faults = [HandoverFault.REJECT]
    tab, code = await file_dossier(world)
    results = await world.deliver(rounds=2)
    assert results[0].dead == 1 and one_stop.handover.dossiers() == []
    officer = {"X-API-Key": KEY_PROVINCE}
    dead = (await world.http.get("/api/v1/handovers/dead", headers=officer)).json()["items"]
    assert [(d["code"], d["kind"]) for d in dead] == [(code, "submit")]
    assert "422" in dead[0]["error"]
    scraped = (await world.http.get("/metrics")).text
    assert 'dvcbot_handover_events{state="dead"} 1.0' in scraped
    resent = await world.http.post(f"/api/v1/handovers/{dead[0]['key']}/resend", headers=officer)
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    again = await world.http.post(f"/api/v1/handovers/{dead[0]['key']}/resend", headers=officer)
    assert again.status_code == 404  # no longer dead
    scraped = (await world.http.get("/metrics")).text
    assert 'dvcbot_handover_events{state="pending"} 1.0' in scraped, scraped
    await world.deliver(rounds=1)
    remote = await assert_received_once(world, code)
    await assert_citizen_sees(world, tab, code, remote)
    assert (await world.http.get("/api/v1/handovers/dead", headers=officer)).json()["items"] == []
    scraped = (await world.http.get("/metrics")).text
    assert 'dvcbot_handover_events{state="dead"} 0.0' in scraped
    assert 'dvcbot_handover_events{state="accepted"} 1.0' in scraped


async def test_each_supplement_follows_the_dossier_with_its_documents(world: World) -> None:
    tab, code = await file_dossier(world)
    await world.deliver(rounds=1)
    remote = await assert_received_once(world, code)
    officer = {"X-API-Key": KEY_PROVINCE}
    for status in (2, 4):
        moved = await world.http.post(
            f"/api/v1/dossiers/{code}/status", json={"status": status}, headers=officer
        )
        assert moved.status_code == 200, moved.text
    async with world.app.uow_factory() as uow:
        dossier = await uow.dossiers.by_code(code)
    assert dossier is not None
    proc = world.app.catalog.procedure(dossier.procedure_id)
    assert proc is not None
    wanted = proc.documents[0].key
    asked = await world.http.post(
        f"/api/v1/dossiers/{code}/supplement",
        json={"components": [wanted], "note": "Bản chụp rõ hơn"},
        headers=officer,
    )
    assert asked.status_code == 200, asked.text
    await Jobs(world.app).push_changes()  # the scheduler's push of the request
    events = await world.http.get("/chat/api/events", headers=tab.cookie.headers)
    tab.messages = [e["message"] for e in events.json()["events"]]
    await tab.press("Nộp bổ sung")
    clearer = PDF + b"clearer scan"
    await tab.upload("ban-chup-ro.pdf", clearer)
    await tab.press("Gửi bổ sung")
    assert tab.keys[0] == "supplement.sent", tab.keys
    world.one_stop.handover_faults = [HandoverFault.ERROR_500]
    await world.deliver(rounds=3)
    log = world.one_stop.handover
    supplements = [e for e in log.events if e.kind == "supplement"]
    assert [(e.key, e.body["remote_code"]) for e in supplements] == [
        (f"{dossier.id}:supplement:1", remote)
    ]
    assert supplements[0].body["components"] == [wanted]
    sent = supplements[0].body["documents"]
    assert [d["sha256"] for d in sent] == [hashlib.sha256(clearer).hexdigest()]
    assert await world.one_stop.fetch_documents(supplements[0]) == [("ban-chup-ro.pdf", True)]
    assert len(log.dossiers()) == 1 and log.duplicates == 0


async def test_a_dossier_is_handed_over_when_the_bank_completes_its_fee(world: World) -> None:
    agency = world.app.catalog.agencies.get("ca-01273")
    assert agency is not None
    now = world.clock.now()
    code = f"{agency.code}-{now:%y%m%d}-0042"
    awaiting = Dossier(
        id="d-fee-0042", code=code, procedure_id="dang_ky_tam_tru", agency_id=agency.id,
        owner="web:someone", citizen_id=None, answers={"ho_ten": "Nông Thị Hoa"},
        attachments=(), fee=7000, created_at=now, phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(code, 7000, now),
    )  # fmt: skip
    async with world.app.uow_factory() as uow:
        await uow.dossiers.add(awaiting)
        await uow.commit()
    await world.deliver(rounds=1)
    assert world.one_stop.handover.requests == 0  # not submitted until the fee is in
    assert awaiting.payment is not None
    body = sepay_notification(awaiting.payment.reference, 7000, 9142)
    headers = sign_sepay(body, SEPAY_SECRET, int(now.timestamp()))
    paid = await world.http.post("/payments/webhook", content=body, headers=headers)
    assert paid.json()["outcome"] == "paid", paid.text
    again = await world.http.post("/payments/webhook", content=body, headers=headers)
    assert again.status_code == 200  # the bank retries its notification
    await world.deliver(rounds=1)
    (received,) = world.one_stop.handover.dossiers()
    assert received.body["code"] == code
    assert received.body["fee"] == {"amount": 7000, "method": "online", "paid": 7000, "due": 0}
    assert [p["amount"] for p in received.body["payments"]] == [7000]


async def test_the_commit_that_submits_wakes_the_hand_over(world: World) -> None:
    """No timer runs here: only the scheduler's wake-ups (bot.scheduler), as after a commit."""
    scheduler = Scheduler(world.app)
    assert scheduler.jobs.handover is not None
    woken = [asyncio.create_task(job) for job in scheduler._wake_jobs()]
    try:
        _tab, code = await file_dossier(world)

        async def arrived() -> bool:
            return len(world.one_stop.handover.dossiers()) == 1

        await until(arrived, "the dossier to reach the one-stop system", 30)
    finally:
        scheduler._stop.set()
        await asyncio.gather(*woken)
        await scheduler.jobs.handover.sender.close()  # type: ignore[attr-defined]
    await assert_received_once(world, code)
