"""Login messages tell what really happened, and a stranger cannot lock the owner out."""

from __future__ import annotations

from conversations.router import Router
from tests.chat import ChatDriver
from tests.fakes import FakeClock, RecordingSms
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

OTHER_PHONE = "0987654321"


async def test_change_phone_never_claims_a_code_was_sent_when_none_was(
    chat: ChatDriver, sms: RecordingSms, clock: FakeClock
) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    await chat.send(HOA_PHONE)
    assert chat.keys == ["login.code_sent", "login.ask_code"]
    await chat.press("Đổi số điện thoại")
    assert chat.keys == ["login.ask_phone"]
    clock.advance(seconds=10)
    await chat.send(OTHER_PHONE)  # too soon for a new code: nothing goes to this number
    assert chat.keys == ["login.wait_resend", "login.ask_phone"], chat.keys
    assert "0987***321" not in chat.all_text()  # never "the code sent to 0987***321"
    assert [to for to, _, _ in sms.sent] == [HOA_PHONE]
    clock.advance(seconds=51)
    await chat.press("Gửi mã")  # the retry button keeps the number typed
    assert chat.keys == ["login.code_sent", "login.ask_code"]
    assert "0987***321" in chat.text()


async def test_a_refused_resend_for_the_same_phone_still_asks_for_the_live_code(
    chat: ChatDriver, clock: FakeClock
) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send(HOA_ID)
    await chat.send(HOA_PHONE)
    clock.advance(seconds=5)
    await chat.press("Gửi lại mã")
    assert chat.keys == ["login.wait_resend", "login.ask_code"]
    assert "0912***678" in chat.text()


async def stranger_login_attempt(router: Router, chat_id: str, id_number: str) -> ChatDriver:
    chat = ChatDriver(router, chat_id=chat_id)
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send(id_number)
    await chat.send(HOA_PHONE)
    return chat


async def test_a_stranger_typing_the_owners_phone_in_many_chats_does_not_lock_her_out(
    router: Router, sms: RecordingSms, clock: FakeClock
) -> None:
    for n in range(11):  # wrong ID numbers with Hoa's phone, a fresh chat each time
        stranger = await stranger_login_attempt(router, f"stranger{n}", f"00409509999{n % 10}")
        assert stranger.keys == ["login.code_sent", "login.ask_code"]
        clock.advance(minutes=11)
    owner = ChatDriver(router, chat_id="hoa")
    await owner.send("/login")
    await owner.press("Tôi đồng ý")
    await owner.send(HOA_ID)
    await owner.send(HOA_PHONE)
    assert owner.keys == ["login.code_sent", "login.ask_code"]
    await owner.send(sms.last_code(HOA_PHONE))
    assert owner.keys[0] == "login.success"
    assert [to for to, _, _ in sms.sent] == [HOA_PHONE]  # the strangers got no SMS at all
