"""The web chat as a chat widget people know, in headless Chromium against `dvc-bot run`.

Timestamps; spent buttons greyed out and inert; a double tap answered once (counted in the
server's database); previews of the citizen's own files, several at once, dropped or pasted;
the keyboard fitted to ID, phone and code questions; icons drawn, not emoji; the page's menu
with "Tra cứu hồ sơ"; and axe-core finding no serious or critical issue on the start page and
a form question, on a phone and a desktop screen (screenshots written for review).
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Request

from tests.e2e.accessibility import review
from tests.e2e.browser import BotMessage, ChatPage
from tests.e2e.test_web_chat import open_birth_registration

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")
MESSAGE_API = "/chat/api/message"
# The stamps of every bubble, and the visible text of every button (icons have no text).
_STAMPS_JS = """() => Array.from(document.querySelectorAll('#log .msg'),
    (m) => m.querySelector('time.stamp')?.textContent ?? '')"""
_BUTTON_TEXTS_JS = "() => Array.from(document.querySelectorAll('button'), (b) => b.innerText)"


def keys(messages: list[BotMessage]) -> list[str]:
    """The message ids of some bot bubbles."""
    return [m.key for m in messages]


def answers_stored(server: LiveServer) -> int:
    """How many updates the server has applied (one row per answered update)."""
    with sqlite3.connect(server.root / "db.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM processed_update").fetchone()[0])


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def vietnam_now() -> set[str]:
    """HH:MM in Vietnam now and a minute either side (the test may cross a minute)."""
    now = datetime.now(VIETNAM)
    return {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}


# ---------------------------------------------------------------------- axe and screenshots


def test_start_page_and_form_question_pass_axe(
    live_server: LiveServer, context: BrowserContext, axe: str
) -> None:
    chat = ChatPage.open(context, live_server.url)
    assert chat.last_key() == "menu.main"
    assert chat.page.locator("main").count() == 1
    review(chat.page, axe, "start")

    open_birth_registration(chat)
    assert chat.question().number == 1
    review(chat.page, axe, "question")
    chat.page.locator("#menu-toggle").click()
    review(chat.page, axe, "menu")
    assert chat.errors == []


# ---------------------------------------------------------------------- timestamps


def test_every_bubble_has_its_time_in_vietnam(live_server: LiveServer, browser: Browser) -> None:
    # The browser is in London: the times shown are still Vietnam's.
    london = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    london.set_default_timeout(15_000)
    chat = ChatPage.open(london, live_server.url)
    chat.send("khai sinh")
    stamps = chat.page.evaluate(_STAMPS_JS)
    assert len(stamps) >= 4, stamps  # the welcome, the menu, the query, the results
    assert set(stamps) <= vietnam_now(), stamps
    stamp = chat.page.locator(".msg.user time.stamp").last
    iso = stamp.get_attribute("datetime")
    assert iso is not None
    shown = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(VIETNAM)
    assert stamp.inner_text() == shown.strftime("%H:%M")

    # A message that says when it was sent (a history item, a pushed message) shows that time.
    chat.page.route(
        "**/chat/api/events?*",
        lambda route: route.fulfill(
            json={
                "events": [
                    {
                        "id": 10**9,
                        "message": {
                            "key": "push.status",
                            "kind": "text",
                            "html": "Hồ sơ đã được tiếp nhận.",
                            "buttons": [[{"label": "📂 Hồ sơ đã nộp", "payload": "m:dossiers"}]],
                            "at": "2026-01-02T03:04:05+00:00",
                        },
                    }
                ]
            }
        ),
    )
    chat.page.locator('.msg.bot[data-key="push.status"] time.stamp').wait_for(timeout=15_000)
    pushed = chat.page.locator('.msg.bot[data-key="push.status"] time.stamp')
    assert pushed.inner_text() == "10:04"  # 03:04 UTC is 10:04 in Hà Nội
    # A push comes between the citizen's steps: the results on screen can still be pressed.
    results = chat.page.locator('.msg.bot[data-key="search.results_page"] button')
    assert results.count() > 1
    assert chat.page.locator('.msg.bot[data-key="search.results_page"] .spent').count() == 0
    assert chat.errors == []
    london.close()


# ---------------------------------------------------------------------- spent buttons, taps


def test_a_double_tap_is_answered_once(live_server: LiveServer, context: BrowserContext) -> None:
    chat = ChatPage.open(context, live_server.url)
    chat.send("dang ky khai sinh")
    posts: list[Request] = []
    chat.page.on("request", lambda r: posts.append(r) if MESSAGE_API in r.url else None)
    stored = answers_stored(live_server)
    bubbles = chat.bot_count()

    chat.button("Đăng ký khai sinh").dblclick()
    chat.wait_idle()
    chat.page.wait_for_timeout(500)  # a second request would have gone by now
    assert answers_stored(live_server) == stored + 1  # the server answered one tap
    assert len(posts) == 1
    assert chat.user_texts()[-1] == "Đăng ký khai sinh (1.001193)"
    assert keys(chat.messages(bubbles)) == ["proc.card"]

    # A tap while a request is in flight does nothing either.
    held: list[object] = []
    chat.page.route("**/chat/api/message", lambda route: held.append(route))
    chat.page.locator("#input").fill("tam tru")
    chat.page.locator("#input").press("Enter")
    chat.wait_until(lambda: len(held) == 1)
    assert chat.page.evaluate("document.body.dataset.state") == "busy"
    chat.page.locator('.msg.bot[data-key="proc.card"] button').first.click()
    chat.page.locator("#menu-toggle").click()
    chat.page.locator('[data-menu="home"]').click()
    chat.page.wait_for_timeout(300)
    assert len(held) == 1 and len(posts) == 2
    held[0].continue_()  # type: ignore[attr-defined]
    chat.wait_idle()
    assert chat.last_key() == "search.results_page"
    assert answers_stored(live_server) == stored + 2
    assert chat.user_texts()[-2:] == ["Đăng ký khai sinh (1.001193)", "tam tru"]
    assert chat.errors == []


def test_used_and_outdated_buttons_are_inert(
    live_server: LiveServer, context: BrowserContext
) -> None:
    chat = ChatPage.open(context, live_server.url)
    menu = chat.page.locator('.msg.bot[data-key="menu.main"] button')
    assert menu.count() > 3 and chat.page.locator("button.spent").count() == 0
    chat.send("dang ky khai sinh")
    # The menu is no longer the message to answer: greyed out, inert, still readable.
    assert all(b.get_attribute("aria-disabled") == "true" for b in menu.all())
    results = chat.page.locator('.msg.bot[data-key="search.results_page"]').last
    assert results.locator("button[aria-disabled]").count() == 0

    chat.click("Đăng ký khai sinh")
    pressed = results.locator("button.chosen")
    assert pressed.count() == 1 and (pressed.get_attribute("data-label") or "").startswith(
        "Đăng ký khai sinh"
    )
    assert results.locator("button:not([aria-disabled='true'])").count() == 0

    stored = answers_stored(live_server)
    bubbles = chat.bot_count()
    menu.first.click(force=True)  # a spent button: nothing happens
    results.locator("button").last.click(force=True)
    chat.page.wait_for_timeout(500)
    assert chat.bot_count() == bubbles and answers_stored(live_server) == stored
    assert chat.page.evaluate("document.body.dataset.state") == "idle"
    assert chat.errors == []


# ---------------------------------------------------------------------- the citizen's files


def test_files_previewed_several_at_once_dropped_and_pasted(
    live_server: LiveServer, context: BrowserContext, axe: str
) -> None:
    chat = ChatPage.open(context, live_server.url)
    before = chat.bot_count()
    chat.page.locator("#file").set_input_files(
        [
            {"name": "anh-the.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
        ]
    )
    chat.page.wait_for_function(
        "() => document.body.dataset.state === 'idle' && "
        "document.querySelectorAll('.msg.user.upload[data-state=refused]').length === 2"
    )
    # One answer to each (no document is asked for yet: the bot says so, then the menu).
    assert keys(chat.messages(before)) == ["common.unexpected_upload", "menu.main"] * 2
    uploads = chat.page.locator(".msg.user.upload")
    assert uploads.count() == 2
    thumb = uploads.nth(0).locator("img.thumb")
    assert thumb.get_attribute("alt") == "anh-the.png"
    chat.page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 60", arg=thumb.element_handle()
    )
    card = uploads.nth(1)
    assert card.locator("img").count() == 0 and card.locator("svg.icon-file").count() == 1
    assert card.locator(".text").inner_text() == "to-khai.pdf"
    assert card.locator(".kind").inner_text() == "Tệp PDF · 15 B"
    uploads.nth(0).evaluate("(el) => el.scrollIntoView({ block: 'start' })")  # for the picture
    review(chat.page, axe, "uploads")

    # Dropped on the page, then pasted into the text box: each is sent like an attached file.
    for event, target in (("drop", ".app"), ("paste", "#input")):
        before = chat.bot_count()
        chat.page.evaluate(
            """([event, target]) => {
                const data = new DataTransfer();
                data.items.add(new File(['%PDF-1.4\\n%%EOF\\n'], `${event}.pdf`,
                    { type: 'application/pdf' }));
                const el = document.querySelector(target);
                const init = { bubbles: true, cancelable: true };
                if (event === 'drop') {
                    el.dispatchEvent(new DragEvent('dragenter', { ...init, dataTransfer: data }));
                    el.dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: data }));
                } else {
                    el.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: data }));
                }
            }""",
            [event, target],
        )
        chat.page.wait_for_function(
            "(n) => document.body.dataset.state === 'idle' && "
            "document.querySelectorAll('.msg.bot').length > n",
            arg=before,
        )
        assert chat.user_texts()[-1] == f"{event}.pdf"
        assert keys(chat.messages(before)) == ["common.unexpected_upload", "menu.main"]
    assert chat.page.locator(".app.dropping").count() == 0
    assert chat.page.locator("#input").input_value() == ""  # a pasted file is not text
    assert chat.errors == []


# ---------------------------------------------------------------------- keyboard and focus


def test_the_keyboard_fits_the_question_and_focus_returns(
    live_server: LiveServer, context: BrowserContext
) -> None:
    chat = ChatPage.open(context, live_server.url)
    box = chat.page.locator("#input")
    assert box.get_attribute("inputmode") is None

    assert keys(chat.send("/login")) == ["consent.notice"]
    chat.click("Tôi đồng ý")
    assert chat.last_key() == "login.ask_id"
    assert (box.get_attribute("inputmode"), box.get_attribute("autocomplete")) == ("numeric", "off")
    focused = "() => document.activeElement && document.activeElement.id"
    assert chat.page.evaluate(focused) == "input"  # back in the box after the tap

    assert keys(chat.send("004195118046")) == ["login.ask_phone"]
    assert (box.get_attribute("inputmode"), box.get_attribute("autocomplete")) == ("tel", "tel")
    assert keys(chat.send("0912345678"))[-1] == "login.ask_code"
    assert box.get_attribute("inputmode") == "numeric"
    assert box.get_attribute("autocomplete") == "one-time-code"

    chat.send("/cancel")
    assert box.get_attribute("inputmode") is None
    assert chat.page.evaluate(focused) == "input"
    assert chat.errors == []


# ---------------------------------------------------------------------- icons and the menu


def test_icons_not_emoji_and_track_a_dossier_from_the_menu(
    live_server: LiveServer, context: BrowserContext
) -> None:
    chat = ChatPage.open(context, live_server.url)
    menu = chat.last("menu.main")
    assert "🔎 Tìm thủ tục" in menu.buttons  # the bot's label, as the catalogue has it
    shown = chat.page.locator('.msg.bot[data-key="menu.main"] button').first
    assert shown.inner_text() == "Tìm thủ tục" and shown.locator("svg.icon").count() == 1
    texts = chat.page.evaluate(_BUTTON_TEXTS_JS)
    assert texts and not [t for t in texts if EMOJI.search(t)], texts

    toggle = chat.page.locator("#menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    entries = chat.page.locator("#page-menu .menu-item")
    assert "Tra cứu hồ sơ" in entries.all_inner_texts()
    chat.page.locator('[data-menu="track"]').click()
    code = chat.page.locator("#track-code")
    assert chat.page.evaluate("() => document.activeElement.id") == "track-code"
    before = chat.bot_count()
    code.fill("000.01.50.H04-251125-9999")
    code.press("Enter")
    reply = chat.replies_after(before)
    assert keys(reply) == ["status.not_found", "menu.main"]
    assert chat.user_texts()[-1] == "Tra cứu hồ sơ 000.01.50.H04-251125-9999"
    assert chat.page.locator("#page-menu").is_hidden()

    toggle.click()
    before = chat.bot_count()
    chat.page.locator('[data-menu="dossiers"]').click()
    listed = chat.replies_after(before)
    assert keys(listed) == ["identity.dossiers_login", "menu.main"]  # a guest has none to see
    assert chat.user_texts()[-1] == "Hồ sơ đã nộp"

    # In English, the menu speaks English too.
    chat.send("/lang")
    chat.click("English")
    assert toggle.get_attribute("aria-label") == "Menu"
    toggle.click()
    assert "Track a dossier" in entries.all_inner_texts()
    assert chat.page.locator("#track-label").inner_text() == "Dossier code (printed on the receipt)"
    assert chat.errors == []
