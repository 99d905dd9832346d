"""One clock: the same filing journey at 23:59 and at 00:30 Vietnam time (16:59 and 17:30 UTC
of the same UTC day) shows Vietnam's date everywhere a citizen looks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.media import Receipt, receipt_rows
from conversations import payloads
from services.calendar import add_working_days
from services.clock import VIETNAM, vietnam_date
from services.dossier_codes import parse_code
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_filing_flow import PDF, fill_housing_form, send_file
from tests.unit.test_login_flow import login

LATE = datetime(2026, 11, 25, 16, 59, tzinfo=UTC)  # 23:59 on 25/11 in Vietnam
AFTER_MIDNIGHT = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on 26/11 in Vietnam


@pytest.fixture(params=[LATE, AFTER_MIDNIGHT], ids=["23:59", "00:30"])
def clock(request: pytest.FixtureRequest) -> FakeClock:
    return FakeClock(request.param)


async def test_every_date_shown_is_vietnams(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    local = clock.now().astimezone(VIETNAM)
    day = f"{local:%d/%m/%Y}"  # 25/11/2026, then 26/11/2026 after midnight
    await login(chat, sms)
    await chat.send("/mydata")  # the data notice was accepted just now
    assert chat.keys == ["mydata.list"] and day in chat.text(), chat.text()
    await chat.send("/menu")
    await fill_housing_form(chat)
    await chat.press_payload(payloads.menu("drafts"))  # Hồ sơ nháp
    assert chat.keys == ["drafts.list"]
    assert day in chat.label(chat.buttons()[0]), chat.label(chat.buttons()[0])
    await chat.press_payload(chat.buttons()[0].payload)
    await chat.press("Làm tiếp")
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, staging, PDF, "mau-02.pdf")
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == [
        "submission.submitted",
        "receipt.caption",
        "papers.declaration_caption",
        "menu.main",
    ]
    assert f"{local:%H:%M %d/%m/%Y}" in chat.text(chat.replies[1])  # the receipt
    (dossier,) = uow_factory.db.dossiers.values()
    code = parse_code(dossier.code)
    assert code is not None and code.day == local.date()  # YYMMDD is Vietnam's day
    assert dossier.due_date == add_working_days(local.date(), 2)
    await chat.send(f"/status {dossier.code}")  # the public card: submitted on that day
    assert day in chat.text(chat.replies[0]), chat.text(chat.replies[0])
    await chat.send("/documents")  # the document store: the file kept on that day
    assert chat.keys[0] == "documents.list" and day in chat.text(chat.replies[0])
    await chat.send("/mydossiers")
    await chat.press_payload(chat.buttons()[0].payload)  # the dossier card and its history
    assert chat.keys == ["dossiers.card"] and f"{local:%H:%M %d/%m/%Y}" in chat.text()


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 11, 25, 16, 59, 59, tzinfo=UTC), date(2026, 11, 25)),
        (datetime(2026, 11, 25, 17, 0, tzinfo=UTC), date(2026, 11, 26)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_a_moment_has_its_day_in_vietnam(moment: datetime, day: date) -> None:
    assert vietnam_date(moment) == day


def test_a_naive_moment_has_no_day() -> None:
    with pytest.raises(ValueError):
        vietnam_date(datetime(2026, 11, 25, 17, 30))


def test_the_receipt_image_shows_vietnams_date_and_time() -> None:
    receipt = Receipt(
        code="000.01.51.H04-261126-0001",
        procedure="Đăng ký tạm trú",
        agency="Công an phường Thục Phán",
        applicant="Nông Thị Hoa",
        fee=7000,
        paid_at=AFTER_MIDNIGHT,
        submitted_at=AFTER_MIDNIGHT,
        due_date=date(2026, 12, 1),
        lang="vi",
    )
    values = [value for _, value in receipt_rows(receipt)]
    assert values.count("26/11/2026 00:30") == 2 and "01/12/2026" in values
