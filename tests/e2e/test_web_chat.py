"""The web chat in headless Chromium against the real `dvc-bot run` process.

These are the acceptance checks of the first issue: find a procedure without diacritics, fill
its e-form field by field (with mistakes that must be caught), edit from the review, confirm;
survive a crash mid-form; one chat per tab; typed HTML stays text; stale buttons; English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from tests.e2e.browser import BotMessage, ChatPage, Question

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/webchat.png"
SEND_FAILED = "Không gửi được tin nhắn. Vui lòng thử lại."

# The citizen: a father registering his son's birth at a ward of Cao Bằng.
# ID numbers are PPP G YY RRRRRR: 004 = Cao Bằng, G = 0 male / 1 female born 1900-1999.
APPLICANT_NAME = "Nguyễn Văn An"
APPLICANT_BIRTH = "15/03/1990"
APPLICANT_ID = "004090123456"  # male, born 1990
MOTHER_ID = "004192654321"  # female, born 1992
CHILD_NAME = "Nguyễn Văn Bình"
CHILD_NEW_NAME = "Nguyễn Văn Bảo"
CHILD_LABEL = "Họ, chữ đệm, tên người được khai sinh"


@dataclass(frozen=True, slots=True)
class Type:
    """Type the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class Choose:
    """Press the option button with this label."""

    label: str


@dataclass(frozen=True, slots=True)
class FirstOption:
    """Press the first option offered."""


@dataclass(frozen=True, slots=True)
class Skip:
    """Press "Bỏ qua" (optional fields only)."""


@dataclass(frozen=True, slots=True)
class Address:
    """Press the Cao Bằng button, type part of a ward's name, press the ward, type a detail."""

    ward_query: str
    ward: str
    detail: str


Answer = Type | Choose | FirstOption | Skip | Address

# Label substring -> answer, the more specific labels first; the order of the questions does
# not matter. A label found in none of them is answered by its type (see `by_type`).
BY_LABEL: tuple[tuple[str, Answer], ...] = (
    ("Họ, chữ đệm", Type(CHILD_NAME)),
    ("Họ tên mẹ", Type("Hoàng Thị Cúc")),
    ("Họ tên cha", Type(APPLICANT_NAME)),
    ("Họ và tên", Type(APPLICANT_NAME)),
    ("Ngày, tháng, năm sinh", Type("10/10/2024")),
    ("Ngày sinh", Type(APPLICANT_BIRTH)),
    ("định danh của mẹ", Type(MOTHER_ID)),
    ("định danh của cha", Type(APPLICANT_ID)),
    ("Số định danh cá nhân", Type(APPLICANT_ID)),
    ("Giới tính", Choose("Nam")),
    ("Dân tộc", Choose("Tày")),
    ("Quốc tịch", Choose("Việt Nam")),
    ("Quan hệ", Choose("Cha")),
    ("Nơi sinh", Type("Bệnh viện Đa khoa tỉnh Cao Bằng")),
    ("Quê quán", Address("Thục Phán", "Phường Thục Phán", "Tổ 5")),
    ("Địa chỉ", Address("Nùng Trí", "Phường Nùng Trí Cao", "Số 12, đường Vườn Cam")),
    ("Điện thoại", Type("0912345678")),
    ("Email", Skip()),
    ("Số bản sao", Type("2")),
)


@dataclass(frozen=True, slots=True)
class Mistake:
    """A wrong answer given once to the question whose label contains `label`."""

    label: str
    text: str
    says: tuple[str, ...]  # what the error bubble must mention


MISTAKES = (
    Mistake("Ngày sinh", "31/02/2020", ("không tồn tại", "31/02")),
    Mistake("Số định danh cá nhân", "00409012345", ("12 chữ số", "11")),
)


def by_type(question: Question) -> Answer:
    """A plausible answer read from the question's hint, for fields the table does not know."""
    text = question.text
    if question.key == "form.address_province":
        return Address("Thục Phán", "Phường Thục Phán", "Tổ 1")
    if "dd/mm/yyyy" in text:
        day = date.today() + timedelta(days=30) if "trở đi" in text else date(2000, 6, 1)
        return Type(day.strftime("%d/%m/%Y"))
    if "12 chữ số" in text:
        return Type(APPLICANT_ID)
    if "Có hoặc Không" in text:
        return Choose("Có")
    if "Chọn một mục" in text:
        return FirstOption()
    if "số điện thoại" in text:
        return Type("0912345678")
    if "email" in text:
        return Type("an.nguyen@example.com")
    if "số nguyên" in text:
        low = re.search(r"từ (\d+)", text)
        return Type(low.group(1) if low else "1")
    if "số tiền" in text:
        return Type("150000")
    return Type("Thông tin thử nghiệm")


def answer_for(question: Question) -> Answer:
    """The answer of the table, else one by field type."""
    for part, answer in BY_LABEL:
        if part in question.label:
            return answer
    return by_type(question)


def give(chat: ChatPage, question: Question, answer: Answer) -> str:
    """Answer the question on screen; returns how the review should show the answer."""
    match answer:
        case Type(text):
            chat.send(text)
            return text
        case Choose(label):
            chat.click(label, exact=True)
            return label
        case FirstOption():
            chat.click(question.buttons[0], exact=True)
            return question.buttons[0]
        case Skip():
            chat.click("Bỏ qua")
            return "—"
        case Address(ward_query, ward, detail):
            assert chat.click("Cao Bằng")[-1].key == "form.address_ward"
            assert chat.send(ward_query)[-1].key == "form.address_ward_matches"
            assert chat.click(ward, exact=True)[-1].key == "form.address_detail"
            chat.send(detail)
            return f"{detail}, {ward}"
    raise AssertionError(f"unknown answer {answer!r}")


def make_mistake(chat: ChatPage, question: Question, mistake: Mistake) -> None:
    """Give the wrong answer: a clear error, then the SAME question again."""
    replies = chat.send(mistake.text)
    assert keys(replies) == ["form.invalid", question.key], replies
    for part in mistake.says:
        assert part in replies[0].text, replies[0].text
    again = chat.question()
    assert (again.number, again.label) == (question.number, question.label)


def fill_form(
    chat: ChatPage,
    stop_after: int | None = None,
    mistakes: tuple[Mistake, ...] = (),
    screenshot_at: str = "",
) -> list[tuple[str, str]]:
    """Answer question after question until the review (or `stop_after` answers).

    Returns (label, shown answer) in the order asked.
    """
    answered: list[tuple[str, str]] = []
    waiting = list(mistakes)
    while chat.last_key() != "form.review":
        if stop_after is not None and len(answered) >= stop_after:
            return answered
        question = chat.question()
        assert question.key in ("form.question", "form.address_province"), question
        assert len(answered) < question.total, "the form goes round in circles"
        if screenshot_at and screenshot_at in question.label:
            chat.screenshot(SCREENSHOT)
            screenshot_at = ""
        for mistake in [m for m in waiting if m.label in question.label]:
            make_mistake(chat, question, mistake)
            waiting.remove(mistake)
        answered.append((question.label, give(chat, question, answer_for(question))))
        if chat.last_key() != "form.review":
            assert chat.question().number == question.number + 1, chat.last()
    assert not waiting, f"no question matched {waiting}"
    return answered


def assert_summary(text: str, answered: list[tuple[str, str]]) -> None:
    """Every answer is on its own line ("• label: value"), under its block's heading (the
    review is grouped by block, so not always in the order asked)."""
    lines = [line.strip() for line in text.splitlines()]
    for label, value in answered:
        if not any(line.startswith(f"• {label}") and f": {value}" in line for line in lines):
            raise AssertionError(f"{label}: {value} is not in the summary:\n{text}")


def apply_as_guest(chat: ChatPage) -> None:
    """On a procedure card: file online without logging in, accepting the data notice."""
    assert chat.click("Nộp hồ sơ trực tuyến")[-1].key == "login.offer"
    reply = chat.click("Điền tờ khai không đăng nhập")
    if reply[-1].key == "consent.notice":
        reply = chat.click("Tôi đồng ý")
    assert reply[-1].key == "search.ward_ask"


def open_birth_registration(chat: ChatPage) -> None:
    """Search without diacritics, open the card, apply, and pick the ward Thục Phán."""
    results = chat.send("dang ky khai sinh")
    assert results[-1].key == "search.results_page"
    card = chat.click("Đăng ký khai sinh")
    assert card[-1].key == "proc.card"
    assert card[-1].text.startswith("Đăng ký khai sinh")
    apply_as_guest(chat)
    assert chat.send("Thục Phán")[-1].key == "search.ward_matches"
    started = chat.click("Thục Phán")
    assert keys(started) == ["form.started", "form.question"]
    assert "Phường Thục Phán" in started[0].text


def keys(messages: list[BotMessage]) -> list[str]:
    """The message ids of some bot bubbles."""
    return [m.key for m in messages]


# ---------------------------------------------------------------------- the journey


def test_journey_from_search_to_confirmed_form(
    live_server: LiveServer, context: BrowserContext
) -> None:
    chat = ChatPage.open(context, live_server.url)
    assert chat.last_key() == "menu.main"
    open_birth_registration(chat)

    answered = fill_form(chat, mistakes=MISTAKES, screenshot_at="Dân tộc")
    assert_summary(chat.last_text("form.review"), answered)

    question = chat.click(f"✏️ {CHILD_LABEL}", exact=True)[-1]
    assert question.key == "form.question"
    assert CHILD_NAME in question.text  # the saved answer is shown
    review = chat.send(CHILD_NEW_NAME)
    assert keys(review) == ["form.review"]
    assert CHILD_NEW_NAME in review[0].text
    assert CHILD_NAME not in review[0].text
    answered = [(lbl, CHILD_NEW_NAME if lbl == CHILD_LABEL else v) for lbl, v in answered]
    assert_summary(review[0].text, answered)

    final = chat.click("✅ Xác nhận tờ khai", exact=True)
    assert keys(final) == ["form.final", "docs.checklist"]
    assert "Cơ quan tiếp nhận: UBND Phường Thục Phán" in final[0].text
    assert_summary(final[0].text, answered)
    assert chat.errors == []


# ---------------------------------------------------------------------- crash and resume


def test_resume_after_the_server_is_killed(own_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, own_server.url)
    open_birth_registration(chat)
    answered = fill_form(chat, stop_after=4)
    waiting = chat.question()
    session = chat.session()
    shown = chat.user_texts()

    own_server.kill()
    own_server.start()
    resumed = chat.reload()

    assert chat.session() == session
    assert resumed[-1].key == waiting.key and chat.user_texts() == shown  # the whole chat
    again = chat.question()
    assert (again.number, again.label) == (waiting.number, waiting.label)
    # The applicant's ID is checked against the birth date and sex given before the crash.
    answered += fill_form(chat)
    assert_summary(chat.last_text("form.review"), answered)
    assert chat.errors == []


# ---------------------------------------------------------------------- one chat per session


def test_a_second_tab_is_the_same_chat_with_its_whole_history(
    live_server: LiveServer, context: BrowserContext, browser: Browser
) -> None:
    first = ChatPage.open(context, live_server.url)
    results = first.send("dang ky khai sinh")[-1]
    assert results.key == "search.results_page"
    first.click("Đăng ký khai sinh", exact=False)
    shown = first.messages()

    second = ChatPage.open(context, live_server.url)  # same browser: same session cookie
    assert second.session() == first.session()
    assert [(m.key, m.text) for m in second.messages()] == [(m.key, m.text) for m in shown]
    assert second.user_texts() == first.user_texts()
    assert second.send("tam tru")[-1].key == "search.results_page"

    again = first.reload()
    assert again[-1].key == "search.results_page" and "tam tru" in again[-1].text
    assert first.user_texts()[-1] == "tam tru"

    elsewhere = browser.new_context(locale="vi-VN")  # another browser: another chat
    try:
        stranger = ChatPage.open(elsewhere, live_server.url)
        assert stranger.session() != first.session()
        assert stranger.user_texts() == [] and keys(stranger.messages())[0] == "common.welcome"
    finally:
        elsewhere.close()
    assert first.errors == [] and second.errors == []


# ---------------------------------------------------------------------- typed HTML

MARKUP = "<b>x</b><script>window.__pwned=1</script>"


def test_typed_html_is_shown_as_text(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    reply = chat.send(MARKUP)[-1]
    assert chat.user_texts()[-1] == MARKUP
    assert f"“{MARKUP}”" in reply.text  # the bot quotes the query, as text
    assert chat.page.evaluate("typeof window.__pwned") == "undefined"
    assert chat.page.locator("#log script").count() == 0
    assert chat.page.locator("#log b", has_text=re.compile("^x$")).count() == 0


def test_markup_query_finds_no_procedure(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    reply = chat.send(MARKUP)[-1]
    assert reply.key == "search.none"
    assert f"Không tìm thấy thủ tục nào phù hợp với “{MARKUP}”" in reply.text


# ---------------------------------------------------------------------- stale buttons


def test_button_of_an_older_message(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    chat.send("dang ky khai sinh")
    chat.click("Đăng ký khai sinh")
    apply_as_guest(chat)

    # The card's button, three messages back, is spent: greyed out, and a tap sends nothing
    # (the server still answers a stale payload: tests/unit/test_router.py).
    said = chat.user_texts()
    before = chat.bot_count()
    stale = chat.button("Nộp hồ sơ trực tuyến")
    assert stale.get_attribute("aria-disabled") == "true"
    stale.click(force=True)
    chat.page.wait_for_timeout(300)
    assert chat.bot_count() == before and chat.user_texts() == said
    assert chat.last_key() == "search.ward_ask"

    assert chat.send("Thục Phán")[-1].key == "search.ward_matches"
    assert keys(chat.click("Thục Phán")) == ["form.started", "form.question"]
    assert chat.user_texts()[-1] == "Phường Thục Phán"  # a pressed button's label, no emoji
    stale = chat.button("Đăng ký lại khai sinh")  # a result of the search, long gone
    assert stale.get_attribute("aria-disabled") == "true"
    stale.click(force=True)
    chat.page.wait_for_timeout(300)
    assert chat.last_key() == "form.question"
    assert chat.question().number == 1
    assert chat.errors == []


# ---------------------------------------------------------------------- language


def test_switch_to_english(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    assert keys(chat.send("/lang")) == ["lang.choose"]
    switched = chat.click("English")
    assert keys(switched) == ["lang.changed", "menu.main"]
    assert switched[0].text == "Switched to English."
    assert switched[1].text.startswith("What would you like to do?")
    assert chat.page.evaluate("document.documentElement.lang") == "en"
    assert chat.page.locator("#input").get_attribute("placeholder") == "Type a message…"

    results = chat.send("khai sinh")[-1]
    assert results.key == "search.results_page"
    assert results.text.startswith("Found")
    assert "Birth registration (1.001193)" in results.buttons
    assert "🏠 Main menu" in results.buttons
    # A button's label typed (lower case, a typo) presses it: not a search for those words.
    assert chat.send("search agian")[-1].key == "search.ask"


# ---------------------------------------------------------------------- failures and retry


def test_retry_resends_with_the_same_seq(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    sent: list[dict[str, object]] = []
    apology = {
        "key": "common.error",
        "kind": "text",
        "html": "Xin lỗi, hệ thống đang gặp sự cố.",
        "buttons": [],
        "media": None,
        "request_contact": False,
    }

    def flaky(route: Route) -> None:
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.abort("connectionrefused")
        elif len(sent) == 2:
            route.fulfill(status=503, json={"messages": [apology], "lang": "vi"})
        else:
            route.continue_()

    chat.page.route("**/chat/api/message", flaky)
    failed = chat.send("khai sinh")
    assert keys(failed) == ["client.send_failed"]
    assert failed[0].text == SEND_FAILED
    assert failed[0].buttons == ("🔄 Thử lại",)

    apologised = chat.click("Thử lại")
    assert keys(apologised) == ["common.error"]  # the server's own apology, shown as sent
    assert apologised[0].buttons == ("🔄 Thử lại",)

    done = chat.click("Thử lại")
    assert done[-1].key == "search.results_page"
    assert [body["seq"] for body in sent] == [sent[0]["seq"]] * 3
    assert chat.page.locator("button.retry").count() == 0
    assert chat.user_texts() == ["khai sinh"]
    assert chat.errors == []


# ---------------------------------------------------------------------- composer


def test_composer_keys_and_upload(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    box = chat.page.locator("#input")
    assert box.get_attribute("maxlength") == "4000"
    before = chat.bot_count()
    box.fill("khai")
    box.press("Shift+Enter")
    box.type("sinh")
    assert box.input_value() == "khai\nsinh"
    assert chat.bot_count() == before  # Shift+Enter sent nothing
    box.press("Enter")
    chat.wait_idle()
    assert chat.user_texts()[-1] == "khai\nsinh"
    assert chat.last_key() == "search.results_page"

    replies = chat.upload("giay-chung-sinh.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert chat.user_texts()[-1] == "giay-chung-sinh.pdf"
    assert replies[0].key == "common.unexpected_upload"  # no document is asked for yet
    assert chat.errors == []
