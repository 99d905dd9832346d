"""Drive the web chat page as a citizen would: type, press buttons, read the bot's bubbles.

Every action waits for the page's own signal (`<body data-state="idle">` and a new bot
bubble) rather than sleeping.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator, Page

BOT = ".msg.bot"
USER = ".msg.user"
PHONE_PANEL = "#phone-panel"
PHONE_TOGGLE = "#phone-toggle"
SMS = f"{PHONE_PANEL} .sms"
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_QUESTION = re.compile(r"^\D*?(\d+)/(\d+)\.\s*(.+?)(?:\s*\*)?$")
_MESSAGES_JS = """(from) => Array.from(document.querySelectorAll('.msg.bot')).slice(from).map(
    (el) => ({
        key: el.dataset.key,
        text: el.querySelector('.text').innerText,
        buttons: Array.from(el.querySelectorAll('.buttons button'),
            (b) => b.dataset.label ?? b.textContent),
        media: el.querySelector('img.media')?.getAttribute('src')
            ?? el.querySelector('a.doc-link')?.getAttribute('href') ?? '',
        event_id: el.dataset.eventId ?? '',
    }))"""
_REPLIED_JS = """(count) => document.body.dataset.state === 'idle'
    && document.querySelectorAll('.msg.bot').length > count"""
_SMS_JS = """() => Array.from(document.querySelectorAll('#phone-panel .sms'), (el) => ({
    text: el.dataset.text,
    at: el.dataset.at,
    shown_code: el.querySelector('.sms-code-digits')?.innerText ?? '',
}))"""
_SMS_COUNT_JS = "(n) => document.querySelectorAll('#phone-panel .sms').length >= n"
# Records every state an upload bubble goes through ("sending", "sent", "refused"…) with the
# line under the file name, so that a test sees the short-lived "uploading" state too.
_WATCH_UPLOADS_JS = """() => {
    if (window.__uploads) return;
    window.__uploads = [];
    const note = (el) => window.__uploads.push({
        name: el.querySelector('.text').innerText,
        state: el.dataset.state,
        meta: el.querySelector('.meta')?.innerText ?? '',
        warning: el.querySelector('.warning')?.innerText ?? '',
    });
    new MutationObserver((records) => {
        for (const r of records) {
            const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            const bubble = el && el.closest('.msg.user.upload');
            if (bubble) note(bubble);
        }
    }).observe(document.getElementById('log'),
        { subtree: true, childList: true, characterData: true, attributes: true,
          attributeFilter: ['data-state'] });
}"""
_IMAGE_LOADED_JS = "(img) => img.complete && img.naturalWidth > 0"


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One bot bubble as shown: its message id, visible text and button labels (as the bot
    wrote them: the page draws a label's leading emoji as an icon)."""

    key: str
    text: str
    buttons: tuple[str, ...]
    media: str = ""  # the URL of its image or document, as the page has it
    event_id: str = ""  # set when the message was pushed (not a reply)


@dataclass(frozen=True, slots=True)
class Sms:
    """One SMS in the demo phone panel: its text, when it was sent, and the code shown big."""

    text: str
    at: str
    shown_code: str

    @property
    def code(self) -> str:
        """The 6-digit code the text carries."""
        match = _CODE.search(self.text)
        if match is None:
            raise AssertionError(f"no 6-digit code in the SMS {self.text!r}")
        return match.group(1)


@dataclass(frozen=True, slots=True)
class UploadState:
    """One state an upload bubble showed: the file name, its state and the line under it."""

    name: str
    state: str
    meta: str
    warning: str


@dataclass(frozen=True, slots=True)
class Question:
    """A form question on screen: "Câu 5/21. <label> *"."""

    key: str
    number: int
    total: int
    label: str
    text: str
    buttons: tuple[str, ...]


class ChatPage:
    """One browser tab with the web chat open."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []  # uncaught script errors on the page
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @classmethod
    def open(cls, context: BrowserContext, base_url: str) -> ChatPage:
        """A new tab on /chat, once it shows the restored chat or the answer to its /start."""
        chat = cls(context.new_page(), base_url)
        chat.goto()
        return chat

    # ------------------------------------------------------------------ navigation

    def goto(self) -> list[BotMessage]:
        """Load /chat and wait for the bot's first reply."""
        self.page.goto(f"{self.base_url}/chat")
        return self._await_replies(0)

    def reload(self) -> list[BotMessage]:
        """Reload the tab (same session cookie, so the same chat) and return what it shows
        once the conversation is restored from the server."""
        self.page.reload()
        return self._await_replies(0)

    def wait_idle(self) -> None:
        """Wait until no request is queued or in flight."""
        # A function, not an expression: polling an expression evals it again, which the
        # page's Content-Security-Policy (no 'unsafe-eval') refuses.
        self.page.wait_for_function("() => document.body.dataset.state === 'idle'")

    def replies_after(self, before: int) -> list[BotMessage]:
        """Wait for the answer to an action taken some other way (the page's menu, a drop)
        while the page showed `before` bot bubbles, and return the new bubbles."""
        return self._await_replies(before)

    def _await_replies(self, before: int) -> list[BotMessage]:
        self.page.wait_for_function(_REPLIED_JS, arg=before)
        return self.messages(before)

    # ------------------------------------------------------------------ acting

    def send(self, text: str) -> list[BotMessage]:
        """Type `text`, press Enter, and return the bot's new messages."""
        self.wait_idle()
        before = self.bot_count()
        box = self.page.locator("#input")
        box.fill(text)
        box.press("Enter")
        return self._await_replies(before)

    def click(self, label: str, exact: bool = False) -> list[BotMessage]:
        """Press a button of the newest bot message that has one matching `label`.

        Without `exact`, a label equal to `label` is preferred, then one starting with it,
        then one containing it; among equals, the shortest.
        """
        self.wait_idle()
        before = self.bot_count()
        self.button(label, exact).click()
        return self._await_replies(before)

    def button(self, label: str, exact: bool = False) -> Locator:
        """The locator of the button `click` would press."""
        found = self.page.evaluate(
            """([label, exact]) => {
                const messages = Array.from(document.querySelectorAll('.msg.bot'));
                for (let m = messages.length - 1; m >= 0; m--) {
                    const buttons = Array.from(messages[m].querySelectorAll('.buttons button'));
                    let best = null;
                    buttons.forEach((button, b) => {
                        const text = (button.dataset.label ?? button.textContent).trim();
                        const rank = text === label ? 0 : exact ? -1
                            : text.startsWith(label) ? 1 : text.includes(label) ? 2 : -1;
                        if (rank < 0) return;
                        const score = [rank, text.length];
                        if (!best || score[0] < best.score[0]
                            || (score[0] === best.score[0] && score[1] < best.score[1])) {
                            best = { m, b, score };
                        }
                    });
                    if (best) return [best.m, best.b];
                }
                return null;
            }""",
            [label, exact],
        )
        if found is None:
            shown = [m.buttons for m in self.messages(max(0, self.bot_count() - 3))]
            raise AssertionError(f"no button {label!r} in the chat; last buttons: {shown}")
        message, index = found
        return self.page.locator(BOT).nth(message).locator(".buttons button").nth(index)

    def upload(self, name: str, content: bytes, mime: str) -> list[BotMessage]:
        """Attach a file through the attach button and return the bot's new messages."""
        self.wait_idle()
        before = self.bot_count()
        with self.page.expect_file_chooser() as chooser:
            self.page.locator("#attach").click()
        chooser.value.set_files({"name": name, "mimeType": mime, "buffer": content})
        return self._await_replies(before)

    def attach(self, path: Path) -> list[BotMessage]:
        """Send the file at `path` through the page's file input (a real browser upload, read
        from disk), recording the states its bubble goes through, and return the bot's reply."""
        self.wait_idle()
        self.page.evaluate(_WATCH_UPLOADS_JS)
        before = self.bot_count()
        self.page.locator("#file").set_input_files(path)
        return self._await_replies(before)

    def upload_states(self) -> list[UploadState]:
        """What the upload bubbles showed, in order, since the first `attach`."""
        rows = self.page.evaluate("() => window.__uploads ?? []")
        return [UploadState(r["name"], r["state"], r["meta"], r["warning"]) for r in rows]

    # ------------------------------------------------------------------ reading

    def bot_count(self) -> int:
        """How many bot bubbles the page shows."""
        return self.page.locator(BOT).count()

    def messages(self, since: int = 0) -> list[BotMessage]:
        """The bot's bubbles from index `since` on."""
        rows = self.page.evaluate(_MESSAGES_JS, since)
        return [
            BotMessage(r["key"], r["text"], tuple(r["buttons"]), r["media"], r["event_id"])
            for r in rows
        ]

    def wait_for_event(self, key: str, timeout: float = 15_000) -> BotMessage:
        """Wait for a pushed message (not a reply) with message id `key` and return it."""
        selector = f'{BOT}[data-key="{key}"][data-event-id]'
        self.page.locator(selector).last.wait_for(state="attached", timeout=timeout)
        return [m for m in self.messages() if m.key == key and m.event_id][-1]

    def image(self, key: str) -> Locator:
        """The image of the newest bot message `key`, once the browser has loaded it."""
        img = self.page.locator(f'{BOT}[data-key="{key}"] img.media').last
        img.wait_for(state="visible")
        self.page.wait_for_function(_IMAGE_LOADED_JS, arg=img.element_handle())
        return img

    def fetch(self, url: str) -> bytes:
        """GET a URL the page shows (relative to the page), with the page's cookies."""
        response = self.page.request.get(f"{self.base_url}{url}" if url.startswith("/") else url)
        assert response.ok, (url, response.status)
        return response.body()

    def last(self, key: str | None = None) -> BotMessage:
        """The newest bot message (with message id `key`, if given)."""
        shown = [m for m in self.messages() if key is None or m.key == key]
        if not shown:
            raise AssertionError(f"no bot message {key!r} on the page")
        return shown[-1]

    def last_key(self) -> str:
        """The message id of the newest bot bubble."""
        return self.last().key

    def last_text(self, key: str | None = None) -> str:
        """The visible text of the newest bot bubble (with message id `key`, if given)."""
        return self.last(key).text

    def user_texts(self) -> list[str]:
        """What the citizen's bubbles show, oldest first."""
        return self.page.locator(f"{USER} .text").all_inner_texts()

    def question(self) -> Question:
        """The form question the newest bot bubble asks."""
        message = self.last()
        first_line = message.text.strip().splitlines()[0]
        match = _QUESTION.match(first_line)
        if match is None:
            raise AssertionError(f"not a question: {message.key}: {message.text!r}")
        number, total, label = match.groups()
        return Question(
            message.key, int(number), int(total), label.strip(), message.text, message.buttons
        )

    def session(self) -> str:
        """The session cookie the server issued to this tab's browser (HttpOnly: the page
        itself cannot read it)."""
        found = [c["value"] for c in self.page.context.cookies() if c["name"] == "dvc_chat"]
        assert len(found) == 1, found
        assert self.page.evaluate("document.cookie").find("dvc_chat") < 0  # HttpOnly
        return found[0]

    def seq(self) -> int:
        """The last sequence number this tab used."""
        return int(self.page.evaluate("sessionStorage.getItem('dvc.chat.seq')"))

    # ------------------------------------------------------------------ demo phone

    def open_phone(self) -> Locator:
        """Open the demo phone panel with the header button (unless it is open already)."""
        panel = self.page.locator(PHONE_PANEL)
        if not panel.is_visible():
            self.page.locator(PHONE_TOGGLE).click()
        panel.wait_for(state="visible")
        return panel

    def close_phone(self) -> None:
        """Close the demo phone panel with the header button (if it is open)."""
        panel = self.page.locator(PHONE_PANEL)
        if panel.is_visible():
            self.page.locator(PHONE_TOGGLE).click()
        panel.wait_for(state="hidden")

    def sms(self) -> list[Sms]:
        """The SMS the demo phone panel holds, newest first (whether it is open or not)."""
        rows = self.page.evaluate(_SMS_JS)
        return [Sms(r["text"], r["at"], r["shown_code"]) for r in rows]

    def wait_for_sms(self, count: int) -> list[Sms]:
        """Wait until the panel holds `count` SMS (it refreshes after replies and by polling)."""
        self.page.wait_for_function(_SMS_COUNT_JS, arg=count)
        return self.sms()

    def read_code(self, count: int) -> str:
        """Open the demo phone, wait for its `count`-th SMS, and read the newest code off the
        page, as a citizen reads their phone."""
        self.open_phone()
        newest = self.wait_for_sms(count)[0]
        assert newest.shown_code == newest.code, newest  # the code is shown big, and right
        return newest.code

    def phone_badge(self) -> str:
        """The number on the phone button's badge ("" when it shows none)."""
        badge = self.page.locator("#phone-badge")
        return badge.inner_text() if badge.is_visible() else ""

    def set_visible(self, visible: bool) -> None:
        """Pretend the tab went to the background (or came back)."""
        self.page.evaluate(
            """(state) => {
                Object.defineProperty(document, 'visibilityState', {
                    configurable: true, get: () => state });
                Object.defineProperty(document, 'hidden', {
                    configurable: true, get: () => state === 'hidden' });
                document.dispatchEvent(new Event('visibilitychange'));
            }""",
            "visible" if visible else "hidden",
        )

    def wait_until(self, condition: Callable[[], bool], seconds: float = 5) -> None:
        """Let the page run until `condition` holds (its events reach Python meanwhile)."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the condition did not hold in time")
            self.page.wait_for_timeout(50)

    def screenshot(self, path: str) -> None:
        """Save what the tab shows."""
        self.page.mouse.move(0, 0)  # no hover effect on the last button pressed
        self.page.wait_for_timeout(250)  # the hover colour fades out (a CSS transition)
        self.page.screenshot(path=path, animations="disabled")
