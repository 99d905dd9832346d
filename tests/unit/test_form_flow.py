"""The e-form dialogue, driven as a citizen would: ask, validate, re-ask, back, skip, edit."""

from __future__ import annotations

from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.drafts import DraftStatus
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, SequentialIds

# Answers for the birth registration form, by field key; address fields are handled apart.
GOOD = {
    "ho_ten": "Nông Thị Hoa",
    "ngay_sinh": "15/03/1995",
    "so_dinh_danh": "004195012345",
    "so_dien_thoai": "0912 345 678",
    "email": "hoa@example.vn",
    "ho_ten_tre": "Nông Minh An",
    "ngay_sinh_tre": "01/11/2026",
    "noi_sinh": "Bệnh viện Đa khoa tỉnh Cao Bằng",
    "me_ho_ten": "Nông Thị Hoa",
    "me_so_dinh_danh": "004195012345",
    "cha_ho_ten": "Hoàng Văn Nam",
    "cha_so_dinh_danh": "004093054321",
    "so_ban_sao": "2",
    "nguoi_nhan": "Nông Thị Hoa",
    "sdt_nguoi_nhan": "0912345678",
}
CHOICES = {
    "gioi_tinh": "Nữ",
    "dan_toc": "Tày",
    "gioi_tinh_tre": "Nam",
    "dan_toc_tre": "Tày",
    "quoc_tich_tre": "Việt Nam",
    "quan_he_nguoi_yeu_cau": "Mẹ",
    "hinh_thuc_nhan_kq": "bưu chính",
}


async def open_birth_form(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("dang ky khai sinh")
    await chat.press("Đăng ký khai sinh (1.001193)")
    assert chat.keys == ["proc.card"]
    await chat.apply_as_guest()
    assert chat.keys[-1] == "search.ward_ask"
    await chat.send("thuc phan")
    await chat.press("Thục Phán")
    assert chat.keys == ["form.started", "form.question"]


def current_field(chat: ChatDriver, catalog: Catalog) -> str:
    """The key of the field the last question asks, found through its label."""
    proc = catalog.procedure("khai_sinh")
    assert proc is not None
    text = chat.text()
    for spec in proc.fields:
        if f". {spec.label.vi}" in text:
            return spec.key
    raise AssertionError(f"no field label in {text!r}")


async def answer_address(
    chat: ChatDriver, ward: str = "Nùng Trí Cao", detail: str = "Tổ 5"
) -> None:
    await chat.press("Cao Bằng")
    assert chat.keys == ["form.address_ward"]
    await chat.send(ward)
    await chat.press(ward)
    assert chat.keys == ["form.address_detail"]
    await chat.send(detail)


async def answer(chat: ChatDriver, catalog: Catalog, key: str) -> None:
    if key in CHOICES:
        await chat.press(CHOICES[key])
    elif key in ("dia_chi", "que_quan", "dia_chi_nhan"):
        await answer_address(chat)
    else:
        await chat.send(GOOD[key])


async def fill_all(chat: ChatDriver, catalog: Catalog) -> None:
    for _ in range(40):
        if chat.last.text.key == "form.review":
            return
        assert chat.last.text.key in ("form.question", "form.address_province"), chat.keys
        await answer(chat, catalog, current_field(chat, catalog))
    raise AssertionError("the form never reached the review")


async def test_the_whole_birth_form_reaches_the_final_summary(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    assert "Câu 1/25" in chat.text() and "Họ và tên *" in chat.text()  # 3 postal-only counted
    await fill_all(chat, catalog)
    review = chat.text()
    assert "Nông Minh An" in review and "Tổ 5, Phường Nùng Trí Cao, Tỉnh Cao Bằng" in review
    assert "15/03/1995" in review and "0912345678" in review
    assert "Qua dịch vụ bưu chính công ích" in review and "Họ tên người nhận kết quả" in review
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]
    assert "UBND Phường Thục Phán" in chat.text(chat.replies[0])


async def test_a_wrong_date_gets_a_specific_message_and_the_same_question(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await chat.send("Nông Thị Hoa")
    question = chat.text()
    await chat.send("31/02/1995")
    assert chat.keys == ["form.invalid", "form.question"]
    assert "31/02" in chat.text(chat.replies[0]) or "không tồn tại" in chat.text(chat.replies[0])
    assert chat.text() == question
    await chat.send("1995-03-15")
    assert chat.keys == ["form.invalid", "form.question"]
    assert "ngày/tháng/năm" in chat.text(chat.replies[0])


async def test_an_id_number_that_disagrees_with_the_birth_year_is_refused(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    for key in ("ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc"):
        await answer(chat, catalog, key)
    assert current_field(chat, catalog) == "so_dinh_danh"
    await chat.send("004196012345")
    assert chat.keys == ["form.invalid", "form.question"]
    assert "1996" in chat.text(chat.replies[0]) and "1995" in chat.text(chat.replies[0])
    await chat.send("004095012345")  # male digit, but she said Nữ
    assert "giới tính" in chat.text(chat.replies[0])
    await chat.send("00419501234")
    assert "12 chữ số" in chat.text(chat.replies[0])
    await chat.send("004195012345")
    assert current_field(chat, catalog) == "dia_chi"


async def test_skip_only_optional_fields_and_back_returns(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    assert "Quay lại" not in " ".join(chat.label(b) for b in chat.buttons())  # nothing before
    await chat.press_payload("d:back")  # an old back button still gets an answer
    assert chat.keys == ["form.first_question", "form.question"]
    await chat.send("Nông Thị Hoa")
    assert "Bỏ qua" not in next(chat.label(b) for b in chat.buttons())
    await chat.send("15/03/1995")
    await chat.press("Nữ")
    assert current_field(chat, catalog) == "dan_toc"
    await chat.press("Bỏ qua")
    assert current_field(chat, catalog) == "so_dinh_danh"
    await chat.press_payload("d:skip")  # a forged skip of a required field
    assert chat.keys == ["form.required", "form.question"]
    await chat.press("Quay lại")
    assert current_field(chat, catalog) == "dan_toc"
    await chat.press("Quay lại")
    assert current_field(chat, catalog) == "gioi_tinh"
    assert "Đang lưu: Nữ" in chat.text()
    await chat.press("Giữ nguyên")
    assert current_field(chat, catalog) == "dan_toc"


async def test_select_accepts_a_typed_choice_and_long_lists_page(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    for key in ("ho_ten", "ngay_sinh"):
        await answer(chat, catalog, key)
    await chat.send("nu")
    assert current_field(chat, catalog) == "dan_toc"
    labels = [chat.label(b) for b in chat.buttons()]
    assert "Trang sau ▶️" in labels and "Sán Chay" not in labels
    await chat.press("Trang sau")
    assert current_field(chat, catalog) == "dan_toc"
    await chat.send("Nùng")
    assert current_field(chat, catalog) == "so_dinh_danh"


async def test_edit_from_the_review_returns_to_the_review(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_all(chat, catalog)
    await chat.press("✏️ Nơi sinh")
    assert current_field(chat, catalog) == "noi_sinh"
    assert "Về bản tóm tắt" in [chat.label(b) for b in chat.buttons()][-2]
    await chat.send("Trạm y tế xã Hưng Đạo")
    assert chat.keys == ["form.review"]
    assert "Trạm y tế xã Hưng Đạo" in chat.text()
    await chat.press("✏️ Quê quán")
    await answer_address(chat, ward="Thục Phán", detail="Xóm Nà Cạn")
    assert chat.keys == ["form.review"]
    assert "Xóm Nà Cạn, Phường Thục Phán" in chat.text()


async def test_confirming_rechecks_an_id_after_the_birth_date_changed(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_all(chat, catalog)
    await chat.press("✏️ Ngày sinh")
    await chat.send("15/03/1996")
    # The review now says at once that the ID no longer fits, with a button to edit it.
    assert chat.keys == ["validation.review_problems", "form.review"]
    assert "✏️ Số định danh cá nhân / CCCD" in [chat.label(b) for b in chat.buttons(chat.replies[0])]
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.invalid", "form.question"]
    assert current_field(chat, catalog) == "so_dinh_danh"
    await chat.send("004196012345")
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]


async def test_cancel_keeps_the_draft_and_drafts_resume_it(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await chat.send("Nông Thị Hoa")
    await chat.send("/cancel")
    assert chat.keys == ["form.cancelled_saved", "menu.main"]
    await chat.press("Hồ sơ nháp")
    assert chat.keys == ["drafts.list"]
    first = chat.label(chat.buttons()[0])
    assert "Đăng ký khai sinh" in first and "1/25" in first
    await chat.press("Đăng ký khai sinh")
    await chat.press("Làm tiếp")
    assert chat.keys == ["form.resumed", "form.question"]
    assert current_field(chat, catalog) == "ngay_sinh"


async def test_a_draft_can_be_deleted(chat: ChatDriver) -> None:
    await open_birth_form(chat)
    await chat.press("Hủy")
    assert chat.keys == ["form.cancelled", "menu.main"]
    await chat.press("Hồ sơ nháp")
    await chat.press("Đăng ký khai sinh")
    await chat.press("Xóa hồ sơ nháp")
    assert chat.keys == ["drafts.deleted", "menu.main"] or chat.keys[0] == "drafts.deleted"
    await chat.press_payload("m:drafts")
    assert chat.keys == ["drafts.none", "menu.main"]


async def test_a_restart_resumes_the_same_question_with_answers_intact(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: object,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
    chat: ChatDriver,
) -> None:
    await open_birth_form(chat)
    await chat.send("Nông Thị Hoa")
    await chat.send("15/03/1995")
    # A new process: a new router over the same stored data, a fresh chat driver.
    restarted = Router(uow_factory, catalog, places, clock, SequentialIds(), identity, filing)  # type: ignore[arg-type]
    again = ChatDriver(restarted, seq=chat.seq)
    await again.send("/resume")
    assert current_field(again, catalog) == "gioi_tinh"
    await again.press("Nữ")
    assert current_field(again, catalog) == "dan_toc"
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers == {"ho_ten": "Nông Thị Hoa", "ngay_sinh": "1995-03-15", "gioi_tinh": "nu"}
    assert draft.status is DraftStatus.FILLING and draft.cursor == "dan_toc"


async def test_province_level_procedures_skip_the_commune_choice(chat: ChatDriver) -> None:
    await chat.send("lý lịch tư pháp")
    await chat.press("lý lịch tư pháp")
    await chat.apply_as_guest()
    assert chat.keys[-2:] == ["form.started", "form.question"]
    assert "Công an tỉnh Cao Bằng" in chat.text(chat.replies[-2])


async def test_address_in_another_province(chat: ChatDriver, catalog: Catalog) -> None:
    await open_birth_form(chat)
    for key in ("ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "so_dinh_danh"):
        await answer(chat, catalog, key)
    assert chat.keys == ["form.address_province"]
    await chat.send("ha noi")
    assert chat.keys == ["form.address_province_matches"]
    await chat.press("Hà Nội")
    await chat.send("hoan kiem")
    await chat.press("Hoàn Kiếm")
    await chat.send("12 Hàng Bài")
    assert current_field(chat, catalog) == "so_dien_thoai"
    (draft,) = chat.router._uow_factory.db.drafts.values()  # type: ignore[attr-defined]
    assert draft.answers["dia_chi"]["province_code"] == "01"
    assert draft.answers["dia_chi"]["detail"] == "12 Hàng Bài"


async def test_recipient_questions_only_for_postal_delivery(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    CHOICES_IN_PERSON = {**CHOICES, "hinh_thuc_nhan_kq": "trực tiếp"}
    asked = []
    for _ in range(40):
        if chat.last.text.key == "form.review":
            break
        key = current_field(chat, catalog)
        asked.append(key)
        if key in CHOICES_IN_PERSON:
            await chat.press(CHOICES_IN_PERSON[key])
        else:
            await answer(chat, catalog, key)
    assert "hinh_thuc_nhan_kq" in asked and "nguoi_nhan" not in asked
    review = chat.text()
    assert "Nhận trực tiếp tại Bộ phận Một cửa" in review and "người nhận" not in review
    # Switching to postal delivery from the review now asks for the recipient.
    await chat.press("✏️ Hình thức nhận kết quả")
    await chat.press("bưu chính")
    assert current_field(chat, catalog) == "nguoi_nhan"
