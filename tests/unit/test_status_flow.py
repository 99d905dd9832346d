"""After submission: officers move a dossier, citizens and followers hear of it exactly once,
answer supplement requests in the chat, and get reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from conversations.messages import ChatAddress, Outgoing, OutgoingKind, Platform
from conversations.router import Router
from conversations.status_messages import StatusMessages
from services.catalog_index import Catalog
from services.codec import from_json
from services.documents import Attachment, DocumentSource, StoredDocument
from services.dossier_codes import DossierStatus, TransitionError
from services.dossiers import Dossier, PaymentRequest, Phase
from services.status_changes import change_status, record_result, request_supplement
from services.status_pushes import Reminder, push_status_changes, send_reminders
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory
from tests.unit.test_filing_flow import EXE, JPEG, PDF, send_file

OWNER = "web:tester"


def make_dossier(catalog: Catalog, clock: FakeClock, **extra: object) -> Dossier:
    proc = next(p for p in catalog.procedures if p.id == "dang_ky_tam_tru")
    agency = next(iter(catalog.agencies))
    values: dict[str, object] = {
        "id": "d1",
        "code": f"{agency.code}-251125-0007",
        "procedure_id": proc.id,
        "agency_id": agency.id,
        "owner": OWNER,
        "citizen_id": None,
        "answers": {"ho_ten": "Nông Thị Hoa"},
        "attachments": (),
        "fee": 0,
        "created_at": clock.now(),
        "phase": Phase.SUBMITTED,
        "status": DossierStatus.SUBMITTED,
        "submitted_at": clock.now(),
        "due_date": date(2026, 11, 30),
    }
    values.update(extra)
    return Dossier(**values)  # type: ignore[arg-type]


async def add(uow_factory: MemoryUnitOfWorkFactory, dossier: Dossier) -> None:
    async with uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()


async def move(
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
    status: DossierStatus,
    note: str = "",
    dossier_id: str = "d1",
) -> Dossier:
    async with uow_factory() as uow:
        dossier = await uow.dossiers.get(dossier_id)
        assert dossier is not None
        if status is DossierStatus.SUPPLEMENT_REQUESTED:
            moved = await request_supplement(
                uow.dossiers, dossier, ["giay_to_cho_o_hop_phap", "Ảnh chụp hộ khẩu cũ"],
                note, "officer:a", clock.now(),
            )  # fmt: skip
        else:
            moved = await change_status(
                uow.dossiers, dossier, status, "officer:a", note, clock.now(), 3
            )
        await uow.commit()
    return moved


async def started(router: Router, chat_id: str, platform: Platform = Platform.WEB) -> ChatDriver:
    """A chat that has already said /start (so replies come without the welcome)."""
    driver = ChatDriver(router, chat_id=chat_id, platform=platform)
    await driver.send("/start")
    return driver


def pushes(uow_factory: MemoryUnitOfWorkFactory, chat: str) -> list[Outgoing]:
    return [from_json(Outgoing, i.message) for i in uow_factory.db.outbox if i.recipient == chat]


async def test_each_change_reaches_every_chat_of_the_owner_once(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    await add(uow_factory, make_dossier(catalog, clock, citizen_id="c1"))
    async with uow_factory() as uow:  # the owner is also logged in on Telegram and Zalo
        for key in ("telegram:77", "zalo:88"):
            await uow.citizens.link("c1", key, clock.now())
        await uow.commit()
    messages = StatusMessages(catalog)
    await move(uow_factory, clock, DossierStatus.RECEIVED, "Đã nhận đủ hồ sơ")
    first = await push_status_changes(uow_factory, messages, clock)
    again = await push_status_changes(uow_factory, messages, clock)  # the job runs twice
    assert (first.changes, first.queued) == (1, 3) and (again.changes, again.queued) == (0, 0)
    assert sorted(i.recipient for i in uow_factory.db.outbox) == [
        "telegram:77", "web:tester", "zalo:88",
    ]  # fmt: skip
    (push,) = pushes(uow_factory, "telegram:77")
    text = chat.text(push)
    assert "Được tiếp nhận" in text and "Đã nhận đủ hồ sơ" in text and "30/11/2026" in text
    assert chat.texts.render(push.text, "en").count("Received") == 1


async def test_a_crash_before_commit_queues_nothing_and_the_rerun_queues_once(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    await add(uow_factory, make_dossier(catalog, clock))
    await move(uow_factory, clock, DossierStatus.RECEIVED)

    class Dying(StatusMessages):
        def status(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise RuntimeError("process died mid-run")

    with pytest.raises(RuntimeError):
        await push_status_changes(uow_factory, Dying(catalog), clock)
    assert uow_factory.db.outbox == []
    result = await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    assert result.queued == 1 and len(uow_factory.db.outbox) == 1


async def test_followers_get_no_personal_data_and_can_stop(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    router: Router,
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    neighbour = await started(router, "neighbour", Platform.TELEGRAM)
    typed = "  " + dossier.code.lower().replace("-", " - ") + " "
    await neighbour.send(f"/follow {typed}")
    assert neighbour.keys[0] == "follow.started"
    await neighbour.send(f"/follow {dossier.code}")
    assert neighbour.keys[0] == "follow.already"
    owner = await started(router, "tester")
    await owner.send(f"/follow {dossier.code}")
    assert owner.keys[0] == "follow.own"
    await move(uow_factory, clock, DossierStatus.RECEIVED, "Ông Hoa bổ sung CCCD")
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    (push,) = pushes(uow_factory, "telegram:neighbour")
    text = neighbour.text(push)
    assert "Được tiếp nhận" in text and "Hoa" not in text and "CCCD" not in text
    assert "Hoa bổ sung CCCD" in owner.text(pushes(uow_factory, OWNER)[0])
    await neighbour.press_payload(push.buttons[0][0].payload)  # "Bỏ theo dõi" under the push
    assert neighbour.keys[0] == "unfollow.done"
    await neighbour.send(f"/unfollow {dossier.code}")
    assert neighbour.keys[0] == "unfollow.not_following"
    await move(uow_factory, clock, DossierStatus.PROCESSING)
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    assert len(pushes(uow_factory, "telegram:neighbour")) == 1
    assert len(pushes(uow_factory, OWNER)) == 2


@pytest.mark.parametrize(
    ("typed", "key"),
    [("", "follow.usage"), ("abc", "status.bad_code"), ("H04.999-251125-0001", "status.not_found")],
)
async def test_follow_explains_a_wrong_code(chat: ChatDriver, typed: str, key: str) -> None:
    await chat.send("/start")
    await chat.send(f"/follow {typed}")
    assert chat.keys[0] == key


async def test_supplement_is_sent_from_the_chat_and_returns_to_the_officer(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    chat: ChatDriver,
    staging: MemoryStaging,
) -> None:
    await add(uow_factory, make_dossier(catalog, clock))
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await move(uow_factory, clock, status)
    received = uow_factory.db.dossiers["d1"].due_date
    clock.advance(days=1)
    await move(uow_factory, clock, DossierStatus.SUPPLEMENT_REQUESTED, "Thiếu giấy tờ chỗ ở")
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    push = pushes(uow_factory, OWNER)[-1]
    text = chat.text(push)
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in text and "hộ khẩu cũ" in text
    labels = [chat.label(b) for row in push.buttons for b in row]
    assert "📎 Nộp bổ sung" in labels
    await chat.send("/start")
    await chat.press_payload(push.buttons[0][0].payload)
    assert chat.keys == ["supplement.checklist"]
    await chat.press("📤 Gửi bổ sung")  # nothing sent yet: both are missing
    assert chat.keys == ["supplement.missing", "supplement.checklist"]
    await send_file(chat, staging, EXE, "giay-to.pdf")
    assert chat.keys == ["docs.rejected", "supplement.checklist"]
    await send_file(chat, staging, PDF, "hop-dong-thue-nha.pdf")
    assert chat.keys == ["supplement.received", "supplement.checklist"]
    assert "hộ khẩu cũ" in chat.text() and "Tệp tiếp theo" in chat.text()
    clock.advance(days=7)  # the clock was paused: a week later the due date moves on
    await send_file(chat, staging, JPEG, "ho-khau.jpg")
    await chat.press("📤 Gửi bổ sung")
    assert chat.keys == ["supplement.sent", "menu.main"]
    dossier = uow_factory.db.dossiers["d1"]
    assert dossier.status is DossierStatus.PROCESSING and dossier.supplement == ()
    assert {a.name for a in dossier.attachments} == {"hop-dong-thue-nha.pdf", "ho-khau.jpg"}
    assert received is not None and dossier.due_date is not None and dossier.due_date > received
    assert [h.status for h in dossier.history] == [2, 4, 5, 4]
    assert dossier.history[-1].actor == "citizen"
    await chat.press_payload(push.buttons[0][0].payload)  # the old button: nothing to send now
    assert chat.keys[0] == "supplement.not_requested"


async def test_someone_else_cannot_send_the_supplement(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, router: Router
) -> None:
    await add(uow_factory, make_dossier(catalog, clock))
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await move(uow_factory, clock, status)
    await move(uow_factory, clock, DossierStatus.SUPPLEMENT_REQUESTED)
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    payload = pushes(uow_factory, OWNER)[-1].buttons[0][0].payload
    stranger = await started(router, "stranger")
    await stranger.press_payload(payload)
    assert stranger.keys[0] == "supplement.not_yours"
    await stranger.press_payload(pushes(uow_factory, OWNER)[-1].buttons[-1][0].payload)
    assert stranger.keys[0] == "common.stale_button"  # "view dossier" is the owner's only


async def test_a_forbidden_transition_changes_nothing(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    await add(uow_factory, make_dossier(catalog, clock))
    with pytest.raises(TransitionError) as refused:
        await move(uow_factory, clock, DossierStatus.RESOLVED)
    assert refused.value.reason == "not_allowed" and refused.value.params["allowed"] == "2,3,7"
    assert uow_factory.db.dossiers["d1"].status is DossierStatus.SUBMITTED
    assert uow_factory.db.changes == []


async def test_the_result_reaches_the_document_store(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    chat: ChatDriver,
) -> None:
    await add(uow_factory, make_dossier(catalog, clock))
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await move(uow_factory, clock, status)
    result = StoredDocument(
        "r1", OWNER, None, "ket_qua", "xac-nhan-tam-tru.pdf", "pdf", 1234, "sha256:" + "a" * 64,
        clock.now(), DocumentSource.RESULT, "Kết quả giải quyết",
    )  # fmt: skip
    async with uow_factory() as uow:
        await uow.documents.add(result)
        dossier = await uow.dossiers.get("d1")
        assert dossier is not None
        attachment = Attachment("ket_qua", "r1", result.name, "pdf", 1234, result.ref)
        await record_result(uow.dossiers, dossier, attachment, "officer:a", "", clock.now())
        await uow.commit()
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    push = pushes(uow_factory, OWNER)[-1]
    await chat.send("/start")
    assert "Đã xử lý xong" in chat.text(push) and "Kho dữ liệu" in chat.text(push)
    await chat.press_payload(push.buttons[0][0].payload)  # "Kho dữ liệu" under the push
    assert chat.keys[0] == "documents.list" and "xac-nhan-tam-tru.pdf" in chat.text(chat.replies[0])
    sent = [m for m in chat.replies if m.kind is OutgoingKind.DOCUMENT]
    assert [m.media_ref for m in sent] == [result.ref]


async def test_reminders_go_once_each(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    today = clock.now().date()
    # A request valid 28 h: its reminder is due once 4 h or less are left, i.e. after 24 h.
    payment = PaymentRequest("DVC7K2", 7000, clock.now(), clock.now() + timedelta(hours=28))
    await add(uow_factory, make_dossier(
        catalog, clock, id="pay", code="X-1", phase=Phase.AWAITING_PAYMENT, status=None,
        payment=payment, fee=7000,
    ))  # fmt: skip
    await add(uow_factory, make_dossier(
        catalog, clock, id="soon", code="X-2", status=DossierStatus.PROCESSING,
        due_date=today + timedelta(days=1),
    ))  # fmt: skip
    await add(uow_factory, make_dossier(
        catalog, clock, id="late", code="X-3", status=DossierStatus.PROCESSING,
        due_date=today - timedelta(days=2),
    ))  # fmt: skip
    await add(uow_factory, make_dossier(
        catalog, clock, id="done", code="X-4", status=DossierStatus.RESOLVED,
        due_date=today - timedelta(days=2),
    ))  # fmt: skip
    messages = StatusMessages(catalog)
    counts = await send_reminders(uow_factory, messages, clock)
    assert counts[Reminder.PAYMENT] == 0  # 28 h of validity left
    assert counts[Reminder.DUE_TOMORROW] == 1 and counts[Reminder.OVERDUE] == 1
    assert uow_factory.db.dossiers["late"].overdue and not uow_factory.db.dossiers["done"].overdue
    clock.advance(hours=25)
    counts = await send_reminders(uow_factory, messages, clock)
    assert counts[Reminder.PAYMENT] == 1 and counts[Reminder.OVERDUE] == 0
    assert counts[Reminder.DUE_TOMORROW] == 0  # "soon" is due today now, not tomorrow
    again = await send_reminders(uow_factory, messages, clock)
    assert sum(again.values()) == 0
    keys = sorted(from_json(Outgoing, i.message).text.key for i in uow_factory.db.outbox)
    assert keys == ["remind.due_tomorrow", "remind.overdue", "remind.payment"]
    texts = {chat.text(from_json(Outgoing, i.message)) for i in uow_factory.db.outbox}
    assert any("7.000 đ" in t for t in texts) and any("quá ngày hẹn" in t for t in texts)


async def test_a_supplement_left_unanswered_is_recalled_once(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    await add(uow_factory, make_dossier(catalog, clock, due_date=date(2027, 1, 30)))
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await move(uow_factory, clock, status)
    await move(uow_factory, clock, DossierStatus.SUPPLEMENT_REQUESTED)
    messages = StatusMessages(catalog)
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.SUPPLEMENT] == 0
    clock.advance(days=3)
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.SUPPLEMENT] == 1
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.SUPPLEMENT] == 0


def test_status_pushes_render_in_english(catalog: Catalog, chat: ChatDriver) -> None:
    clock = FakeClock()
    dossier = replace(
        make_dossier(catalog, clock), status=DossierStatus.SUPPLEMENT_REQUESTED,
        supplement=("giay_to_cho_o_hop_phap",),
    )  # fmt: skip
    from conversations.status_messages import status_push
    from services.dossiers import StatusChange

    push = status_push(catalog, dossier, StatusChange(5, "d1", 5, clock.now(), "officer:a"), True)
    english = chat.texts.render(push.text, "en")
    assert "Supplements requested" in english and "Send supplement" in english
    assert ChatAddress(Platform.WEB, "tester").key == OWNER
