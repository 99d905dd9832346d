"""Through a real channel: what the citizen does after submission reaches the one-stop system.
The web chat of the real application (SQLite and PostgreSQL), DOSSIER_SYSTEM=http, the fake
one-stop system of tests.contract.fake_one_stop (the harness of test_handover_web). Once the
dossier is accepted there, the citizen changes the contact phone and withdraws it (paid: the
refund is announced), or, on a dossier with its result, rates it and adds a comment: each
event arrives once, after the submission, in order, valid against its JSON Schema, with what
the citizen chose — even when the system answers the withdrawal with a 500 first. In the
embedded mode the same withdrawal and rating work and nothing is queued."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase, payment_request
from services.payments import sign_sepay
from tests.contract.fake_one_stop import HandoverFault, Received, schema_validator
from tests.contract.officer_dossiers import KEY_PROVINCE
from tests.contract.test_handover_web import (
    SEPAY_SECRET,
    World,
    assert_received_once,
    file_dossier,
    submit_housing,
    world,  # noqa: F401
)
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.contract.test_web_chat_filing import AFTER_MIDNIGHT, Tab, log_in
from tests.e2e.fault_journey import sepay_notification
from tests.fakes import FakeClock, RecordingSms

OFFICER = {"X-API-Key": KEY_PROVINCE}
NEW_PHONE = "0987654321"
COMMENT = "Cán bộ hướng dẫn tận tình, trả kết quả sớm"


def events_of(world: World, dossier_id: str) -> list[Received]:  # noqa: F811
    """What the one-stop system received for one dossier, in order."""
    return [e for e in world.one_stop.handover.events if e.dossier_id == dossier_id]


def assert_valid(received: Received) -> None:
    """The body is one the contract allows for its kind."""
    errors = [e.message for e in schema_validator(received.kind).iter_errors(received.body)]
    assert not errors, (received.kind, errors)


async def citizen_of(app: Application, tab: Tab) -> tuple[str, str]:
    """The chat key of this browser and the citizen logged in there."""
    address = await tab.cookie.address(app)
    async with app.uow_factory() as uow:
        stored = await uow.conversations.load(address.key, "peek")
    assert stored.state is not None
    citizen = stored.state.get("citizen_id")
    assert isinstance(citizen, str)
    return address.key, citizen


async def paid_dossier(world: World, tab: Tab) -> Dossier:  # noqa: F811
    """A residence registration of this citizen awaiting its 7,000 VND fee, then paid by bank
    transfer (the bank's signed notification): it is submitted, and handed over."""
    owner, citizen = await citizen_of(world.app, tab)
    agency = world.app.catalog.agencies.get("ca-01273")
    assert agency is not None
    now = world.clock.now()
    code = f"{agency.code}-{now:%y%m%d}-0043"
    answers: dict[str, Any] = {"ho_ten": "Nông Thị Hoa", "so_dien_thoai": "0912345678"}
    awaiting = Dossier(
        id="d-fee-0043", code=code, procedure_id="dang_ky_tam_tru", agency_id=agency.id,
        owner=owner, citizen_id=citizen, answers=answers, attachments=(), fee=7000,
        created_at=now, phase=Phase.AWAITING_PAYMENT, payment=payment_request(code, 7000, now),
    )  # fmt: skip
    async with world.app.uow_factory() as uow:
        await uow.dossiers.add(awaiting)
        await uow.commit()
    assert awaiting.payment is not None
    body = sepay_notification(awaiting.payment.reference, 7000, 9143)
    headers = sign_sepay(body, SEPAY_SECRET, int(now.timestamp()))
    paid = await world.http.post("/payments/webhook", content=body, headers=headers)
    assert paid.json()["outcome"] == "paid", paid.text
    return awaiting


async def move(http: httpx.AsyncClient, code: str, *statuses: int) -> None:
    """An officer moves the dossier through the officer API."""
    for status in statuses:
        moved = await http.post(
            f"/api/v1/dossiers/{code}/status", json={"status": status}, headers=OFFICER
        )
        assert moved.status_code == 200, moved.text


async def change_phone(tab: Tab, code: str) -> None:
    """From the dossier's card: a new contact phone, confirmed."""
    await tab.send(f"/status {code}")
    await tab.press("Đổi số điện thoại")
    await tab.send(NEW_PHONE)
    await tab.press("Xác nhận thay đổi")
    assert tab.keys[0] == "course.contact_changed", tab.keys


async def withdraw(tab: Tab, code: str, paid: bool) -> None:
    """From the dossier's card: withdraw, "too slow", the refund account if paid, confirmed."""
    await tab.send(f"/status {code}")
    await tab.press("Rút hồ sơ")
    await tab.press("Thời gian giải quyết quá lâu")
    if paid:
        assert tab.keys == ["course.withdraw_account"], tab.keys
        await tab.send("Vietcombank, 0123 456 789, Nông Thị Hoa")
    await tab.press("Xác nhận rút hồ sơ")
    assert tab.keys[0] == "course.withdrawn", tab.keys


async def rate(tab: Tab, code: str) -> None:
    """From the dossier's card: "very satisfied", then a comment."""
    await tab.send(f"/status {code}")
    await tab.press("Đánh giá dịch vụ")
    await tab.press("Rất hài lòng")
    assert tab.keys[0] == "course.rate_thanks", tab.keys
    await tab.send(COMMENT)
    assert tab.keys[0] == "course.rate_comment_kept", tab.keys


async def test_a_new_phone_and_a_withdrawal_follow_the_paid_dossier_once(world: World) -> None:  # noqa: F811
    tab, _ = await file_dossier(world)
    dossier = await paid_dossier(world, tab)
    await world.deliver(rounds=1)
    (submitted,) = events_of(world, dossier.id)
    assert submitted.kind == "submit" and submitted.body["fee"]["paid"] == 7000
    await change_phone(tab, dossier.code)
    await withdraw(tab, dossier.code, paid=True)
    log = world.one_stop.handover
    requests, failed = log.requests, log.failed
    world.one_stop.handover_faults = [None, HandoverFault.ERROR_500]  # the withdrawal's 1st try
    await world.deliver(rounds=4)
    assert (log.requests - requests, log.failed - failed) == (3, 1)
    received = events_of(world, dossier.id)
    assert [(e.kind, e.key) for e in received] == [
        ("submit", dossier.id),
        ("contact_change", f"{dossier.id}:contact_change:1"),
        ("withdraw", f"{dossier.id}:withdraw:1"),
    ]
    for event in received:
        assert_valid(event)
    _, changed, withdrawn = received
    remote = submitted.remote_code
    assert changed.body["remote_code"] == withdrawn.body["remote_code"] == remote
    assert (changed.body["field"], changed.body["value"]) == ("so_dien_thoai", NEW_PHONE)
    assert withdrawn.body["reason"] == "too_slow"
    assert withdrawn.body["label"] == "Thời gian giải quyết quá lâu"
    assert withdrawn.body["refund"] == 7000
    assert log.duplicates == 0 and len(log.dossiers()) == 2  # the housing one, and this one
    async with world.app.uow_factory() as uow:
        stored = await uow.dossiers.get(dossier.id)
        queued = await uow.handovers.for_dossier(dossier.id)
    assert stored is not None and stored.status is DossierStatus.WITHDRAWAL_REQUESTED
    assert [e.status.value for e in queued] == ["accepted"] * 3


async def test_a_rating_and_its_comment_follow_the_result_once(world: World) -> None:  # noqa: F811
    tab, code = await file_dossier(world)
    await world.deliver(rounds=1)
    remote = await assert_received_once(world, code)
    await move(world.http, code, 2, 4, 9)
    await rate(tab, code)
    await world.deliver(rounds=3)
    async with world.app.uow_factory() as uow:
        dossier = await uow.dossiers.by_code(code)
    assert dossier is not None
    received = events_of(world, dossier.id)
    assert [(e.kind, e.key) for e in received] == [
        ("submit", dossier.id),
        ("rating", f"{dossier.id}:rating:1"),
        ("rating", f"{dossier.id}:rating:2"),
    ]
    for event in received:
        assert_valid(event)
    _, rated, commented = received
    assert {k: rated.body.get(k) for k in ("level", "comment", "remote_code")} == {
        "level": 4, "comment": None, "remote_code": remote,
    }  # fmt: skip
    assert {k: commented.body.get(k) for k in ("level", "comment", "remote_code")} == {
        "level": None, "comment": COMMENT, "remote_code": remote,
    }  # fmt: skip
    assert world.one_stop.handover.duplicates == 0
    await world.deliver(rounds=2)  # accepted events are not sent again
    assert len(events_of(world, dossier.id)) == 3


@pytest.fixture
async def embedded(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:  # noqa: F811
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        officer_api_keys={KEY_PROVINCE: "*"},
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings, prepare=False, clock=FakeClock(AFTER_MIDNIGHT), sms=RecordingSms())
    yield app
    await app.close()


async def test_in_the_embedded_mode_withdrawal_and_rating_work_and_queue_nothing(
    embedded: Application,
) -> None:
    transport = httpx.ASGITransport(app=create_http_app(embedded))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        tab = Tab(http)
        sms = embedded.sms
        assert isinstance(sms, RecordingSms)
        await log_in(tab, sms)
        withdrawn_code = await submit_housing(tab)
        await withdraw(tab, withdrawn_code, paid=False)
        rated_code = await submit_housing(tab)
        await move(http, rated_code, 2, 4, 9)
        await rate(tab, rated_code)
    async with embedded.uow_factory() as uow:
        withdrawn = await uow.dossiers.by_code(withdrawn_code)
        rated = await uow.dossiers.by_code(rated_code)
        assert withdrawn is not None and rated is not None
        rating = await uow.ratings.get(rated.id)
        queued = [
            *await uow.handovers.for_dossier(withdrawn.id),
            *await uow.handovers.for_dossier(rated.id),
        ]
        depth = await uow.handovers.depth()
    assert withdrawn.status is DossierStatus.WITHDRAWAL_REQUESTED
    assert withdrawn.withdrawal is not None and withdrawn.withdrawal.reason.value == "too_slow"
    assert rating is not None and (int(rating.level), rating.comment) == (4, COMMENT)
    assert queued == [] and depth == 0
