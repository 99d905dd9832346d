"""The citizen changes course from the dossier itself: answers a supplement request from the
card, withdraws (with a refund recorded), corrects the delivery address or phone, rates the
service once — and anyone else, a stale button, a double tap or a status changed meanwhile
gets a clear answer."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.messages import Outgoing, Platform
from conversations.router import Filing, Identity, Router
from conversations.status_messages import StatusMessages
from services.catalog_index import Catalog
from services.course_records import WithdrawReason
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier
from services.ledger import Payment, RefundReason
from services.places import Places
from services.ratings import Rating, RatingLevel
from services.status_pushes import push_status_changes
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory
from tests.unit.test_admin_flow import admin_router
from tests.unit.test_status_flow import OWNER, add, make_dossier, move, pushes, started

PAID_AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
ACCOUNT = {"tk_ngan_hang": "970436", "tk_so": "0123456789", "tk_chu": "NONG THI HOA"}


def paid(catalog: Catalog, clock: FakeClock, **extra: object) -> Dossier:
    payments = (
        Payment("sepay", "t1", 5000, PAID_AT, 5000),
        Payment("sepay", "t2", 3000, PAID_AT, 2000),
    )
    return make_dossier(catalog, clock, fee=7000, payments=payments, **extra)


def posted(catalog: Catalog, clock: FakeClock, places: Places) -> Dossier:
    """A dossier whose result goes by post, with a delivery address and phones."""
    ward = places.wards("04")[0]
    address = {"province_code": "04", "province": "Cao Bằng", "ward_code": ward.code,
               "ward": ward.name, "detail": "Số 1 Hoàng Đình Giong"}  # fmt: skip
    answers = {"ho_ten": "Nông Thị Hoa", "so_dien_thoai": "0912345678",
               "hinh_thuc_nhan_kq": "buu_chinh", "dia_chi_nhan": address}  # fmt: skip
    return make_dossier(catalog, clock, answers=answers)


async def owner_card(chat: ChatDriver, dossier: Dossier) -> None:
    await chat.send(f"/status {dossier.code}")
    assert chat.keys == ["dossiers.card"], chat.keys


def labels(chat: ChatDriver, message: Outgoing | None = None) -> list[str]:
    return [chat.label(b) for b in chat.buttons(message)]


async def test_the_supplement_asked_for_is_on_the_card_and_answered_from_it(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    chat: ChatDriver,
    router: Router,
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await move(uow_factory, clock, status)
    await move(uow_factory, clock, DossierStatus.SUPPLEMENT_REQUESTED, "Thiếu hợp đồng thuê nhà")
    await chat.send("/start")
    await owner_card(chat, dossier)
    text = chat.text()
    assert "Cơ quan yêu cầu bổ sung" in text and "Thiếu hợp đồng thuê nhà" in text
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in text and "hộ khẩu cũ" in text
    await chat.press("Nộp bổ sung")
    assert chat.keys == ["supplement.checklist"]
    await chat.send("/mydossiers")
    await chat.press(dossier.code)
    assert chat.keys == ["dossiers.card"] and "Nộp bổ sung" in " ".join(labels(chat))
    chat.lang = "en"
    assert "The agency asks for more documents" in chat.text()
    stranger = await started(router, "stranger", Platform.TELEGRAM)
    await stranger.send(f"/status {dossier.code}")
    assert stranger.keys == ["status.public", "menu.main"]
    assert "hợp đồng thuê nhà" not in stranger.all_text()
    assert not any("Nộp bổ sung" in x or "Rút" in x for x in labels(stranger))


async def test_withdrawal_with_a_reason_confirmed_refunds_what_was_paid_and_tells_followers(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    chat: ChatDriver,
    router: Router,
) -> None:
    dossier = paid(catalog, clock, refund=ACCOUNT)
    await add(uow_factory, dossier)
    await move(uow_factory, clock, DossierStatus.RECEIVED)
    neighbour = await started(router, "neighbour", Platform.TELEGRAM)
    await neighbour.send(f"/follow {dossier.code}")
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    await chat.send("/start")
    await owner_card(chat, dossier)
    await chat.press("Rút hồ sơ")
    assert chat.keys == ["course.withdraw_reason"]
    await chat.press("Nộp nhầm thủ tục")
    assert chat.keys == ["course.withdraw_confirm"]
    text = chat.text()
    assert "7.000" in text and "0123456789" not in text and "6789" in text  # masked account
    assert "Được tiếp nhận" in text
    confirm = chat.find_button("Xác nhận rút hồ sơ").payload
    await chat.press_payload(confirm)
    assert chat.keys == ["course.withdrawn", "dossiers.card"]
    assert "Bạn đã yêu cầu rút hồ sơ" in chat.text() and "↩️ Rút hồ sơ" not in labels(chat)
    stored = uow_factory.db.dossiers[dossier.id]
    assert stored.status is DossierStatus.WITHDRAWAL_REQUESTED
    assert stored.history[-1].actor == "citizen"
    assert stored.withdrawal is not None
    assert stored.withdrawal.reason is WithdrawReason.WRONG_PROCEDURE
    assert stored.withdrawal.refunded == 7000 and stored.refund_total == 7000
    assert [(r.transaction_id, r.amount, r.reason) for r in stored.refunds] == [
        ("t1", 5000, RefundReason.WITHDRAWN), ("t2", 2000, RefundReason.WITHDRAWN),
    ]  # fmt: skip
    await chat.press_payload(confirm)  # a double tap
    assert chat.keys == ["course.withdraw_already", "dossiers.card"]
    assert len(uow_factory.db.dossiers[dossier.id].refunds) == 2
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    (follower_push,) = [p for p in pushes(uow_factory, "telegram:neighbour")[-1:]]
    assert "Công dân yêu cầu rút hồ sơ" in neighbour.text(follower_push)
    assert "Nộp nhầm" not in neighbour.text(follower_push)  # the reason is not theirs to read
    assert "Công dân yêu cầu rút hồ sơ" in chat.text(pushes(uow_factory, OWNER)[-1])


async def test_withdrawal_asks_a_refund_account_when_paid_without_one(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    dossier = paid(catalog, clock)
    await add(uow_factory, dossier)
    await chat.send("/start")
    await owner_card(chat, dossier)
    await chat.press("Rút hồ sơ")
    await chat.send("Tôi đã làm xong việc ở nơi khác")  # their own words
    assert chat.keys == ["course.withdraw_account"]
    await chat.send("Vietcombank, 12ab, Nông Thị Hoa")
    assert chat.keys == ["course.account_invalid", "course.withdraw_account"]
    await chat.send("Vietcombank, 0123 456 789, Nông Thị Hoa")
    assert chat.keys == ["course.withdraw_confirm"]
    assert "Tôi đã làm xong việc ở nơi khác" in chat.text() and "Vietcombank" in chat.text()
    await chat.press("Xác nhận rút hồ sơ")
    stored = uow_factory.db.dossiers[dossier.id]
    assert stored.withdrawal is not None and stored.withdrawal.reason is WithdrawReason.OTHER
    assert stored.withdrawal.detail == "Tôi đã làm xong việc ở nơi khác"
    assert stored.refund["tk_so"] == "0123456789" and stored.refund["tk_chu"] == "NONG THI HOA"


async def test_a_withdrawal_confirmed_after_the_status_changed_withdraws_nothing(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    await chat.send("/start")
    await owner_card(chat, dossier)
    await chat.press("Rút hồ sơ")
    await chat.press("Không còn nhu cầu")
    assert chat.keys == ["course.withdraw_confirm"]  # no fee: no refund asked
    await move(uow_factory, clock, DossierStatus.RECEIVED)  # the officer acts meanwhile
    await chat.press("Xác nhận rút hồ sơ")
    assert chat.keys == ["course.status_now", "course.withdraw_changed", "dossiers.card"]
    stored = uow_factory.db.dossiers[dossier.id]
    assert stored.status is DossierStatus.RECEIVED and stored.withdrawal is None
    for status in (DossierStatus.PROCESSING, DossierStatus.RESOLVED):
        await move(uow_factory, clock, status)
    await owner_card(chat, dossier)
    assert "↩️ Rút hồ sơ" not in labels(chat)
    await chat.press_payload("p:wd:" + dossier.id)  # an old "withdraw" button
    assert chat.keys == ["course.status_now", "course.withdraw_not_allowed", "menu.main"]
    assert uow_factory.db.dossiers[dossier.id].status is DossierStatus.RESOLVED


async def test_only_the_owner_changes_course(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, router: Router
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    stranger = await started(router, "stranger")
    for payload in ("p:wd:", "p:wdy:", "p:cca:", "p:ccp:", "p:rt:", "p:rv4:"):
        await stranger.press_payload(payload + dossier.id)
        assert stranger.keys == ["course.not_yours", "menu.main"], payload
    stored = uow_factory.db.dossiers[dossier.id]
    assert stored.status is DossierStatus.SUBMITTED and stored.withdrawal is None
    assert uow_factory.db.ratings == {}


async def test_the_delivery_address_and_phone_change_before_the_result_is_sent(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
    chat: ChatDriver,
    places: Places,
) -> None:
    dossier = posted(catalog, clock, places)
    await add(uow_factory, dossier)
    await chat.send("/start")
    await owner_card(chat, dossier)
    await chat.press("Đổi địa chỉ nhận kết quả")
    assert chat.keys == ["form.address_province"]
    await chat.press("Cao Bằng")
    assert chat.keys == ["form.address_ward"]
    ward = places.wards("04")[1]
    await chat.send(ward.name)
    await chat.press(ward.name)
    assert chat.keys == ["form.address_detail"]
    await chat.send("Tổ 5, đường Kim Đồng")
    assert chat.keys == ["course.contact_confirm"]
    assert "Số 1 Hoàng Đình Giong" in chat.text() and "Tổ 5, đường Kim Đồng" in chat.text()
    confirm = chat.find_button("Xác nhận thay đổi").payload
    await chat.press_payload(confirm)
    assert chat.keys == ["course.contact_changed", "dossiers.card"]
    stored = uow_factory.db.dossiers[dossier.id]
    address = stored.answers["dia_chi_nhan"]
    assert isinstance(address, dict) and address["ward_code"] == ward.code
    (change,) = stored.contact_changes
    assert change.key == "dia_chi_nhan" and isinstance(change.old, dict)
    assert change.old["detail"] == "Số 1 Hoàng Đình Giong" and change.new == address
    await chat.press_payload(confirm)  # a double tap: nothing pending any more
    assert chat.keys == ["course.contact_stale", "dossiers.card"]
    assert len(uow_factory.db.dossiers[dossier.id].contact_changes) == 1

    await chat.press("Đổi số điện thoại")
    assert chat.keys == ["course.phone_question"] and "0912345678" in chat.text()
    await chat.send("0206 3852 123")  # a landline cannot get SMS
    assert chat.keys == ["form.invalid", "course.phone_question"]
    await chat.send("0987 654 321")
    assert chat.keys == ["course.contact_confirm"]
    await chat.press("Xác nhận thay đổi")
    stored = uow_factory.db.dossiers[dossier.id]
    assert stored.answers["so_dien_thoai"] == "0987654321"
    assert (stored.contact_changes[-1].old, stored.contact_changes[-1].new) == (
        "0912345678", "0987654321",
    )  # fmt: skip
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED):
        await move(uow_factory, clock, status)
    await owner_card(chat, dossier)
    assert "Đổi số điện thoại" in " ".join(labels(chat))  # result ready, not sent yet
    await chat.press("Đổi số điện thoại")
    await move(uow_factory, clock, DossierStatus.RETURNED)  # sent meanwhile
    await chat.send("0911 222 333")
    await chat.press("Xác nhận thay đổi")
    assert chat.keys == ["course.status_now", "course.contact_not_allowed", "dossiers.card"]
    assert uow_factory.db.dossiers[dossier.id].answers["so_dien_thoai"] == "0987654321"


async def test_the_rating_is_offered_once_with_the_result_and_kept_once(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    await chat.send("/start")
    await chat.press_payload("p:rt:" + dossier.id)  # before any result
    assert chat.keys == ["course.status_now", "course.rate_not_allowed", "menu.main"]
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED):
        await move(uow_factory, clock, status)
    await move(uow_factory, clock, DossierStatus.RETURNED)
    await push_status_changes(uow_factory, StatusMessages(catalog), clock)
    offered = [p for p in pushes(uow_factory, OWNER) if "⭐ Đánh giá dịch vụ" in labels(chat, p)]
    assert len(offered) == 1 and "Đã xử lý xong" in chat.text(offered[0])
    rate = next(b for b in chat.buttons(offered[0]) if "Đánh giá" in chat.label(b))
    await chat.press_payload(rate.payload)
    assert chat.keys == ["course.rate_question"]
    level = chat.find_button("Hài lòng").payload  # "Hài lòng", not "Rất hài lòng": first match
    assert level == f"p:rv3:{dossier.id}"
    await chat.press_payload(level)
    assert chat.keys == ["course.rate_thanks", "course.rate_comment"]
    await chat.press_payload(f"p:rv1:{dossier.id}")  # a second tap on another level
    assert chat.keys == ["course.rate_already", "dossiers.card"]
    await chat.press_payload(rate.payload)  # the push's button again
    assert chat.keys == ["course.rate_already", "dossiers.card"]
    assert "⭐ Đánh giá dịch vụ" not in labels(chat) and "Bạn đã đánh giá" in chat.text()
    rating = uow_factory.db.ratings[dossier.id]
    assert rating.level is RatingLevel.SATISFIED and rating.comment == ""


async def test_a_refused_dossier_is_rated_with_a_comment_from_the_card(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    dossier = make_dossier(catalog, clock)
    await add(uow_factory, dossier)
    await move(uow_factory, clock, DossierStatus.REFUSED, "Sai cơ quan")
    await chat.send("/start")
    await owner_card(chat, dossier)
    await chat.press("Đánh giá dịch vụ")
    await chat.press("Không hài lòng")
    await chat.send("Cán bộ không giải thích rõ vì sao")
    assert chat.keys == ["course.rate_comment_kept", "dossiers.card"]
    rating = uow_factory.db.ratings[dossier.id]
    assert rating.level is RatingLevel.NOT_SATISFIED
    assert rating.comment == "Cán bộ không giải thích rõ vì sao"


async def test_stats_report_ratings_per_agency(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> None:
    router = admin_router(uow_factory, catalog, places, clock, identity, filing)
    agency = next(iter(catalog.agencies))
    levels = (RatingLevel.VERY_SATISFIED, RatingLevel.VERY_SATISFIED, RatingLevel.ACCEPTABLE)
    async with uow_factory() as uow:
        for number, level in enumerate(levels):
            rating = Rating(f"d{number}", agency.id, level, clock.now(), "Tốt" if number else "")
            await uow.ratings.add(rating)
        await uow.commit()
    officer = await started(router, "admin")
    await officer.send("/stats")
    assert officer.keys == ["stats.report", "course.stats_ratings", "menu.main"]
    text = officer.text(officer.replies[1])
    assert agency.name.vi in text and "3 lượt, điểm trung bình 3.33/4" in text
    assert "Rất hài lòng: 2, Hài lòng: 0, Chấp nhận được: 1, Không hài lòng: 0" in text
    assert "2 góp ý" in text


async def test_odd_answers_while_rating_and_withdrawing_are_answered(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, chat: ChatDriver
) -> None:
    dossier = make_dossier(catalog, clock, status=DossierStatus.REFUSED)
    await add(uow_factory, dossier)
    await chat.send("/start")
    await chat.press_payload(f"p:rv9:{dossier.id}")  # a level we never offer
    assert chat.keys == ["common.stale_button", "menu.main"]
    await chat.press_payload(f"p:rt:{dossier.id}")
    await chat.press("Chấp nhận được")
    await chat.send("x" * 501)
    assert chat.keys == ["course.too_long", "course.rate_comment"]
    await chat.press("Bỏ qua")
    assert chat.keys == ["dossiers.card"] and "Chấp nhận được" in chat.text()
    assert uow_factory.db.ratings[dossier.id].comment == ""

    other = make_dossier(catalog, clock, id="d2", code=dossier.code[:-4] + "0008")
    await add(uow_factory, other)
    await owner_card(chat, other)
    await chat.press("Rút hồ sơ")
    await chat.press("Lý do khác")
    assert chat.keys == ["course.withdraw_detail"]
    await chat.send("/help")  # asked again, where it stood
    assert chat.keys[-1] == "course.withdraw_detail"
    await chat.press("Hủy")
    assert chat.keys == ["course.withdraw_cancelled", "dossiers.card"]
    assert uow_factory.db.dossiers["d2"].status is DossierStatus.SUBMITTED
