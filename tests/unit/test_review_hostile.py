"""Where identity, relation, validation and papers meet: what a citizen filing for a child,
or a citizen whose registry data breaks a rule, sees."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot import media_resolver
from bot.media import Receipt
from bot.papers_pdf import paper_pdf
from conversations import payloads
from conversations.notifications import RECEIPT_PREFIX
from conversations.papers import PaperOffice, declaration_paper
from services.applicant import Party
from services.catalog_index import Catalog
from tests.chat import ChatDriver
from tests.fake_files import MemoryFileStore
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_applicant_identity import (
    CHILD,
    HOUSING,
    NAM,
    NAM_PHONE,
    answer_login,
    fill,
    open_criminal_record,
    open_housing_as_guest,
)
from tests.unit.test_filing_flow import file_free_dossier
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE, login
from tests.unit.test_papers import _dossier, _text, office  # noqa: F401  (the fixture)

APPLICANT_HEADING = "Người nộp hồ sơ"


async def test_the_review_of_a_filing_for_a_child_does_not_call_the_child_the_applicant(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Con (chưa thành niên)")
    await fill(chat, catalog, "ly_lich_tu_phap", CHILD)
    review = chat.text()
    assert CHILD["ho_ten"] in review
    assert APPLICANT_HEADING not in review  # the child's data under the filer's heading
    assert "Người được nộp hồ sơ cho" in review
    chat.lang = "en"
    assert "\nApplicant\n" not in chat.text() and "The person you are filing for" in chat.text()


async def test_the_review_of_a_filing_for_oneself_keeps_the_applicant_heading(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Bản thân")
    await fill(chat, catalog, "ly_lich_tu_phap", {})
    assert APPLICANT_HEADING in chat.text()
    assert "Người được nộp hồ sơ cho" not in chat.text()


def test_the_e_form_names_the_filer_and_the_subject_apart(
    office: PaperOffice,  # noqa: F811
    catalog: Catalog,
) -> None:
    filer = Party("004195118046", "Nông Thị Hoa", "1995-03-08", "nu", "c1")
    child = Party(CHILD["so_dinh_danh"], CHILD["ho_ten"], "2015-05-10", "nam")
    base = _dossier(catalog)
    answers = {**base.answers, "ho_ten": child.full_name, "so_dinh_danh": child.id_number}
    dossier = replace(base, answers=answers, filer=filer, subject=child, relation="con")
    text = _text(paper_pdf(declaration_paper(office, dossier)))
    assert "Người nộp Nông Thị Hoa" in text  # the filer, not the child
    assert f"Người nộp {CHILD['ho_ten']}" not in text
    assert f"Nộp cho con {CHILD['ho_ten']}" in text


def counters(chat: ChatDriver) -> list[tuple[int, int]]:
    """Every "Câu i/n" the chat was shown, in order."""
    found = (re.search(r"Câu (\d+)/(\d+)", chat.text(m)) for m in chat.history)
    return [(int(m.group(1)), int(m.group(2))) for m in found if m]


async def test_the_question_counter_of_a_filing_for_a_child_never_grows(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_criminal_record(chat, sms)
    await fill(chat, catalog, "ly_lich_tu_phap", {"nop_cho": "Con (chưa thành niên)", **CHILD})
    shown = counters(chat)
    assert len(shown) > 10, shown
    numbers, totals = [i for i, _ in shown], [n for _, n in shown]
    assert numbers == sorted(set(numbers)), shown  # each question once, in order
    assert all(i <= n for i, n in shown), shown
    # Conditional questions may drop out of the total, but none is ever added: "for whom"
    # counted the typed identity it may bring.
    assert totals == sorted(totals, reverse=True), shown


async def test_login_typed_mid_form_when_already_logged_in_keeps_the_question(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Bản thân")
    question = chat.text()
    await chat.send("/login")
    assert chat.keys == ["login.already", "form.question"], chat.keys
    assert chat.text() == question  # not thrown out of the form to the main menu
    await fill(chat, catalog, "ly_lich_tu_phap", {})
    assert chat.last.text.key == "form.review"


async def test_cancel_typed_mid_login_returns_to_the_form_and_a_new_login_works(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms
) -> None:
    await open_housing_as_guest(chat)
    question = chat.text()
    await chat.press("Đăng nhập")
    await answer_login_id(chat)
    await chat.send("/cancel")  # typed, as the "Hủy" button: back to her question
    assert chat.keys == ["login.cancelled", "form.question"], chat.keys
    assert chat.text() == question
    await chat.send("/login")  # and again, to the end this time
    await answer_login(chat, sms, HOA_ID, HOA_PHONE)
    assert chat.keys == ["login.success", "form.prefilled"], chat.keys
    await chat.press("Đúng, dùng thông tin này")
    assert chat.keys == ["form.question"] and "Nông Thị Hoa" not in chat.text()


async def answer_login_id(chat: ChatDriver) -> None:
    if chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    assert chat.keys == ["login.ask_phone"], chat.keys


async def test_an_id_whose_century_digit_mismatches_the_typed_birth_date_says_so(
    chat: ChatDriver,
) -> None:
    await open_housing_as_guest(chat)
    await chat.send("Hoàng Văn Nam")
    await chat.send("02/07/2099")  # a birth date in the future: refused
    assert chat.keys == ["form.invalid", "form.question"]
    await chat.send("02/07/1988")
    await chat.press("Nam")
    await chat.press("Kinh")
    await chat.send("004288688456")  # century digit 2 (born 2000–2099) typed for 1988
    assert chat.keys == ["form.invalid", "form.question"], chat.keys
    reason = chat.replies[0].text.params["reason"]
    assert reason.key == "error.cccd_birth_year_mismatch", reason  # type: ignore[union-attr]
    assert reason.params["id_year"] == 2088 and reason.params["year"] == 1988  # type: ignore[union-attr]


async def test_the_reception_slip_names_the_filer_not_the_child(
    catalog: Catalog, uow_factory: MemoryUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    filer = Party("004195118046", "Nông Thị Hoa", "1995-03-08", "nu", "c1")
    child = Party(CHILD["so_dinh_danh"], CHILD["ho_ten"], "2015-05-10", "nam")
    base = _dossier(catalog)
    answers = {**base.answers, "ho_ten": child.full_name, "so_dinh_danh": child.id_number}
    dossier = replace(
        base,
        answers=answers,
        filer=filer,
        subject=child,
        relation="con",
        submitted_at=base.created_at,
    )
    uow_factory.db.dossiers[dossier.id] = dossier
    drawn: list[Receipt] = []
    monkeypatch.setattr(media_resolver, "receipt_png", lambda r: drawn.append(r) or b"png")
    resolver = media_resolver.MediaResolver(uow_factory, catalog, MemoryFileStore())
    assert await resolver.resolve(f"{RECEIPT_PREFIX}{dossier.id}", "vi") is not None
    assert [r.applicant for r in drawn] == ["Nông Thị Hoa"]


async def test_an_edit_from_the_review_does_not_ask_the_skipped_optional_questions_again(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_housing_as_guest(chat)
    asked = await fill(chat, catalog, HOUSING, NAM)  # optional ones (ethnicity, email) skipped
    assert {"dan_toc", "email"} <= set(asked)
    await chat.press_payload("e:ho_ten")
    await chat.send("Hoàng Văn Năm")
    assert chat.keys == ["form.review"], chat.keys  # straight back, as "Sửa" promises


async def test_a_citizens_draft_is_not_shown_after_logout_nor_to_the_next_login(
    chat: ChatDriver, catalog: Catalog, sms: RecordingSms, clock: FakeClock
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Bản thân")  # Hoa's draft: her ID, address, phone, parents' names
    await chat.send("/logout")
    await chat.press_payload(payloads.menu("drafts"))
    assert chat.keys[0] == "drafts.none", chat.keys  # a guest at the same device
    clock.advance(seconds=61)
    await login(chat, sms, NAM["so_dinh_danh"], NAM_PHONE)
    await chat.press_payload(payloads.menu("drafts"))
    assert chat.keys[0] == "drafts.none", chat.keys  # nor Nam, next on the same chat
    await chat.send("/logout")
    clock.advance(seconds=61)
    await login(chat, sms)  # Hoa again: hers
    await chat.press_payload(payloads.menu("drafts"))
    assert chat.keys == ["drafts.list"], chat.keys


async def test_an_id_no_longer_matching_an_edited_birth_date_offers_both_edits(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_housing_as_guest(chat)
    await fill(chat, catalog, HOUSING, NAM)
    await chat.press_payload("e:ngay_sinh")
    await chat.send("02/07/1990")  # the ID says 1988: the typo may be either
    assert chat.keys == ["validation.review_problems", "form.review"], chat.keys
    offered = {b.payload for b in chat.buttons(chat.replies[0])}
    assert offered == {"e:so_dinh_danh", "e:ngay_sinh"}, offered


async def test_after_logout_the_chat_shows_nothing_of_the_citizens_dossiers_or_papers(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    await login(chat, sms)
    await file_free_dossier(chat, staging)
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    await chat.send("/logout")  # a guest, or the next person, at the same device
    await chat.send("/mydossiers")
    assert chat.keys == ["identity.dossiers_login", "menu.main"], chat.keys
    await chat.send("/documents")  # the e-form PDF with her ID number is hers
    assert chat.keys[0] == "documents.none", chat.keys
    await chat.send(f"/status {dossier.code}")  # anyone may look it up: the public card only
    assert chat.keys[0] == "status.public", chat.keys
    clock.advance(seconds=61)
    await login(chat, sms)
    await chat.send("/mydossiers")
    assert chat.keys[0] == "dossiers.list", chat.keys
