"""Login by code, profile, personal-data rights and one citizen across chats, as dialogues."""

from __future__ import annotations

from conversations.messages import Contact, Incoming, IncomingKind, Platform
from conversations.router import Router
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, RecordingSms

HOA_ID, HOA_PHONE = "004195118046", "0912345678"
LONG_ID = "004068839625"  # Đàm Quang Vinh, whose registry address is the old three-level one


async def login(
    chat: ChatDriver, sms: RecordingSms, id_number: str = HOA_ID, phone: str = HOA_PHONE
) -> None:
    await chat.send("/login")
    if chat.keys == ["consent.notice"] or chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    assert chat.keys[-1] == "login.ask_id", chat.keys
    await chat.send(id_number)
    assert chat.keys == ["login.ask_phone"] and chat.last.request_contact
    await chat.send(phone)
    assert chat.keys == ["login.code_sent", "login.ask_code"]
    await chat.send(sms.last_code(phone))
    assert chat.keys[0] == "login.success", chat.keys


async def test_login_with_the_code_from_the_sms(chat: ChatDriver, sms: RecordingSms) -> None:
    await login(chat, sms)
    assert "Nông Thị Hoa" in chat.text(chat.replies[0])
    assert chat.keys[-1] == "menu.main"
    await chat.send("/profile")
    card = chat.text()
    assert "004*******46" in card and "0912***678" in card and HOA_ID not in card
    assert "Phường Thục Phán" in card


async def test_the_notice_comes_first_and_a_refusal_stops_the_login(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await chat.send("/login")
    assert chat.keys[-1] == "consent.notice"
    await chat.press("Không đồng ý")
    assert chat.keys == ["consent.declined", "menu.main"]
    (consent,) = uow_factory.db.consents.values()
    assert consent.accepted is False
    await chat.send("/login")
    assert chat.keys == ["consent.notice"]  # asked again, never assumed


async def test_malformed_id_and_phone_are_answered_specifically(chat: ChatDriver) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send("12345")
    assert chat.keys == ["form.invalid", "login.ask_id"] and "12 chữ số" in chat.text(
        chat.replies[0]
    )
    await chat.send("003195118046")
    assert "mã tỉnh" in chat.text(chat.replies[0])
    await chat.send(HOA_ID)
    await chat.send("0123 456")
    assert chat.keys == ["form.invalid", "login.ask_phone"]


async def test_an_unknown_person_gets_exactly_the_answers_of_a_wrong_code(
    router: Router, sms: RecordingSms, clock: FakeClock
) -> None:
    nobody, hoa = ChatDriver(router, chat_id="nobody"), ChatDriver(router, chat_id="hoa")
    for chat, id_number in ((nobody, "004095099999"), (hoa, HOA_ID)):
        await chat.send("/login")
        await chat.press("Tôi đồng ý")
        await chat.send(id_number)
        await chat.send(HOA_PHONE)
        clock.advance(seconds=61)
    assert [m.text for m in nobody.replies] == [m.text for m in hoa.replies]
    assert [to for to, _, _ in sms.sent] == [HOA_PHONE]  # only the real owner got a code
    code = sms.last_code(HOA_PHONE)
    await nobody.send(code)  # even the real owner's code fails for the wrong phone
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    await hoa.send(wrong)
    assert nobody.keys == hoa.keys == ["login.code_wrong", "login.ask_code"]
    assert nobody.text(nobody.replies[0]) == hoa.text(hoa.replies[0])


async def test_a_replayed_code_and_the_sixth_try_fail_with_the_right_message(
    chat: ChatDriver, sms: RecordingSms, clock: FakeClock
) -> None:
    await login(chat, sms)
    code = sms.last_code(HOA_PHONE)
    await chat.send("/logout")
    assert chat.keys == ["login.logged_out", "menu.main"]
    await chat.send("/login")
    await chat.send(HOA_ID)
    clock.advance(seconds=61)
    await chat.send(HOA_PHONE)
    new_code = sms.last_code(HOA_PHONE)
    if new_code != code:
        await chat.send(code)  # the old code, replayed
        assert chat.keys[0] == "login.code_wrong"
    wrong = f"{(int(new_code) + 1) % 10**6:06d}"
    keys = []
    for _ in range(6):
        clock.advance(minutes=1)  # past any back-off, within the code's life
        await chat.send(wrong)
        keys.append(chat.keys[0])
    assert "login.code_exhausted" in keys
    assert keys[-1] in ("login.code_expired", "login.locked")
    await chat.send(new_code)  # the right code, too late: it was killed
    assert chat.keys[0] in ("login.code_expired", "login.locked")


async def test_resend_is_refused_for_a_minute_and_says_how_long(
    chat: ChatDriver, sms: RecordingSms, clock: FakeClock
) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    await chat.send(HOA_PHONE)
    clock.advance(seconds=15)
    await chat.press("Gửi lại mã")
    assert chat.keys == ["login.wait_resend", "login.ask_code"]
    assert "45 giây" in chat.text(chat.replies[0])
    clock.advance(seconds=45)
    await chat.press("Gửi lại mã")
    assert chat.keys == ["login.code_sent", "login.ask_code"] and len(sms.sent) == 2


async def test_a_shared_contact_must_be_the_senders_own(
    chat: ChatDriver, sms: RecordingSms
) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    await chat.apply(Incoming(IncomingKind.CONTACT, contact=Contact("+84912345678", own=False)))
    assert chat.keys == ["login.not_own_contact", "login.ask_phone"]
    await chat.apply(Incoming(IncomingKind.CONTACT, contact=Contact("+84912345678", own=True)))
    assert chat.keys == ["login.code_sent", "login.ask_code"]


async def test_filing_offers_login_and_lands_back_with_the_applicant_prefilled(
    chat: ChatDriver, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await chat.send("1.001193")
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["login.offer"]
    await chat.press("Đăng nhập")
    await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    await chat.send(HOA_PHONE)
    await chat.send(sms.last_code(HOA_PHONE))
    # Back where she was: the action carries on to the choice of commune.
    assert chat.keys == ["login.success", "search.ward_ask"]
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    assert chat.keys == ["form.started", "form.prefilled"]
    prefilled = chat.text()
    assert "Nông Thị Hoa" in prefilled and "15/03/1995" in prefilled and HOA_ID in prefilled
    assert "Tổ 5, Phường Thục Phán" in prefilled
    await chat.press("Đúng, dùng thông tin này")
    # On to the first field the registry could not fill: her email (optional).
    assert chat.keys == ["form.question"] and "Email" in chat.text()
    await chat.press("Bỏ qua")
    assert "Họ, chữ đệm, tên người được khai sinh" in chat.text()
    (draft,) = uow_factory.db.drafts.values()
    assert draft.citizen_id is not None and draft.answers["so_dinh_danh"] == HOA_ID


async def test_one_citizen_sees_the_same_drafts_on_another_chat(
    router: Router, sms: RecordingSms, clock: FakeClock
) -> None:
    web = ChatDriver(router, chat_id="tab1")
    await login(web, sms)
    await web.send("1.004194")
    await web.press("Nộp hồ sơ")
    await web.send("Thục Phán")
    await web.press("Thục Phán")
    await web.press("Đúng, dùng thông tin này")
    assert web.keys == ["form.question"]
    telegram = ChatDriver(router, chat_id="777", platform=Platform.TELEGRAM)
    clock.advance(seconds=61)
    await login(telegram, sms)
    await telegram.press_payload("m:drafts")
    assert telegram.keys == ["drafts.list"]
    await telegram.press("Đăng ký tạm trú")
    await telegram.press("Làm tiếp")
    assert telegram.keys == ["form.resumed", "form.question"]
    assert "Câu 4/16. Email" in telegram.text()  # the question she had reached on the web


async def test_anonymous_drafts_join_the_account_at_login(
    chat: ChatDriver, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await chat.send("1.004194")
    await chat.apply_as_guest()
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    await chat.send("Nông Thị Hoa")
    await login(chat, sms)
    (draft,) = uow_factory.db.drafts.values()
    assert draft.citizen_id == next(iter(uow_factory.db.citizens))


async def test_an_idle_session_expires(
    chat: ChatDriver, sms: RecordingSms, clock: FakeClock
) -> None:
    await login(chat, sms)
    clock.advance(minutes=29)
    await chat.send("/profile")
    assert chat.keys == ["profile.card"]
    clock.advance(minutes=31)
    await chat.send("/menu")
    assert chat.keys == ["login.session_expired", "session.updates_kept", "menu.main"]
    await chat.send("/profile")
    assert chat.keys[-1] == "login.ask_id"


async def test_refresh_converts_an_old_address_to_the_two_level_units(
    chat: ChatDriver, sms: RecordingSms
) -> None:
    await login(chat, sms, LONG_ID, "0904668822")
    await chat.send("/profile")
    assert "phường Hợp Giang, thành phố Cao Bằng" in chat.text()
    await chat.press("Cập nhật từ CSDL")
    assert chat.keys == ["profile.refreshed", "profile.address_converted", "profile.card"]
    assert "Tổ 7, Phường Thục Phán, Tỉnh Cao Bằng" in chat.text()
    assert "phường Hợp Giang" not in chat.text()


async def test_mydata_lists_and_deletemydata_erases_after_confirmation(
    chat: ChatDriver, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await login(chat, sms)
    await chat.send("1.004194")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    await chat.send("/mydata")
    listing = chat.text()
    assert "Nông Thị Hoa" in listing and "Hồ sơ nháp: 1" in listing
    await chat.send("/deletemydata")
    assert chat.keys == ["mydata.erase_ask"] and "được lưu giữ" in chat.text()
    await chat.press("Hủy")
    assert uow_factory.db.drafts and uow_factory.db.citizens
    await chat.press("Xóa dữ liệu của tôi")
    await chat.press("Xóa vĩnh viễn")
    assert chat.keys == ["mydata.erased", "menu.main"]
    assert "1 hồ sơ nháp" in chat.text(chat.replies[0])
    assert not uow_factory.db.drafts and not uow_factory.db.citizens and not uow_factory.db.consents
    await chat.send("/profile")
    assert chat.keys[-1] == "consent.notice"  # logged out, nothing remembered
