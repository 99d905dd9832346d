"""The applicant is the logged-in citizen: locked identity, re-checks, filing for another."""

from __future__ import annotations

from collections.abc import Mapping

from services.catalog import FieldSpec, FieldType
from services.catalog_index import Catalog
from services.drafts import DraftStatus
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_filing_flow import PDF, send_file
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE, login

HOUSING = "xac_nhan_dien_tich_nha_o"  # 1.013314: free, commune level, one mandatory paper
NAM = {  # Hoàng Văn Nam, another demo citizen: typed by a guest who is not him
    "ho_ten": "Hoàng Văn Nam",
    "ngay_sinh": "02/07/1988",
    "gioi_tinh": "Nam",
    "so_dinh_danh": "004088688456",
}
NAM_PHONE = "0987112233"
CHILD = {  # Hoa's son, typed when she files for him
    "ho_ten": "Nông Minh An",
    "ngay_sinh": "10/05/2015",
    "gioi_tinh": "Nam",
    "so_dinh_danh": "004215012345",
}
IDENTITY = ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh")


def field_asked(chat: ChatDriver, catalog: Catalog, proc_id: str) -> str:
    """The key of the field the last question asks (the longest label found in it)."""
    proc = catalog.procedure(proc_id)
    assert proc is not None
    text = chat.text()
    found = [s for s in proc.fields if f". {s.label.vi}" in text]
    assert found, text
    return max(found, key=lambda s: len(s.label.vi)).key


async def fill(
    chat: ChatDriver, catalog: Catalog, proc_id: str, typed: Mapping[str, str]
) -> list[str]:
    """Answer every question up to the review; returns the keys asked, in order."""
    proc = catalog.procedure(proc_id)
    assert proc is not None
    asked: list[str] = []
    for _ in range(60):
        key = chat.last.text.key
        labels = [chat.label(b) for b in chat.buttons()]
        if key == "form.review":
            return asked
        if key == "form.prefilled":
            await chat.press("Đúng, dùng thông tin này")
        elif key == "form.address_province":
            if any("Giữ nguyên" in label for label in labels):
                await chat.press("Giữ nguyên")
            else:
                await chat.press("Cao Bằng")
                await chat.send("Thục Phán")
                await chat.press("Thục Phán")
                await chat.send("Tổ 5")
        else:
            assert key == "form.question", chat.keys
            field = field_asked(chat, catalog, proc_id)
            asked.append(field)
            await answer(chat, proc.field(field), typed, labels)
    raise AssertionError("never reached the review")


async def answer(
    chat: ChatDriver, spec: FieldSpec | None, typed: Mapping[str, str], labels: list[str]
) -> None:
    assert spec is not None
    if spec.key in typed:
        value = typed[spec.key]
        if spec.type in (FieldType.SELECT, FieldType.YESNO):
            await chat.press(value)
        else:
            await chat.send(value)
    elif any("Giữ nguyên" in label for label in labels):
        await chat.press("Giữ nguyên")
    elif not spec.required:
        await chat.press("Bỏ qua")
    elif spec.type is FieldType.SELECT:
        await chat.press_payload(chat.buttons()[0].payload)
    elif spec.type is FieldType.YESNO:
        await chat.press("Có")
    elif spec.type is FieldType.NUMBER:
        await chat.send(str(spec.min_value or 1))
    elif spec.type is FieldType.PHONE:
        await chat.send(HOA_PHONE)
    else:
        await chat.send("Nội dung khai thử")


async def open_housing_as_guest(chat: ChatDriver) -> None:
    await chat.send("1.013314")
    await chat.apply_as_guest()
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    assert chat.keys == ["form.started", "form.question"]


async def attach_and_reach_summary(chat: ChatDriver, staging: MemoryStaging) -> None:
    for n in range(5):
        await chat.press("Xong phần giấy tờ")
        if chat.keys[-1] == "submission.summary":
            return
        await send_file(chat, staging, PDF, f"giay-to-{n}.pdf")
    raise AssertionError(chat.keys)


async def answer_login(chat: ChatDriver, sms: RecordingSms, id_number: str, phone: str) -> None:
    """Answer a login already asked for (the ID question is on screen)."""
    if chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    assert chat.keys[-1] == "login.ask_id", chat.keys
    await chat.send(id_number)
    await chat.send(phone)
    await chat.send(sms.last_code(phone))


async def test_wrong_applicant_is_caught_and_never_submitted(
    chat: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    # A guest fills the form with Hoàng Văn Nam's identity, then logs in as Nông Thị Hoa.
    await open_housing_as_guest(chat)
    await fill(chat, catalog, HOUSING, NAM)
    await chat.press("Xác nhận tờ khai")
    await attach_and_reach_summary(chat, staging)
    await chat.press("Nộp hồ sơ")
    assert chat.keys[-1] == "login.ask_id"
    await answer_login(chat, sms, HOA_ID, HOA_PHONE)
    assert chat.keys == ["login.success", "identity.replaced", "form.review"], chat.keys
    assert not uow_factory.db.dossiers  # not submitted
    replaced = chat.text(chat.replies[1])
    assert "Hoàng Văn Nam" in replaced and "Nông Thị Hoa" in replaced
    assert "004088688456" in replaced and HOA_ID in replaced
    edit_labels = " ".join(chat.label(b) for b in chat.buttons())
    assert "Số định danh" not in edit_labels and "Họ và tên" not in edit_labels
    # Checked again, it goes through with her own identity, filer and subject alike.
    await chat.press("Xác nhận tờ khai")
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["submission.commitment"]
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.answers["so_dinh_danh"] == HOA_ID
    assert dossier.answers["ho_ten"] == "Nông Thị Hoa"
    assert dossier.relation == "ban_than"
    assert dossier.filer is not None and dossier.filer.id_number == HOA_ID
    assert dossier.filer.citizen_id == dossier.citizen_id
    assert dossier.subject == dossier.filer


async def test_a_draft_begun_by_one_citizen_is_rechecked_when_another_submits_it(
    chat: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    clock: FakeClock,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)  # Hoa
    await chat.send("1.013314")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    await fill(chat, catalog, HOUSING, {})
    await chat.press("Xác nhận tờ khai")
    await attach_and_reach_summary(chat, staging)
    clock.advance(minutes=31)  # her session ends; Nam logs in on the same chat to submit
    await chat.press("Nộp hồ sơ")
    assert chat.keys[-1] == "login.ask_id", chat.keys
    await answer_login(chat, sms, NAM["so_dinh_danh"], NAM_PHONE)
    assert chat.keys == [
        "login.success",
        "identity.other_account",
        "identity.replaced",
        "form.review",
    ], chat.keys
    assert not uow_factory.db.dossiers
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["so_dinh_danh"] == NAM["so_dinh_danh"]
    assert draft.status is DraftStatus.REVIEW


async def test_identity_is_locked_when_logged_in(chat: ChatDriver, sms: RecordingSms) -> None:
    await login(chat, sms)
    await chat.send("1.013314")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    assert chat.keys == ["form.started", "form.prefilled"]
    await chat.press("Sửa từng mục")  # editing starts after the locked identity
    assert chat.keys == ["form.question"] and "Dân tộc" in chat.text()
    # The first question asked: counted as such, nothing before it may be changed.
    assert "Câu 1/" in chat.text()
    assert not any("Quay lại" in chat.label(b) for b in chat.buttons())
    for _ in range(3):  # "keep" past dân tộc: the ID number is not asked either
        await chat.press("Giữ nguyên")
        assert "Số định danh" not in chat.text()


async def test_an_edit_of_the_identity_from_the_review_is_refused(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await login(chat, sms)
    await chat.send("1.013314")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    asked = await fill(chat, catalog, HOUSING, {})
    assert not set(IDENTITY) & set(asked)
    await chat.press_payload("e:so_dinh_danh")  # an old or forged edit button
    assert chat.keys == ["identity.locked", "form.review"]


async def test_login_typed_in_the_middle_of_the_form_returns_to_the_same_question(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_housing_as_guest(chat)
    proc = catalog.procedure(HOUSING)
    assert proc is not None
    for _ in range(5):  # the guest types someone else's identity, up to the ID number
        key = field_asked(chat, catalog, HOUSING)
        await answer(chat, proc.field(key), NAM, [chat.label(b) for b in chat.buttons()])
        if key == "so_dinh_danh":
            break
    question = field_asked(chat, catalog, HOUSING)
    assert question == "dia_chi"
    await chat.send("/login")
    await answer_login(chat, sms, HOA_ID, HOA_PHONE)
    assert chat.keys == ["login.success", "identity.replaced", "form.prefilled"], chat.keys
    assert "Nông Thị Hoa" in chat.text() and HOA_ID in chat.text()
    await chat.press("Đúng, dùng thông tin này")
    assert chat.keys == ["form.address_province"]  # the address, where she was
    assert field_asked(chat, catalog, HOUSING) == question


async def test_login_typed_on_the_summary_returns_to_the_summary(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms, staging: MemoryStaging
) -> None:
    await open_housing_as_guest(chat)
    await fill(chat, catalog, HOUSING, NAM)
    await chat.press("Xác nhận tờ khai")
    await attach_and_reach_summary(chat, staging)
    await chat.send("/login")
    await answer_login(chat, sms, HOA_ID, HOA_PHONE)
    assert chat.keys == ["login.success", "submission.summary"], chat.keys
    await chat.press("Nộp hồ sơ")  # her identity replaces the one typed: checked first
    assert chat.keys == ["identity.replaced", "form.review"]


async def test_the_question_on_the_identity_offers_the_login(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await open_housing_as_guest(chat)
    assert field_asked(chat, catalog, HOUSING) == "ho_ten"
    await chat.press("Đăng nhập để điền")
    await answer_login(chat, sms, HOA_ID, HOA_PHONE)
    assert chat.keys == ["login.success", "form.prefilled"], chat.keys
    await chat.press("Đúng, dùng thông tin này")
    assert field_asked(chat, catalog, HOUSING) == "dan_toc"  # the identity is not asked
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["so_dinh_danh"] == HOA_ID and draft.citizen_id is not None


async def open_criminal_record(chat: ChatDriver, sms: RecordingSms) -> None:
    await login(chat, sms)
    await chat.send("lý lịch tư pháp")
    await chat.press("lý lịch tư pháp")
    await chat.press("Nộp hồ sơ")
    while chat.keys[-1] == "form.prefilled":
        await chat.press("Đúng, dùng thông tin này")


async def test_filing_for_a_child_keeps_filer_and_subject_apart(
    chat: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await open_criminal_record(chat, sms)
    proc_id = "ly_lich_tu_phap"
    assert field_asked(chat, catalog, proc_id) == "nop_cho"
    assert "Bạn nộp hồ sơ cho" in chat.text()
    await chat.press("Con (chưa thành niên)")
    assert field_asked(chat, catalog, proc_id) == "ho_ten"  # the child's identity is typed
    assert "Nông Thị Hoa" not in chat.text()
    await chat.send(CHILD["ho_ten"])
    await chat.send("31/02/2015")  # typed, so validated like any answer
    assert chat.keys == ["form.invalid", "form.question"]
    asked = await fill(chat, catalog, proc_id, CHILD)
    assert {"ngay_sinh", "gioi_tinh", "so_dinh_danh"} <= set(asked)
    await chat.press("Xác nhận tờ khai")
    await attach_and_reach_summary(chat, staging)
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["submission.commitment"]
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.relation == "con"
    assert dossier.filer is not None and dossier.filer.id_number == HOA_ID
    assert dossier.filer.full_name == "Nông Thị Hoa" and dossier.filer.citizen_id
    assert dossier.subject is not None and dossier.subject.id_number == CHILD["so_dinh_danh"]
    assert dossier.subject.full_name == "Nông Minh An" and dossier.subject.citizen_id is None
    assert dossier.answers["so_dinh_danh"] == CHILD["so_dinh_danh"]


async def test_filing_for_another_with_ones_own_id_is_not_submitted(
    chat: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Người được đại diện")
    herself = {
        "ho_ten": "Nông Thị Hoa",
        "ngay_sinh": "15/03/1995",
        "gioi_tinh": "Nữ",
        "so_dinh_danh": HOA_ID,
    }
    await fill(chat, catalog, "ly_lich_tu_phap", herself)
    await chat.press("Xác nhận tờ khai")
    await attach_and_reach_summary(chat, staging)
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["identity.subject_is_filer", "form.review"]
    assert not uow_factory.db.dossiers


async def test_switching_back_to_oneself_takes_the_registry_identity(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Con (chưa thành niên)")
    await fill(chat, catalog, "ly_lich_tu_phap", CHILD)
    await chat.press_payload("e:nop_cho")
    await chat.press("Bản thân")
    asked = await fill(chat, catalog, "ly_lich_tu_phap", {})  # only what was left unanswered
    assert not set(IDENTITY) & set(asked)
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["so_dinh_danh"] == HOA_ID and draft.answers["ho_ten"] == "Nông Thị Hoa"


def test_the_catalogue_marks_the_identity_and_refuses_an_identity_not_from_the_login(
    catalog: Catalog,
) -> None:
    import copy

    from services.catalog_schema import CatalogError, build_catalog
    from storage.seed import read_catalog_files

    proc = catalog.procedure("khai_sinh")  # the parent files: the applicant is the filer
    assert proc is not None and proc.field("nop_cho") is None
    assert [s.key for s in proc.fields if s.identity] == list(IDENTITY)
    assert catalog.procedure("ly_lich_tu_phap").field("nop_cho") is not None  # type: ignore[union-attr]
    files = copy.deepcopy(read_catalog_files())
    files["blocks.yaml"]["blocks"]["applicant"][5]["identity"] = True  # type: ignore[index]
    try:
        build_catalog(files)
    except CatalogError as error:
        assert "identity field is filled from the login" in str(error.problems[0])
    else:
        raise AssertionError("an address marked as identity was accepted")
