"""Fees through a real channel: on Telegram (python-telegram-bot, the real app and database,
the local fake Bot API), 3 extract copies cost 3 × 8.000 đ in the summary, in the payment
request and in the VietQR code decoded from the photo the bot sends."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image

from bot.bootstrap import Application
from conversations.messages import Platform
from services.vietqr import decode
from tests.chat import ChatDriver
from tests.e2e import test_telegram_channel as telegram
from tests.e2e.fakes import FakeTelegram
from tests.e2e.test_telegram_channel import (
    CHAT,
    HOA_ID,
    HOA_PHONE,
    PDF,
    Transcript,
    key_of,
    polling,
    press,
)
from tests.privacy import note_codes
from tests.unit.test_fee_flow import fill_extract_form

pytestmark = pytest.mark.timeout(90)
app, tg = telegram.app, telegram.tg  # the Telegram tests' fixtures: the app, the fake Bot API


async def login(app: Application, driver: ChatDriver) -> None:
    await driver.send("/login")
    if driver.keys[-1] == "consent.notice":
        await driver.press("Tôi đồng ý")
    await driver.send(HOA_ID)
    await driver.send("0" + HOA_PHONE.removeprefix("84"))
    [sms] = app.sms.inbox.for_chat(f"telegram:{CHAT}")  # type: ignore[attr-defined]
    note_codes(sms.text)
    code = re.search(r"\b\d{6}\b", sms.text)
    assert code is not None
    await driver.send(code.group(0))
    assert driver.keys[0] == "login.success", driver.keys


async def test_three_copies_cost_three_times_the_unit_price_on_telegram(
    app: Application, tg: FakeTelegram
) -> None:
    async with polling(app, "ptb"):
        chat = Transcript(tg, app)
        # Log in and fill the form through the router, in this chat (covered elsewhere).
        driver = ChatDriver(app.router, chat_id=str(CHAT), platform=Platform.TELEGRAM)
        await login(app, driver)
        await fill_extract_form(driver, "3")
        await driver.press("Xác nhận tờ khai")
        assert driver.keys == ["form.final", "docs.checklist"]
        # The rest through Telegram itself.
        await tg.user_document(CHAT, PDF, "cccd.pdf")
        _, checklist = await chat.next(2)
        await press(tg, checklist, "Xong phần giấy tờ")
        [summary] = await chat.next(1)
        assert key_of(summary, app.texts) == "submission.summary"
        assert "3 bản × 8.000 đ = 24.000 đ" in (summary.text or "")
        await press(tg, summary, "Nộp hồ sơ")
        [commitment] = await chat.next(1)
        await press(tg, commitment, "Tôi xin cam đoan")
        [qr] = await tg.wait_for(CHAT, where=lambda m: m.method == "sendPhoto")
        assert "3 bản × 8.000 đ = 24.000 đ" in (qr.caption or "")
        assert qr.photo is not None
        [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.photo)))
        payload = decode(found.text)
        assert payload.ok and payload.tags["54"] == "24000"
