"""Login by one-time code in the web chat, in headless Chromium against `dvc-bot run`.

The acceptance check of the login issue: log in with the code read off the demo phone panel,
get the applicant block pre-filled from the population registry, leave the form half done,
log out, log in again on another device, and carry on from the drafts where it stopped.
The rest checks the demo phone panel itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Request, Route

from bot.settings import Settings
from tests.e2e.browser import PHONE_PANEL, PHONE_TOGGLE, BotMessage, ChatPage
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/phone-panel.png"
POLL_SECONDS = 3  # chat.js PHONE_POLL_MS
PHONE_API = re.compile(r"/chat/api/phone$")
# login.wait_resend
WAIT_RESEND = re.compile(r"Vui lòng đợi (\d+) giây nữa trước khi yêu cầu mã mới\.")


def _minimum(field: str) -> int:
    """The smallest value settings accept for `field` (its `ge` bound)."""
    for rule in Settings.model_fields[field].metadata:
        if getattr(rule, "ge", None) is not None:
            return int(rule.ge)
    raise AssertionError(f"{field} has no lower bound")


RESEND_SECONDS = _minimum("otp_resend_seconds")  # a new code per phone, at the soonest

# Demo citizens (storage/seed/citizens.yaml); each test uses its own, since the code limits
# count per phone.
HOA_ID, HOA_PHONE = "004195118046", "0912345678"  # Nông Thị Hoa, Tổ 5, Phường Thục Phán
NAM_ID, NAM_PHONE = "004088688456", "0987112233"  # Hoàng Văn Nam
MAI_ID, MAI_PHONE = "004192413294", "0366123456"  # Lục Thị Mai


class LoginServer(LiveServer):
    """The live server with the shortest resend wait the settings allow.

    conftest's LiveServer takes no extra environment, hence this subclass.
    """

    @property
    def env(self) -> dict[str, str]:
        env = super().env
        env["OTP_RESEND_SECONDS"] = str(RESEND_SECONDS)
        env["SMS_BACKEND"] = "dev"
        return env


@pytest.fixture(scope="module")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LoginServer(tmp_path_factory.mktemp("login"))
    server.start()
    yield server
    server.stop()
    print(f"--- {server.log_path}\n{server.log_tail()}")  # shown when a test failed


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """Another device: a desktop browser with a profile of its own."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="vi-VN", device_scale_factor=1
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def keys(messages: list[BotMessage]) -> list[str]:
    """The message ids of some bot bubbles."""
    return [m.key for m in messages]


def start_login(chat: ChatPage) -> None:
    """/login, accepting the personal-data notice this chat has not answered yet."""
    assert keys(chat.send("/login")) == ["consent.notice"]
    assert keys(chat.click("✅ Tôi đồng ý", exact=True)) == ["consent.thanks", "login.ask_id"]


def give_id_and_phone(chat: ChatPage, id_number: str, phone: str) -> list[BotMessage]:
    """Type the ID number and the phone; when the resend rule says wait, wait and type the
    phone again. Returns the bot's answer to the phone that got a code."""
    asked = chat.send(id_number)
    assert keys(asked) == ["login.ask_phone"]
    # `request_contact` is for Telegram's keyboard: the web offers no share button.
    assert not [b for b in asked[0].buttons if "Chia sẻ" in b], asked[0]
    sent = chat.send(phone)
    if sent[0].key == "login.wait_resend":
        assert keys(sent) == ["login.wait_resend", "login.ask_phone"]
        match = WAIT_RESEND.fullmatch(sent[0].text)
        assert match is not None, sent[0].text
        seconds = int(match.group(1))
        assert 0 < seconds <= RESEND_SECONDS
        time.sleep(seconds + 0.3)
        sent = chat.send(phone)
    assert keys(sent) == ["login.code_sent", "login.ask_code"], sent
    masked = f"{phone[:4]}***{phone[-3:]}"
    assert masked in sent[0].text and phone not in sent[0].text
    return sent


def another_code(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 10**6:06d}"


def phone_requests(chat: ChatPage) -> list[Request]:
    """Record the page's requests to the demo phone API from now on."""
    seen: list[Request] = []
    chat.page.on("request", lambda r: seen.append(r) if "/chat/api/phone" in r.url else None)
    return seen


def wait_until(chat: ChatPage, condition: Callable[[], bool], seconds: float = 5) -> None:
    """Let the page run until `condition` holds (events reach Python while it waits)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        chat.page.wait_for_timeout(50)


def set_visible(chat: ChatPage, visible: bool) -> None:
    """Pretend the tab went to the background (or came back)."""
    state = "visible" if visible else "hidden"
    chat.page.evaluate(
        """(state) => {
            Object.defineProperty(document, 'visibilityState', {
                configurable: true, get: () => state });
            Object.defineProperty(document, 'hidden', {
                configurable: true, get: () => state === 'hidden' });
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        state,
    )


# ---------------------------------------------------------------------- the acceptance check


def test_login_prefill_and_the_draft_follows_the_citizen(
    login_server: LiveServer, context: BrowserContext, desktop: BrowserContext
) -> None:
    # On her phone: find the procedure and choose to file it online, logged in.
    chat = ChatPage.open(context, login_server.url)
    assert chat.send("tam tru")[-1].key == "search.results_page"
    card = chat.click("Đăng ký tạm trú")
    assert card[-1].key == "proc.card"
    assert card[-1].text.startswith("Đăng ký tạm trú")
    assert chat.click("📝 Nộp hồ sơ trực tuyến", exact=True)[-1].key == "login.offer"
    assert keys(chat.click("🔐 Đăng nhập", exact=True)) == ["consent.notice"]
    assert keys(chat.click("✅ Tôi đồng ý", exact=True)) == ["consent.thanks", "login.ask_id"]
    give_id_and_phone(chat, HOA_ID, HOA_PHONE)
    first_code_at = time.monotonic()

    # The code arrives on the demo phone; the citizen reads it there and types it.
    code = chat.read_code(1)
    assert chat.page.locator("#input").input_value() == ""  # never filled in for her
    wrong = chat.send(another_code(code))
    assert keys(wrong) == ["login.code_wrong", "login.ask_code"]
    assert wrong[0].text == (
        "Mã xác thực không đúng, hoặc số định danh và số điện thoại không khớp. Bạn còn 4 lần thử."
    )
    welcome = chat.send(code)
    assert keys(welcome) == ["login.success", "search.ward_ask"]  # back to the commune choice
    assert welcome[0].text == "✅ Đăng nhập thành công. Xin chào Nông Thị Hoa!"

    # The applicant block comes from the registry.
    assert chat.send("Thục Phán")[-1].key == "search.ward_matches"
    started = chat.click("Phường Thục Phán", exact=True)
    assert keys(started) == ["form.started", "form.prefilled"]
    assert "Công an Phường Thục Phán" in started[0].text
    prefilled = started[1]
    for line in (
        "• Họ và tên: Nông Thị Hoa",
        "• Ngày sinh: 15/03/1995",
        f"• Số định danh cá nhân / CCCD: {HOA_ID}",
        "Tổ 5, Phường Thục Phán, Tỉnh Cao Bằng",
    ):
        assert line in prefilled.text, prefilled.text
    assert prefilled.buttons[:2] == ("✅ Đúng, dùng thông tin này", "✏️ Sửa từng mục")
    chat.click("✅ Đúng, dùng thông tin này", exact=True)

    # Two more answers, then she stops.
    email = chat.question()
    assert email.label == "Email"
    chat.click("Bỏ qua")
    address = chat.question()
    assert address.key == "form.address_province"
    assert address.number == email.number + 1
    assert chat.click("Tỉnh Cao Bằng", exact=True)[-1].key == "form.address_ward"
    assert chat.send("Nùng Trí")[-1].key == "form.address_ward_matches"
    assert chat.click("Phường Nùng Trí Cao", exact=True)[-1].key == "form.address_detail"
    chat.send("Số 12, đường Vườn Cam")
    stopped = chat.question()
    assert stopped.number == address.number + 1

    logged_out = chat.send("/logout")
    assert keys(logged_out) == ["login.logged_out", "menu.main"]
    assert logged_out[0].text == "Đã đăng xuất trên cuộc trò chuyện này."

    # On another device (a new chat): log in again, with a second code.
    other = ChatPage.open(desktop, login_server.url)
    assert other.session() != chat.session()
    start_login(other)
    give_id_and_phone(other, HOA_ID, HOA_PHONE)  # waits out the resend rule (per phone)
    assert time.monotonic() - first_code_at >= RESEND_SECONDS - 1
    second = other.read_code(1)  # this chat's phone shows this chat's SMS only
    assert len(other.sms()) == 1
    assert keys(other.send(second)) == ["login.success", "menu.main"]

    # The profile never shows the full ID number.
    profile = other.send("/profile")[-1]
    assert profile.key == "profile.card"
    assert "Số định danh: 004*******46" in profile.text
    assert HOA_ID not in profile.text
    assert HOA_PHONE not in profile.text
    assert other.page.locator(".msg.bot").last.inner_html().count(HOA_ID) == 0

    # The draft follows her: continue it and land on the question where she stopped.
    assert other.click("🏠 Danh mục chính", exact=True)[-1].key == "menu.main"
    drafts = other.click("📝 Hồ sơ nháp", exact=True)[-1]
    assert drafts.key == "drafts.list"
    assert [b for b in drafts.buttons if b.startswith("Đăng ký tạm trú")], drafts
    chosen = other.click("Đăng ký tạm trú")[-1]
    assert chosen.key == "drafts.chosen"
    assert "Công an Phường Thục Phán" in chosen.text
    resumed = other.click("▶️ Làm tiếp", exact=True)
    assert keys(resumed) == ["form.resumed", "form.question"]
    again = other.question()
    assert (again.number, again.total, again.label) == (
        stopped.number,
        stopped.total,
        stopped.label,
    )
    assert chat.errors == [] and other.errors == []


# ---------------------------------------------------------------------- the demo phone panel


def test_phone_panel_on_a_phone_screen(login_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, login_server.url)
    toggle = chat.page.locator(PHONE_TOGGLE)
    panel = chat.page.locator(PHONE_PANEL)
    toggle.wait_for(state="visible")  # the server keeps a development inbox
    assert not panel.is_visible()  # closed on a narrow screen until asked for
    assert chat.phone_badge() == ""

    start_login(chat)
    give_id_and_phone(chat, NAM_ID, NAM_PHONE)
    chat.page.wait_for_function(
        "() => document.getElementById('phone-badge').textContent === '1'"
    )  # a new message, not seen yet
    assert not panel.is_visible()

    code = chat.read_code(1)
    assert chat.phone_badge() == ""  # seen
    assert panel.get_by_text("Điện thoại (demo)").is_visible()
    assert panel.get_by_text("Chỉ dùng khi phát triển — development only").is_visible()
    sms = chat.sms()[0]
    assert sms.text.startswith(f"DVC Cao Bang: ma xac thuc cua ban la {code}")
    assert panel.locator(".sms time").first.inner_text().count(":") == 2  # hh:mm:ss
    assert panel.locator(".sms").first.get_attribute("data-text") == sms.text

    # Open, the panel leaves the input and the newest message in view.
    box = chat.page.locator("#input").bounding_box()
    shelf = panel.bounding_box()
    assert box is not None and shelf is not None
    assert shelf["y"] + shelf["height"] <= box["y"], (shelf, box)
    assert shelf["height"] <= 844 * 0.45
    chat.page.wait_for_function(
        "() => { const l = document.getElementById('log');"
        " return l.scrollHeight - l.scrollTop - l.clientHeight < 2; }"
    )
    chat.screenshot(SCREENSHOT)
    assert Path(SCREENSHOT).stat().st_size > 0

    # A wrong code sends nothing new; the right one logs in.
    assert keys(chat.send(another_code(code))) == ["login.code_wrong", "login.ask_code"]
    assert len(chat.sms()) == 1  # a wrong code sends nothing
    assert keys(chat.send(code))[0] == "login.success"
    chat.close_phone()
    assert not panel.is_visible()
    assert chat.errors == []


def test_phone_panel_polls_while_a_login_waits(
    login_server: LiveServer, context: BrowserContext
) -> None:
    """An SMS that arrives without a reply shows up; no polling in the background or after."""
    chat = ChatPage.open(context, login_server.url)
    inbox: list[dict[str, str]] = []

    def fake_inbox(route: Route) -> None:
        route.fulfill(json={"messages": inbox, "development_only": True})

    chat.page.route(PHONE_API, fake_inbox)
    calls = phone_requests(chat)
    start_login(chat)  # the bot waits for the ID number: a login is in progress
    chat.open_phone()
    assert chat.sms() == []
    assert chat.page.locator("#phone-empty").is_visible()

    inbox.append(
        {
            "to": "0366***456",
            "text": "DVC Cao Bang: ma xac thuc cua ban la 246810, hieu luc 5 phut.",
            "at": "2030-01-01T08:00:00+00:00",
        }
    )
    assert chat.wait_for_sms(1)[0].code == "246810"  # by polling: the bot said nothing new

    set_visible(chat, False)
    hidden_at = len(calls)
    chat.page.wait_for_timeout((POLL_SECONDS + 0.7) * 1000)
    assert len(calls) == hidden_at  # no polling while the tab is hidden
    set_visible(chat, True)
    wait_until(chat, lambda: len(calls) == hidden_at + 1)  # back in view: a look at once

    cancelled = chat.click("✖️ Hủy", exact=True)
    assert keys(cancelled)[0] == "login.cancelled"
    wait_until(chat, lambda: len(calls) == hidden_at + 2)  # a look after the reply
    after_reply = len(calls)
    chat.page.wait_for_timeout((POLL_SECONDS + 0.7) * 1000)
    assert len(calls) == after_reply  # the login is over: no polling
    assert chat.errors == []


def test_no_phone_panel_without_the_development_sms(
    login_server: LiveServer, context: BrowserContext
) -> None:
    """SMS_BACKEND=http: /chat/api/phone answers 404 and the page hides the phone for good."""
    page = context.new_page()
    page.route(PHONE_API, lambda route: route.fulfill(status=404))
    chat = ChatPage(page, login_server.url)
    calls = phone_requests(chat)
    chat.goto()
    start_login(chat)
    assert keys(chat.send(MAI_ID)) == ["login.ask_phone"]
    assert len(calls) == 1  # asked once, then never again
    assert not page.locator(PHONE_TOGGLE).is_visible()
    assert not page.locator(PHONE_PANEL).is_visible()
    assert chat.errors == []


def test_a_login_stays_across_a_reload_and_in_a_second_tab(
    login_server: LiveServer, context: BrowserContext
) -> None:
    """The session is the browser's: a reload and a second tab restore the whole chat and are
    still logged in; the login code itself is not kept in the history."""
    chat = ChatPage.open(context, login_server.url)
    start_login(chat)
    give_id_and_phone(chat, MAI_ID, MAI_PHONE)
    code = chat.read_code(1)
    assert keys(chat.send(code))[0] == "login.success"
    shown = [(m.key, m.text) for m in chat.messages()]

    restored = chat.reload()
    assert [(m.key, m.text) for m in restored] == shown
    typed = chat.user_texts()
    assert typed[-3:] == [MAI_ID, MAI_PHONE, "••••••"] and code not in typed
    assert keys(chat.send("/profile"))[-1] == "profile.card"  # still logged in

    second = ChatPage.open(context, login_server.url)
    assert second.session() == chat.session()
    assert second.user_texts() == chat.user_texts()
    assert keys(second.send("/profile"))[-1] == "profile.card"
    assert chat.session() not in login_server.log_path.read_text(encoding="utf-8")  # no token
    assert chat.errors == [] and second.errors == []
