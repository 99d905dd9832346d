"""One application, one dossier: a draft open in two chats of the same citizen."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from conversations import payloads
from conversations.messages import Platform
from conversations.router import Router
from services.drafts import DraftConflict, DraftStatus
from tests.chat import ChatDriver
from tests.fakes import (
    FakeClock,
    MemoryStaging,
    MemoryUnitOfWork,
    MemoryUnitOfWorkFactory,
    RecordingSms,
)
from tests.unit.test_filing_flow import PDF, fill_stay_form, send_file
from tests.unit.test_login_flow import login


async def two_chats(router: Router, sms: RecordingSms, clock: FakeClock) -> tuple[ChatDriver, ...]:
    """The same citizen logged in on Telegram and on the web chat."""
    telegram = ChatDriver(router, chat_id="7001", platform=Platform.TELEGRAM)
    web = ChatDriver(router, chat_id="tab-1", platform=Platform.WEB)
    await login(telegram, sms)
    clock.advance(seconds=61)  # a new code for the same phone no sooner than 60 s
    await login(web, sms)
    return telegram, web


async def open_from_drafts(chat: ChatDriver) -> None:
    """Continue the citizen's only draft from "Hồ sơ nháp"."""
    await chat.press_payload(payloads.menu("drafts"))  # "Hồ sơ nháp" in the main menu
    assert chat.keys == ["drafts.list"], chat.keys
    await chat.press_payload(chat.buttons()[0].payload)
    await chat.press("Làm tiếp")
    assert chat.keys[0] == "form.resumed", chat.keys


async def at_commitment(chat: ChatDriver, staging: MemoryStaging, first: bool) -> None:
    """From a confirmed stay form (documents next) to the commitment screen."""
    if first:
        await send_file(chat, staging, PDF, "chung-minh-cho-o.pdf")
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"], chat.keys
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["submission.commitment"], chat.keys


async def test_a_stale_answer_is_not_saved_and_the_current_question_is_shown(
    router: Router, sms: RecordingSms, clock: FakeClock, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    telegram, web = await two_chats(router, sms, clock)
    await telegram.send("1.004194")
    await telegram.press("Nộp hồ sơ")
    await telegram.send("Thục Phán")
    await telegram.press("Thục Phán")
    await telegram.press("Đúng, dùng thông tin này")
    assert "Email" in telegram.text()
    await open_from_drafts(web)
    assert "Email" in web.text()  # both chats show the same question
    await telegram.send("hoa@example.vn")
    asked_next = telegram.text()
    assert "Email" not in asked_next
    await web.send("khac@example.vn")  # typed on the web tab's old view of the draft
    assert web.keys[0] == "sync.changed", web.keys
    assert web.text(web.last) == asked_next  # the draft's current question, not the old one
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["email"] == "hoa@example.vn"
    # Now up to date, the web tab gives the address; choosing its province and ward changes
    # nothing yet, the detail stores it.
    await web.press("Cao Bằng")
    await telegram.send("Tân Giang")  # the province step's filter: nothing stored, no clash
    assert telegram.keys[0] != "sync.changed"
    await web.send("Tân Giang")
    await web.press("Tân Giang")
    await web.send("Tổ 9")
    assert "Địa chỉ tạm trú" not in web.text()
    await telegram.send("Tổ 7")  # Telegram is the stale one now
    assert telegram.keys[0] == "sync.changed" and telegram.text() == web.text()
    (draft,) = uow_factory.db.drafts.values()
    assert "Tổ 9" in str(draft.answers)


async def test_two_chats_pressing_submit_make_one_dossier(
    router: Router,
    sms: RecordingSms,
    clock: FakeClock,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    telegram, web = await two_chats(router, sms, clock)
    await fill_stay_form(telegram)
    await telegram.press("Xác nhận tờ khai")
    await send_file(telegram, staging, PDF, "chung-minh-cho-o.pdf")
    await open_from_drafts(web)
    await at_commitment(telegram, staging, first=False)
    await at_commitment(web, staging, first=False)
    await telegram.press("Tôi xin cam đoan")
    assert telegram.keys[0] == "submission.created"
    await web.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert web.keys == ["sync.submitted", "payment.request"], web.keys
    assert dossier.code in web.text(web.replies[0])
    assert "chờ thanh toán" in web.text(web.replies[0]).lower()
    assert dossier.payment is not None and dossier.payment.reference in web.text()
    (draft,) = uow_factory.db.drafts.values()
    assert draft.status is DraftStatus.SUBMITTED and draft.dossier_id == dossier.id
    # Whatever the web tab tries next, no second dossier: submit again, or the drafts list.
    await web.press_payload(payloads.menu("drafts"))
    assert web.keys[0] == "drafts.none"
    assert len(uow_factory.db.dossiers) == 1


async def test_submit_pressed_at_the_same_time_in_two_chats(
    router: Router,
    sms: RecordingSms,
    clock: FakeClock,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    telegram, web = await two_chats(router, sms, clock)
    await fill_stay_form(telegram)
    await telegram.press("Xác nhận tờ khai")
    await open_from_drafts(web)
    await at_commitment(telegram, staging, first=True)
    await at_commitment(web, staging, first=False)
    await asyncio.gather(telegram.press("Tôi xin cam đoan"), web.press("Tôi xin cam đoan"))
    firsts = sorted([telegram.keys[0], web.keys[0]])
    assert firsts == ["submission.created", "sync.submitted"], firsts
    assert len(uow_factory.db.dossiers) == 1


async def test_a_chat_left_in_the_form_cannot_reopen_a_submitted_draft(
    router: Router,
    sms: RecordingSms,
    clock: FakeClock,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    telegram, web = await two_chats(router, sms, clock)
    await fill_stay_form(telegram)
    await open_from_drafts(web)  # the web tab shows the review
    assert web.keys[-1] == "form.review"
    await telegram.press("Xác nhận tờ khai")
    await at_commitment(telegram, staging, first=True)
    await telegram.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    await web.press("Xác nhận tờ khai")  # the old review, confirmed after the submission
    assert web.keys[0] == "sync.submitted" and dossier.code in web.text(web.replies[0])
    (draft,) = uow_factory.db.drafts.values()
    assert draft.status is DraftStatus.SUBMITTED  # not reopened, so never submitted again
    assert len(uow_factory.db.dossiers) == 1


async def test_only_another_chats_change_makes_a_view_stale(
    router: Router, sms: RecordingSms, clock: FakeClock, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    telegram, _ = await two_chats(router, sms, clock)
    await telegram.send("1.004194")
    await telegram.press("Nộp hồ sơ")
    await telegram.send("Thục Phán")
    await telegram.press("Thục Phán")
    await telegram.press("Đúng, dùng thông tin này")
    (draft,) = uow_factory.db.drafts.values()
    # This chat's own change made outside the question (identity filled in at a login, say)
    # is not news to it: the question is answered as usual.
    own = replace(draft, answers={**draft.answers, "dan_toc": "Tày"}, version=draft.version + 1)
    uow_factory.db.drafts[draft.id] = own
    await telegram.send("hoa@example.vn")
    assert telegram.keys[0] != "sync.changed", telegram.keys
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["email"] == "hoa@example.vn" and draft.changed_by == "telegram:7001"
    # The same change stored by the web chat is.
    changed = replace(draft, answers={**draft.answers, "dan_toc": "Nùng"}, changed_by="web:tab-1")
    uow_factory.db.drafts[draft.id] = replace(changed, version=draft.version + 1)
    await telegram.press("Cao Bằng")
    assert telegram.keys[0] == "sync.changed", telegram.keys


async def test_an_update_that_met_a_concurrent_change_is_applied_again(
    router: Router,
    sms: RecordingSms,
    clock: FakeClock,
    uow_factory: MemoryUnitOfWorkFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    telegram, _ = await two_chats(router, sms, clock)
    await telegram.send("1.004194")
    await telegram.press("Nộp hồ sơ")
    await telegram.send("Thục Phán")
    await telegram.press("Thục Phán")
    await telegram.press("Đúng, dùng thông tin này")
    real_commit = MemoryUnitOfWork.commit
    refused: list[str] = []

    async def commit_once_refused(self: MemoryUnitOfWork) -> None:
        if not refused:  # another worker stored the draft first: this write is refused
            refused.append("draft")
            raise DraftConflict("draft")
        await real_commit(self)

    monkeypatch.setattr(MemoryUnitOfWork, "commit", commit_once_refused)
    commits = uow_factory.db.commits
    await telegram.send("hoa@example.vn")
    assert refused and uow_factory.db.commits == commits + 1  # applied again, once
    assert "Email" not in telegram.text() and telegram.keys[-1] != "common.error"
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["email"] == "hoa@example.vn"
