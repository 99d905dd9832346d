"""One simulated citizen's whole journey on Telegram, one update per step:

    /start → /login → consent → ID number → shared contact → the code from the SMS
    → search "tam tru" → the procedure card → apply → ward search → ward → confirm the
    prefilled identity → every question of the temporary-residence form (1.004194) → confirm
    the form → upload a PDF → documents done → submit → commit: dossier code + VietQR
    → (the bank reports the transfer; the receipt is pushed through the outbox) → /mydossiers

A step's latency runs from the fake Bot API's POST of the update until the last reply of
that step reaches the fake (replies come through the outbox, after the POST was answered).
Any non-2xx answer, a step with no reply or with a reply the script did not expect is an
error, and ends that citizen's journey.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.load_outside import Bank, Outside, id_number, phone
from bench.load_replies import Arrival, Inbox, Recognise
from tests.e2e.fakes import FakeTelegram

FIRST_CHAT = 700_000_000
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40
KEYBOARD = "<reply keyboard>"  # the "share my phone number" message
REPLY_WAIT = (
    10.0  # seconds a citizen waits for the replies to a step (they come through the outbox)
)
FORM = (
    "form.question", "form.address_province", "form.address_ward_matches",
    "form.address_detail", "form.review", "form.address_ward",
)  # fmt: skip
# The temporary-residence form, question by question: (words of the label, the move).
# A move is "skip", "keep", "first" (the first option), "press:<label>" or "text:<answer>".
ANSWERS = (
    ("Dân tộc", "press:Tày"),
    ("Email", "skip"),
    ("Địa chỉ tạm trú", "press:Cao Bằng"),
    ("Tạm trú đến ngày", "text:31/12/2027"),
    ("Đăng ký cá nhân", "first"),
    ("người chưa thành niên", "skip"),
    ("Chủ hộ/chủ sở hữu chỗ ở đã đồng ý", "press:Có"),
    ("Hình thức nhận kết quả", "press:bưu chính"),
    ("Ngân hàng nhận hoàn tiền", "skip"),
    ("Số tài khoản", "skip"),
    ("Chủ tài khoản", "skip"),
)


class Failed(Exception):
    """A step went wrong: `kind` is http (counted where it happened, attempt by attempt),
    missing or wrong."""

    def __init__(self, kind: str, step: str, detail: str = "") -> None:
        super().__init__(f"{kind} at {step}: {detail}")
        self.kind, self.step = kind, step


class Stopped(Exception):
    """The measurement is over: the journey is left where it is (not an error)."""


@dataclass
class Tally:
    """What every journey of one measurement did (shared by all citizens)."""

    window: tuple[float, float] = (0.0, float("inf"))  # steps ending inside it are measured
    latencies: list[float] = field(default_factory=list)  # seconds, measured steps only
    by_step: dict[str, list[float]] = field(default_factory=dict)
    steps_total: int = 0
    delivered: int = 0  # updates the bot answered 2xx (at last)
    errors: dict[str, int] = field(default_factory=dict)  # kind → count
    error_examples: list[str] = field(default_factory=list)
    journeys_done: int = 0
    journeys_in_window: int = 0
    journey_steps: int = 0  # updates in one whole journey
    receipt_delays: list[float] = field(default_factory=list)
    sms_delays: list[float] = field(default_factory=list)
    dossier_codes: list[str] = field(default_factory=list)  # one per commit step answered

    def error(self, kind: str, detail: str) -> None:
        """Count an error (and keep a few examples)."""
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_examples) < 8:
            self.error_examples.append(detail)


@dataclass
class World:
    """What every citizen shares: the fake Bot API, the outside world and the tally."""

    tg: FakeTelegram
    inbox: Inbox
    recognise: Recognise
    outside: Outside
    bank: Bank
    tally: Tally
    wait: float = 30.0  # how long a citizen waits for an SMS or a pushed receipt
    trace: Callable[[str], None] | None = None
    stopping: bool = False


class Journey:
    """Citizen number n, on a Telegram chat of their own."""

    def __init__(self, world: World, n: int) -> None:
        self.world, self.n = world, n
        self.chat = FIRST_CHAT + n
        self.last: list[Arrival] = []
        self.steps = 0

    async def run(self) -> None:
        """The whole journey; Failed ends it early."""
        await self._login()
        await self._open_form()
        await self._fill_form()
        await self._documents_and_submit()
        self.world.inbox.forget(self.chat)

    # -- the parts of the journey -----------------------------------------------------------

    async def _login(self) -> None:
        tg = self.world.tg
        await self.text("start", "/start", "common.welcome", "menu.main")
        await self.text("login", "/login", "consent.notice")
        await self.press("consent", "d:accept", "consent.thanks", "login.ask_id")
        await self.text("id number", id_number(self.n), "login.ask_phone", KEYBOARD)
        asked = time.perf_counter()
        await self.step(
            "contact",
            lambda: tg.user_contact(self.chat, phone(self.n), deliver=False),
            ("login.code_sent", "login.ask_code"),
        )
        try:
            code = await self.world.outside.code_for(phone(self.n), self.world.wait)
        except TimeoutError:
            raise Failed("missing", "sms", "no code reached the SMS gateway") from None
        self.world.tally.sms_delays.append(time.perf_counter() - asked)
        await self.text("code", code, "login.success", "menu.main")

    async def _open_form(self) -> None:
        await self.text("search", "tam tru", "search.results_page")
        await self.press("card", "p:r:dang_ky_tam_tru", "proc.card")
        await self.press("apply", "d:apply", "search.ward_ask")
        await self.text("ward search", "Thục Phán", "search.ward_matches")
        await self.press("ward", "p:w:01273", "form.started", "form.prefilled")
        await self.press("prefill ok", "d:prefill_ok", *FORM)

    async def _fill_form(self) -> None:
        for _ in range(40):
            message = self.last[-1]
            key = self.world.recognise.which(message, FORM)
            if key == "form.review":
                return
            if key == "form.address_province":
                await self.press("address", message.labelled("Cao Bằng") or "?", *FORM)
            elif key == "form.address_ward":
                await self.text("address", "Tân Giang", *FORM)
            elif key == "form.address_ward_matches":
                await self.press("address", message.labelled("Tân Giang") or "?", *FORM)
            elif key == "form.address_detail":
                await self.text("address", "Tổ 9", *FORM)
            else:
                await self._answer(message)
        raise Failed("wrong", "form", "the review never came")

    async def _answer(self, message: Arrival) -> None:
        if message.data("d:keep"):  # a value already there (from the registry): keep it
            await self.press("form", "d:keep", *FORM)
            return
        move = next((m for words, m in ANSWERS if words in message.body), None)
        if move is None:
            labels = [b.get("text") for b in message.sent.buttons]
            raise Failed("wrong", "form", f"unexpected question: {message.body[:80]!r} {labels}")
        kind, _, value = move.partition(":")
        if kind == "text":
            await self.text("form", value, *FORM)
            return
        data = {
            "skip": message.data("d:skip"),
            "first": message.data("o:"),
            "press": message.labelled(value),
        }[kind]
        await self.press("form", data or "?", *FORM)

    async def _documents_and_submit(self) -> None:
        world, tg = self.world, self.world.tg
        confirm = self.last[-1].data("d:confirm") or self.last[-1].labelled("Xác nhận tờ khai")
        await self.press("confirm form", confirm or "?", "form.final", "docs.checklist")
        await self.step(
            "upload",
            lambda: tg.user_document(self.chat, PDF, "chung-minh-cho-o.pdf", deliver=False),
            ("docs.received", "docs.checklist"),
        )
        await self.press(
            "documents done", self.last[-1].labelled("Xong") or "?", "submission.summary"
        )
        await self.press(
            "submit", self.last[-1].labelled("Nộp hồ sơ") or "?", "submission.commitment"
        )
        commit = self.last[-1].labelled("cam đoan") or "?"
        await self.press(
            "commit", commit, "submission.created", "papers.declaration_caption", "payment.request"
        )
        created = world.recognise.params(self.last[0], "submission.created") or {}
        code = re.sub(r"<[^>]+>", "", created.get("code", ""))
        world.tally.dossier_codes.append(code)
        await self._pay()
        await self.text("my dossiers", "/mydossiers", "dossiers.list")
        if not any(code and code in b.get("text", "") for b in self.last[0].sent.buttons):
            raise Failed("wrong", "my dossiers", f"{code!r} is not listed")
        world.tally.journeys_done += 1
        world.tally.journey_steps = self.steps
        start, end = world.tally.window
        world.tally.journeys_in_window += start <= time.perf_counter() <= end

    async def _pay(self) -> None:
        world = self.world
        request = world.recognise.params(self.last[-1], "payment.request") or {}
        reference = re.sub(r"<[^>]+>", "", request.get("reference", ""))
        amount = int(re.sub(r"\D", "", request.get("amount", "")) or 0)
        mark = world.inbox.count(self.chat)
        status, answered = await world.bank.transfer(reference, amount)
        if status != 200:
            raise Failed("payment", "bank", f"the payment webhook answered {status}")
        deadline = time.perf_counter() + world.wait
        while time.perf_counter() < deadline and not world.stopping:
            pushed = world.inbox.since(self.chat, mark)
            receipt = next((a for a in pushed if world.recognise.is_(a, "receipt.caption")), None)
            # the fee receipt PDF follows the slip: wait for it too, so that it is not taken
            # for a reply to the next step
            paper = any(world.recognise.is_(a, "papers.receipt_caption") for a in pushed)
            if receipt is not None and paper:
                world.tally.receipt_delays.append(receipt.at - answered)
                return
            await asyncio.sleep(0.05)
        if world.stopping:
            raise Stopped
        raise Failed("missing", "receipt", "no receipt was pushed")

    # -- one step ------------------------------------------------------------------------------

    async def text(self, name: str, text: str, *expect: str) -> None:
        """The citizen types `text`."""
        await self.step(
            name, lambda: self.world.tg.user_text(self.chat, text, deliver=False), expect
        )

    async def press(self, name: str, data: str, *expect: str) -> None:
        """The citizen presses the button with callback data `data` on the newest message."""
        holder = next((a for a in reversed(self.last) if data in a.sent.callback_data), None)
        if holder is None:
            raise Failed("wrong", name, f"no button {data!r} to press")
        message_id = holder.sent.message_id
        await self.step(
            name,
            lambda: self.world.tg.user_press(self.chat, message_id, data, deliver=False),
            expect,
        )

    async def step(
        self, name: str, update: Callable[[], Awaitable[dict[str, Any]]], expect: tuple[str, ...]
    ) -> None:
        """Deliver one update, time it up to its last reply, check the replies."""
        world, tally = self.world, self.world.tally
        if world.stopping:
            raise Stopped
        mark = world.inbox.count(self.chat)
        built = await update()
        began = time.perf_counter()
        delivery = await world.tg.deliver(built)
        tally.steps_total += 1
        self.steps += 1
        assert delivery is not None
        failed = [s for s in delivery.statuses if s is None or not 200 <= s < 300]
        for status in failed:
            tally.error("http", f"{name}: webhook answered {status}")
        if not delivery.delivered:
            raise Failed("http", name, f"statuses {delivery.statuses}")
        tally.delivered += 1
        replies = await world.inbox.until(self.chat, mark, self._complete(expect), REPLY_WAIT)
        if not replies:
            raise Failed("missing", name, "no reply")
        self.last = replies
        self._check(name, replies, expect)
        ended = replies[-1].at
        if world.trace is not None:
            world.trace(f"{name} {1000 * (ended - began):.0f} ms: {[a.body[:60] for a in replies]}")
        if tally.window[0] <= ended <= tally.window[1]:
            tally.latencies.append(ended - began)
            tally.by_step.setdefault(name, []).append(ended - began)

    def _complete(self, expect: tuple[str, ...]) -> Callable[[list[Arrival]], bool]:
        """Whether the replies to a step are all there: they come through the bot's outbox,
        after the webhook was answered (a form step's last is the next question)."""
        if expect == FORM:
            return lambda got: bool(got) and self.world.recognise.which(got[-1], FORM) is not None
        last = expect[-1]
        if last == KEYBOARD:
            return lambda got: bool(got) and "keyboard" in (got[-1].sent.reply_markup or {})
        return lambda got: bool(got) and self.world.recognise.is_(got[-1], last)

    def _check(self, name: str, replies: list[Arrival], expect: tuple[str, ...]) -> None:
        if expect == FORM:  # a form step: what comes last is the next question or the review
            ok = self.world.recognise.which(replies[-1], FORM) is not None
        else:  # each expected text in one of the replies (joined texts share a message)
            keyboard = any("keyboard" in (a.sent.reply_markup or {}) for a in replies)
            ok = len(replies) <= len(expect) and all(
                keyboard
                if key == KEYBOARD
                else any(self.world.recognise.is_(a, key) for a in replies)
                for key in expect
            )
        if not ok:
            got = [a.body[:50] for a in replies]
            raise Failed("wrong", name, f"expected {list(expect)}, got {got}")
