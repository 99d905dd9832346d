"""Officer operations from an admin chat, through the router: who may, what changes, and what
the officer and the citizen see."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from conversations.commands import REGISTRY
from conversations.flow import Settings
from conversations.messages import Platform
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.documents import DocumentSource
from services.dossier_codes import DossierStatus, format_code
from services.dossiers import Dossier, Phase, submitted
from services.ledger import Payment, PaymentMethod, Refund, RefundReason
from services.places import Places
from tests.chat import ChatDriver
from tests.fakes import (
    FakeClock,
    MemoryStaging,
    MemoryUnitOfWorkFactory,
    RecordingSms,
    SequentialIds,
)
from tests.unit.test_applicant_identity import (
    CHILD,
    attach_and_reach_summary,
    fill,
    open_criminal_record,
)
from tests.unit.test_filing_flow import EXE, PDF, send_file

ADMINS = ("web:admin", "telegram:12345")
STAY = "dang_ky_tam_tru"  # temporary residence 1.004194: 3 working days, commune police
POLICE = "ca-01273"  # Công an Phường Thục Phán: 000.01.51.H04, short form H04.201


def admin_router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    """A router whose settings name the admin chats."""
    settings = Settings(admin_chats=ADMINS)
    return Router(uow_factory, catalog, places, clock, SequentialIds(), identity, filing, settings)


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    return admin_router(uow_factory, catalog, places, clock, identity, filing)


async def started(router: Router, chat_id: str, platform: Platform = Platform.WEB) -> ChatDriver:
    """A chat that has said hello (so replies carry no welcome)."""
    driver = ChatDriver(router, chat_id=chat_id, platform=platform)
    await driver.send("/start")
    return driver


@pytest.fixture
async def officer(router: Router) -> ChatDriver:
    return await started(router, "admin")


@pytest.fixture
async def citizen(router: Router) -> ChatDriver:
    return await started(router, "citizen")


def add_dossier(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    at: datetime,
    sequence: int = 1,
    owner: str = "web:citizen",
    procedure: str = STAY,
    paid: bool = True,
) -> Dossier:
    """A dossier submitted at `at` (status 1, due in the procedure's working days)."""
    agency = catalog.agencies.get(POLICE)
    proc = catalog.procedure(procedure)
    assert agency is not None and proc is not None
    day = (at + timedelta(hours=7)).date()
    dossier = Dossier(
        id=f"d{sequence:03d}-{day:%m%d}",
        code=format_code(agency.code, day, sequence),
        procedure_id=proc.id,
        agency_id=agency.id,
        owner=owner,
        citizen_id=None,
        answers={"ho_ten": "Nông Thị Hoa"},
        attachments=(),
        fee=7000,
        created_at=at,
        phase=Phase.AWAITING_PAYMENT,
    )
    if paid:
        dossier = submitted(dossier, at, day, proc.processing_days, "citizen")
    uow_factory.db.dossiers[dossier.id] = dossier
    return dossier


def stored(uow_factory: MemoryUnitOfWorkFactory, dossier: Dossier) -> Dossier:
    found = uow_factory.db.dossiers[dossier.id]
    return found


COMMANDS = (
    "/hoso {code}", "/dossier {code}", "/trangthai {code} 2", "/setstatus {code} 2",
    "/bosung {code}", "/asksupplement {code}", "/ketqua {code}", "/result {code}",
    "/quahan {code}", "/overdue {code}", "/boquahan {code}", "/ontime {code}", "/thongke",
    "/stats 7", "/thongbao", "/broadcast", "/huythongbao x1", "/broadcast_cancel x1",
)  # fmt: skip


async def test_every_admin_command_is_refused_in_a_citizen_chat(
    citizen: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await citizen.send("dang ky tam tru")  # in the middle of a search
    for command in COMMANDS:
        await citizen.send(command.format(code=dossier.code))
        assert citizen.keys == ["admin.refused", "search.results_page"], command
        assert "chỉ dành cho cán bộ quản trị" in citizen.text(citizen.replies[0])
    assert stored(uow_factory, dossier) == dossier
    assert uow_factory.db.broadcasts == {} and uow_factory.db.changes == []
    await citizen.send("/lang")
    await citizen.press("English")
    await citizen.send("/stats")
    assert citizen.keys[0] == "admin.refused"
    assert "administrators only" in citizen.text(citizen.replies[0])


async def test_help_lists_the_admin_commands_in_admin_chats_only(
    officer: ChatDriver, citizen: ChatDriver, router: Router
) -> None:
    await officer.send("/help")
    assert officer.keys[:2] == ["common.help", "admin.help"]
    assert "/trangthai" in officer.text(officer.replies[1])
    await citizen.send("/help")
    assert "admin.help" not in citizen.keys
    telegram_admin = await started(router, "12345", Platform.TELEGRAM)
    await telegram_admin.send("/help")
    assert "admin.help" in telegram_admin.keys


async def test_the_admin_help_names_every_officer_command_in_both_languages(
    officer: ChatDriver,
) -> None:
    """The dead letters of the hand-over included: /chuyenloi (/deadletters), /guilai KEY."""
    officer_commands = [c for c in REGISTRY if c.admin]
    assert {"chuyenloi", "guilai"} <= {c.name for c in officer_commands}
    for language in ("Tiếng Việt", "English"):
        await officer.send("/lang")
        await officer.press(language)
        await officer.send("/help")
        (helped,) = [m for m in officer.replies if m.text.key == "admin.help"]
        shown = officer.text(helped)
        for command in officer_commands:
            for name in (command.name, *command.aliases):
                assert re.search(rf"/{name}(?!\w)", shown), (language, name, shown)
    assert re.search(r"/resend EVENT_KEY — send a failed hand-over again \(/guilai\)", shown)


async def test_a_code_typed_loosely_opens_the_full_card(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    short = dossier.code.replace("000.01.51.H04", "h04.201").replace("-", " ")
    await officer.send(f"/hoso {short}")
    assert officer.keys == ["admin.card"]
    card = officer.text()
    for seen in (dossier.code, "Đăng ký tạm trú", "Công an Phường Thục Phán", "Nông Thị Hoa",
                 "1 · Mới đăng ký", "citizen"):  # fmt: skip
        assert seen in card, seen
    labels = [officer.label(b) for b in officer.buttons()]
    assert [label for label in labels if label.startswith("➡️")] == [
        "➡️ 2 · Được tiếp nhận",
        "➡️ 3 · Không được tiếp nhận",
        "➡️ 7 · Công dân yêu cầu rút hồ sơ",
    ]
    await officer.send("/hoso 000.99.51.H04-251125-0001")
    assert officer.keys == ["status.not_found", "menu.main"]
    await officer.send("/hoso")
    assert officer.keys == ["admin.usage_show", "menu.main"]


async def test_status_change_by_command_and_by_buttons_is_logged_with_the_admin(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    dossier = add_dossier(uow_factory, catalog, clock.now())
    clock.advance(hours=1)
    await officer.send(f"/trangthai {dossier.code.lower()} 2 Đã tiếp nhận, hẹn trả đúng hạn")
    assert officer.keys == ["admin.status_changed", "admin.card"]
    now = stored(uow_factory, dossier)
    assert now.status is DossierStatus.RECEIVED
    last = now.history[-1]
    assert (last.actor, last.note) == ("admin:web:admin", "Đã tiếp nhận, hẹn trả đúng hạn")
    (change,) = [c for c, _ in uow_factory.db.changes]
    assert (change.status, change.actor) == (2, "admin:web:admin")  # the citizen is pushed this
    assert "admin:web:admin" in officer.text() and "hẹn trả đúng hạn" in officer.text()
    await officer.send(f"/trangthai {dossier.code}")
    assert officer.keys == ["admin.pick_status", "admin.card"]
    statuses = [officer.label(b) for b in officer.buttons() if officer.label(b).startswith("➡️")]
    assert statuses == ["➡️ 4 · Đang xử lý", "➡️ 7 · Công dân yêu cầu rút hồ sơ"]
    await officer.press("4 · Đang xử lý")
    assert officer.keys == ["admin.note_ask"]
    await officer.press("Không ghi chú")
    assert officer.keys == ["admin.status_changed", "admin.card"]
    assert stored(uow_factory, dossier).status is DossierStatus.PROCESSING
    assert "Yêu cầu bổ sung giấy tờ" in " ".join(officer.label(b) for b in officer.buttons())


async def test_a_forbidden_transition_is_explained_and_changes_nothing(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send(f"/trangthai {dossier.code} 9 xong")
    assert officer.keys == ["admin.refused_not_allowed", "admin.card"]
    refusal = officer.text(officer.replies[0])
    assert "từ 1 · Mới đăng ký sang 9 · Đã xử lý xong" in refusal
    for allowed in ("2 · Được tiếp nhận", "3 · Không được tiếp nhận", "7 · Công dân yêu cầu"):
        assert allowed in refusal
    assert stored(uow_factory, dossier) == dossier and uow_factory.db.changes == []
    await officer.send(f"/trangthai {dossier.code} 11")
    assert officer.keys == ["admin.bad_status", "admin.card"]
    await officer.send(f"/trangthai {dossier.code} 1")
    assert officer.keys == ["admin.refused_unchanged", "admin.card"]
    assert stored(uow_factory, dossier) == dossier


async def test_refusing_needs_a_written_reason_and_then_the_dossier_is_closed(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send(f"/trangthai {dossier.code} 2 " + "y" * 600)
    assert officer.keys == ["admin.note_too_long", "admin.card"]  # refused whole, never cut
    assert stored(uow_factory, dossier) == dossier
    await officer.send(f"/trangthai {dossier.code} 3")
    assert officer.keys == ["admin.note_required"]
    assert "Không ghi chú" not in " ".join(officer.label(b) for b in officer.buttons())
    await officer.press_payload("d:nonote")  # not offered: refused as a stale button
    assert officer.keys == ["common.stale_button", "admin.note_required"]
    await officer.send("x" * 501)
    assert officer.keys == ["admin.note_too_long", "admin.note_required"]
    await officer.send("Sai cơ quan tiếp nhận")
    assert officer.keys == ["admin.status_changed", "admin.card"]
    assert stored(uow_factory, dossier).history[-1].note == "Sai cơ quan tiếp nhận"
    await officer.send(f"/trangthai {dossier.code} 2")
    assert officer.keys == ["admin.refused_terminal", "admin.card"]
    assert stored(uow_factory, dossier).status is DossierStatus.REFUSED


async def processing(officer: ChatDriver, dossier: Dossier) -> None:
    await officer.send(f"/trangthai {dossier.code} 2")
    await officer.send(f"/trangthai {dossier.code} 4")
    assert officer.keys == ["admin.status_changed", "admin.card"]


async def test_a_supplement_names_components_and_the_officers_own_words(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send(f"/bosung {dossier.code}")
    assert officer.keys == ["admin.refused_not_allowed", "admin.card"]  # only from 4
    await processing(officer, dossier)
    await officer.press("Yêu cầu bổ sung giấy tờ")
    assert officer.keys == ["admin.supplement_pick"] and "chưa chọn gì" in officer.text()
    await officer.press("Gửi yêu cầu bổ sung")
    assert officer.keys == ["admin.supplement_none_chosen", "admin.supplement_pick"]
    await officer.press("⬜ Giấy tờ chứng minh chỗ ở hợp pháp")
    await officer.press("⬜ Ý kiến đồng ý của cha, mẹ")
    await officer.press("☑️ Ý kiến đồng ý của cha, mẹ")  # untick
    await officer.send("Bản sao sổ hộ khẩu; Ảnh chụp căn nhà")
    await officer.press("Bỏ: Ảnh chụp căn nhà")
    await officer.press("Ghi chú cho người nộp")
    assert officer.keys == ["admin.note_ask"]
    await officer.send("Bản chụp rõ nét, đủ 4 góc")
    chosen = officer.text()
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in chosen and "Bản sao sổ hộ khẩu" in chosen
    assert "Ý kiến đồng ý" not in chosen.split("Đã chọn:")[1]
    await officer.press("Gửi yêu cầu bổ sung")
    assert officer.keys == ["admin.supplement_sent", "admin.card"]
    now = stored(uow_factory, dossier)
    assert now.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert now.supplement == ("giay_to_cho_o_hop_phap", "Bản sao sổ hộ khẩu")
    assert now.supplement_note == "Bản chụp rõ nét, đủ 4 góc"
    assert now.history[-1].actor == "admin:web:admin"
    card = officer.text()
    assert "Đã yêu cầu bổ sung" in card and "Bản sao sổ hộ khẩu" in card


async def test_a_result_file_is_checked_stored_for_the_citizen_and_recorded(
    officer: ChatDriver,
    citizen: ChatDriver,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    staging: MemoryStaging,
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send(f"/ketqua {dossier.code}")
    assert officer.keys == ["admin.result_not_now", "admin.card"]
    await processing(officer, dossier)
    await officer.send(f"/ketqua {dossier.code} Giấy xác nhận tạm trú")
    assert officer.keys == ["admin.result_ask"]
    await send_file(officer, staging, EXE, "ket-qua.pdf")
    assert officer.keys == ["docs.rejected", "admin.result_ask"]
    assert "EXE" in officer.text(officer.replies[0])
    await send_file(officer, staging, b"", "huge.pdf", size=30 * 1024 * 1024)
    assert officer.keys == ["docs.rejected", "admin.result_ask"]
    assert uow_factory.db.documents == {} and staging.stored == {}
    await send_file(officer, staging, PDF, "xac-nhan-tam-tru.pdf")
    assert officer.keys == ["admin.result_recorded", "admin.card"]
    assert "9 · Đã xử lý xong" in officer.text(officer.replies[0])
    now = stored(uow_factory, dossier)
    assert now.status is DossierStatus.RESOLVED and now.results[0].name == "xac-nhan-tam-tru.pdf"
    assert now.history[-1].note == "Giấy xác nhận tạm trú"
    (document,) = uow_factory.db.documents.values()
    assert (document.source, document.component, document.owner) == (
        DocumentSource.RESULT,
        "ket_qua",
        "web:citizen",
    )
    assert staging.stored[document.ref] == PDF
    await citizen.send("/documents")
    assert citizen.keys[0] == "documents.list"
    assert "Kết quả giải quyết: xac-nhan-tam-tru.pdf" in citizen.text(citizen.replies[0])


async def test_the_overdue_flag_is_set_and_cleared_without_changing_the_status(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send(f"/quahan {dossier.code} Chưa trả kết quả")
    assert officer.keys == ["admin.overdue_marked", "admin.card"]
    assert "QUÁ HẠN" in officer.text()
    assert stored(uow_factory, dossier).overdue and stored(uow_factory, dossier).status == 1
    await officer.send(f"/overdue {dossier.code}")
    assert officer.keys == ["admin.overdue_already", "admin.card"]
    await officer.press("Bỏ đánh dấu quá hạn")
    assert officer.keys == ["admin.overdue_cleared", "admin.card"]
    assert "Chưa trả kết quả" in officer.text() and "bỏ đánh dấu quá hạn" in officer.text()
    now = stored(uow_factory, dossier)
    assert not now.overdue and now.status is DossierStatus.SUBMITTED
    assert [e.actor for e in now.history[-2:]] == ["admin:web:admin"] * 2
    assert uow_factory.db.changes == []  # a flag, not a status change: nothing to push


async def test_a_dossier_waiting_for_its_fee_cannot_be_processed(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now(), paid=False)
    await officer.send(f"/trangthai {dossier.code} 2")
    assert officer.keys == ["admin.not_submitted", "admin.card"]
    await officer.send(f"/quahan {dossier.code}")
    assert officer.keys == ["admin.not_submitted", "admin.card"]
    assert stored(uow_factory, dossier) == dossier


async def test_a_chat_removed_from_the_admins_is_refused_mid_flow(
    officer: ChatDriver,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> None:
    dossier = add_dossier(uow_factory, catalog, clock.now())
    await officer.send(f"/hoso {dossier.code}")
    payload = officer.find_button("2 · Được tiếp nhận").payload
    plain = Router(uow_factory, catalog, places, clock, SequentialIds(), identity, filing)
    demoted = ChatDriver(plain, chat_id="admin", seq=officer.seq)
    await demoted.press_payload(payload)
    assert demoted.keys == ["admin.refused", "menu.main"]
    assert stored(uow_factory, dossier) == dossier


async def test_english_officer_texts(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    dossier = add_dossier(uow_factory, catalog, FakeClock().now())
    await officer.send("/lang")
    await officer.press("English")
    await officer.send(f"/setstatus {dossier.code} 9")
    assert "cannot move from 1 · Newly submitted to 9 · Result ready" in officer.text(
        officer.replies[0]
    )
    assert "Nothing was changed" in officer.text(officer.replies[0])
    assert "➡️ 2 · Received" in [officer.label(b) for b in officer.buttons()]


async def test_the_officers_card_shows_the_fee_due_at_the_counter_and_refunds(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    at = FakeClock().now()
    dossier = add_dossier(uow_factory, catalog, at)
    counter = replace(dossier, payment_method=PaymentMethod.COUNTER)
    uow_factory.db.dossiers[dossier.id] = counter
    await officer.send(f"/hoso {dossier.code}")
    assert officer.keys == ["admin.card"]
    assert "7.000 đ, nộp tại bộ phận một cửa; đã nộp 0 đ; còn phải nộp 7.000 đ" in officer.text()
    paid = replace(
        counter,
        payments=(Payment("sepay", "t1", 9000, at, 7000),),
        refunds=(Refund("sepay", "t1", 2000, at, RefundReason.OVERPAID),),
    )
    uow_factory.db.dossiers[dossier.id] = paid
    await officer.send(f"/hoso {dossier.code}")
    card = officer.text()
    assert "đã thanh toán 7.000 đ; hoàn lại 2.000 đ" in card and "nhận 9.000 đ (SePay)" in card


async def test_the_officer_card_names_the_filer_and_for_whom_they_filed(
    router: Router,
    officer: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    mother = ChatDriver(router, chat_id="hoa")
    await open_criminal_record(mother, sms)
    await mother.press("Con (chưa thành niên)")
    await fill(mother, catalog, "ly_lich_tu_phap", CHILD)
    await mother.press("Xác nhận tờ khai")
    await attach_and_reach_summary(mother, staging)
    await mother.press("Nộp hồ sơ")
    await mother.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    await officer.send(f"/hoso {dossier.code}")
    assert officer.keys == ["admin.card"]
    assert "Người nộp: Nông Thị Hoa — nộp cho Nông Minh An (con)" in officer.text()
