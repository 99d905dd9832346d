"""A citizen's whole journey over Telegram, by webhook: log in with the code from the SMS,
fill the temporary-residence e-form (1.004194, 7,000 đ online), attach a PDF, commit and
submit, then pay by bank transfer (the signed SePay webhook).

Every user action is one Telegram update; how it reaches the bot is the test's choice (once,
twice, twice at once, through an outage…): `Citizen.deliver` is that strategy.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.payments import sign_sepay
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.fakes.telegram_delivery import Delivery
from tests.e2e.fakes.telegram_state import SentMessage
from tests.e2e.fault_fakes import FakeSmsGateway
from tests.e2e.fault_world import SEPAY_SECRET
from tests.unit.test_filing_flow import PDF
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

PROCEDURE = "1.004194"  # đăng ký tạm trú: 7,000 đ online
FEE = 7000
STAY_UNTIL = date.today() + timedelta(days=300)  # at most two years ahead
ATTACHMENT = "chung-minh-cho-o.pdf"
TRANSACTION = 9001  # the bank's id of the citizen's transfer
SKIPPED = ("Email", "đã đồng ý (người chưa thành niên)", "Ngân hàng nhận hoàn tiền")
Deliver = Callable[[dict[str, Any]], Awaitable[list[Delivery]]]


async def once(tg: FakeTelegram, update: dict[str, Any]) -> list[Delivery]:
    """Telegram delivers the update once (retrying while the answer is not 2xx)."""
    delivery = await tg.deliver(update)
    assert delivery is not None
    return [delivery]


def text_of(message: SentMessage) -> str:
    """What the citizen reads: the text, or a photo's or document's caption."""
    return message.text or message.caption or ""


@dataclass
class Citizen:
    """One Telegram chat, played by the test."""

    tg: FakeTelegram
    sms: FakeSmsGateway
    chat_id: int
    deliver: Deliver | None = None  # how every update is delivered (default: once)
    next_delivery: Deliver | None = None  # how the next one is, this once
    # Until the replies queued for this chat are sent (the scheduler's paced sender sends
    # them after the webhook is answered); None: do not wait.
    settled: Callable[[int], Awaitable[None]] | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def sent(self) -> list[SentMessage]:
        """Everything the bot sent to this chat, in order."""
        return self.tg.sent(self.chat_id)

    @property
    def last(self) -> str:
        """The text of the bot's last message."""
        return text_of(self.sent[-1])

    async def _act(self, update: dict[str, Any]) -> list[SentMessage]:
        before = len(self.sent)
        self.updates.append(update)
        strategy = self.next_delivery or self.deliver or (lambda u: once(self.tg, u))
        self.next_delivery = None
        self.deliveries.extend(await strategy(update))
        if self.settled is not None:
            await self.settled(self.chat_id)
        return self.sent[before:]

    async def say(self, text: str) -> list[SentMessage]:
        """The citizen types `text`."""
        return await self._act(await self.tg.user_text(self.chat_id, text, deliver=False))

    async def press(self, label: str) -> list[SentMessage]:
        """The citizen presses the newest button whose label contains `label`."""
        for message in reversed(self.sent):
            for button in message.buttons:
                if label in button["text"] and "callback_data" in button:
                    update = await self.tg.user_press(
                        self.chat_id, message.message_id, button["callback_data"], deliver=False
                    )
                    return await self._act(update)
        raise AssertionError(f"no button {label!r}; last message: {self.last!r}")

    def labels(self) -> list[str]:
        """The buttons under the bot's last message."""
        return [b["text"] for b in self.sent[-1].buttons]

    async def share_phone(self, phone: str) -> list[SentMessage]:
        """The citizen shares their own number with the reply keyboard's button."""
        return await self._act(await self.tg.user_contact(self.chat_id, phone, deliver=False))

    async def upload(self, content: bytes, name: str) -> list[SentMessage]:
        """The citizen sends a file."""
        update = await self.tg.user_document(self.chat_id, content, name, deliver=False)
        return await self._act(update)

    # -- the journey, in parts a test can interleave with faults ------------------------------

    async def log_in(self, id_number: str = HOA_ID, phone: str = HOA_PHONE) -> None:
        """/start, /login, consent, ID number, phone, the code from the SMS."""
        await self.say("/start")
        await self.say("/login")
        await self.press("Tôi đồng ý")
        await self.say(id_number)
        before = len(self.sms.inbox)
        await self.share_phone(phone)
        code = await self.sms.code_for(phone, before)
        await self.say(code)
        assert "Đăng nhập thành công" in " ".join(text_of(m) for m in self.sent[-3:]), self.last

    async def open_form(self) -> None:
        """Find the procedure, choose the ward's police, confirm the prefilled applicant."""
        await self.say(PROCEDURE)
        await self.press("Nộp hồ sơ")
        await self.say("Thục Phán")
        await self.press("Thục Phán")
        await self.press("Đúng, dùng thông tin này")

    async def answer_next(self) -> bool:
        """Answer the question the bot asks now; False once the review is shown."""
        text = self.last
        if "Kiểm tra tờ khai" in text:
            return False
        if "Thông tin người nộp được điền sẵn" in text:
            await self.press("Đúng, dùng thông tin này")
        elif "Đang lưu" in text or "✔️ Giữ nguyên" in self.labels():
            await self.press("Giữ nguyên")  # a value the registry filled in: keep it
        elif "Chọn tỉnh/thành phố" in text:
            await self.press("Cao Bằng")
        elif "Chọn xã/phường" in text:
            await self.say("Tân Giang")
        elif "khớp với" in text and "xã/phường" in text:
            await self.press("Tân Giang")
        elif "Nhập số nhà" in text:
            await self.say("Tổ 9")
        elif any(skip in text for skip in SKIPPED):
            await self.press("Bỏ qua")
        elif "Tạm trú đến ngày" in text:
            await self.say(STAY_UNTIL.strftime("%d/%m/%Y"))
        elif "Đăng ký cá nhân" in text:
            await self._press_first()
        elif "Chủ hộ/chủ sở hữu chỗ ở đã đồng ý" in text:
            await self.press("Có")
        elif "Hình thức nhận kết quả" in text:
            await self.press("bưu chính")
        else:
            raise AssertionError(f"unexpected question: {text!r} {self.labels()}")
        return True

    async def _press_first(self) -> None:
        message = self.sent[-1]
        data = message.callback_data[0]
        update = await self.tg.user_press(self.chat_id, message.message_id, data, deliver=False)
        await self._act(update)

    async def fill_form(self, answers: int = 40) -> int:
        """Answer up to `answers` questions (stopping at the review); how many were answered."""
        done = 0
        while done < answers and await self.answer_next():
            done += 1
        return done

    async def confirm_form(self) -> None:
        """Confirm the reviewed e-form: the documents checklist follows."""
        assert "Kiểm tra tờ khai" in self.last, self.last
        await self.press("Xác nhận tờ khai")

    async def attach(self) -> None:
        """Send the one document the procedure requires."""
        await self.upload(PDF, ATTACHMENT)
        assert any("Đã nhận tệp" in text_of(m) for m in self.sent[-2:]), self.last

    async def finish(self) -> str:
        """Done with documents, submit, commit: the payment reference the bot asks for."""
        await self.press("Xong phần giấy tờ")
        await self.press("Nộp hồ sơ")
        replies = await self.press("Tôi xin cam đoan")
        request = next(m for m in replies if "Thanh toán phí" in text_of(m))
        marker = "giữ nguyên): <code>"
        start = text_of(request).index(marker) + len(marker)
        return text_of(request)[start:].split("</code>", 1)[0]

    async def submit(self) -> str:
        """From the review to the payment request: the payment reference."""
        await self.confirm_form()
        await self.attach()
        return await self.finish()


def bank_notification(
    reference: str, transaction: int = TRANSACTION
) -> tuple[bytes, dict[str, str]]:
    """SePay's signed notification of the citizen's transfer of the fee (body, headers)."""
    body = sepay_notification(reference, FEE, transaction)
    return body, sign_sepay(body, SEPAY_SECRET, int(time.time()))


def sepay_notification(reference: str, amount: int, transaction: int) -> bytes:
    """The bank's notification of a transfer with `reference` in its content."""
    return json.dumps(
        {
            "id": transaction,
            "gateway": "VietinBank",
            "transactionDate": "2026-11-25 10:00:00",
            "accountNumber": "1234567890",
            "code": None,
            "content": f"MBVCB.884.{reference.replace(' ', '')}.CT tu 0912 NONG THI HOA",
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 0,
            "referenceCode": "FT123",
            "description": "",
        }
    ).encode()


def _address(ward_code: str, ward: str, detail: str) -> dict[str, str]:
    return {
        "province_code": "04",
        "province": "Tỉnh Cao Bằng",
        "ward_code": ward_code,
        "ward": ward,
        "detail": detail,
    }


# The e-form as one clean run of the journey leaves it in the dossier.
ANSWERS = {
    "ho_ten": "Nông Thị Hoa",
    "ngay_sinh": "1995-03-15",
    "gioi_tinh": "nu",
    "dan_toc": "tay",
    "so_dinh_danh": HOA_ID,
    "dia_chi": _address("01273", "Phường Thục Phán", "Tổ 5"),
    "so_dien_thoai": HOA_PHONE,
    "dia_chi_tam_tru": _address("01288", "Phường Tân Giang", "Tổ 9"),
    "thoi_han_tam_tru": STAY_UNTIL.isoformat(),
    "hinh_thuc": "ca_nhan",
    "y_kien_chu_ho": True,
    "hinh_thuc_nhan_kq": "buu_chinh",
    "nguoi_nhan": "Nông Thị Hoa",
    "sdt_nguoi_nhan": HOA_PHONE,
    "dia_chi_nhan": _address("01273", "Phường Thục Phán", "Tổ 5"),
}
