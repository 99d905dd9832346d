"""Compaction: one update's texts joined into as few messages as Telegram allows; what the
citizen reads is unchanged, and real replies stay under Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.telegram_render import (
    MAX_TEXT,
    render_delivery,
    render_message,
    visible_length,
)
from conversations.compaction import JOINED, compact, parts
from conversations.messages import Outgoing, OutgoingKind, Text, btn, raw, say
from conversations.texts import TextCatalog
from tests.chat import ChatDriver

TEXTS = TextCatalog(strict=True)
MENU = say("menu.main", ((btn("menu.search", "m:search"),),))


def sends(messages: Sequence[Outgoing], lang: str = "vi") -> int:
    """Bot API calls that deliver these messages one by one (as the outbox sender does)."""
    return sum(len(render_delivery(m, lang, TEXTS)) for m in messages)


def read(messages: Sequence[Outgoing], lang: str = "vi") -> str:
    """What the citizen reads, whatever the messages' boundaries."""
    return "\n\n".join(TEXTS.render(m.text, lang).strip() for m in messages)


def test_texts_before_a_question_become_one_message_with_its_buttons() -> None:
    reply = (say("common.welcome"), MENU)
    [joined] = compact(reply)
    assert joined.text.key == JOINED and joined.buttons == MENU.buttons
    assert read([joined]) == read(reply)
    assert sends(reply) == 2 and sends([joined]) == 1
    assert parts(joined) == reply


def test_a_share_phone_question_keeps_its_request() -> None:
    ask = Outgoing(Text("login.ask_phone"), request_contact=True)
    [joined] = compact((say("common.welcome"), ask))
    assert joined.request_contact and parts(joined)[-1] == ask


def test_media_updates_in_place_and_later_questions_are_never_joined() -> None:
    image = Outgoing(Text("common.welcome"), kind=OutgoingKind.IMAGE, media_ref="qr:1")
    progress = Outgoing(Text("common.welcome"), replaces="b1")
    reply = (say("common.welcome"), image, say("common.welcome"), progress, MENU, MENU)
    assert compact(reply) == reply


def test_a_joined_message_too_long_for_telegram_goes_as_its_parts() -> None:
    long = Outgoing(raw("x " * 3000))  # 6,000 characters: two messages on its own
    reply = (say("common.welcome"), long, MENU)
    [joined] = compact(reply)
    assert len(render_message(joined, "vi", TEXTS)) > 1  # cut at the limit, mid-part
    assert render_delivery(joined, "vi", TEXTS) == [
        op for m in reply for op in render_message(m, "vi", TEXTS)
    ]  # as before joining: never more sends, no part cut in two
    many = compact((say("common.welcome"),) * 6 + (MENU,))
    assert len(many) == 1 and sends(many) == 1


class Counting(ChatDriver):
    """A chat that keeps every reply, to count what it costs to deliver."""

    def __init__(self, router: object) -> None:
        super().__init__(router)  # type: ignore[arg-type]
        self.all: list[tuple[Outgoing, ...]] = []

    async def apply(self, *args: object, **kwargs: object) -> list[Outgoing]:
        replies = await super().apply(*args, **kwargs)  # type: ignore[arg-type]
        self.all.append(tuple(replies))
        return replies


async def test_real_replies_cost_one_send_and_stay_under_the_limit(router: object) -> None:
    chat = Counting(router)
    start = await chat.send("/start")
    search = await chat.send("tạm trú")
    card = await chat.press_payload(chat.buttons()[0].payload)
    print(f"\n/start: {sends(start)} → {sends(compact(start))} sends")
    print(f"search: {sends(search)} → {sends(compact(search))} sends")
    print(f"card: {sends(card)} → {sends(compact(card))} sends")
    assert sends(compact(start)) == 1 and sends(compact(search)) == 1
    await chat.apply_as_guest()
    question = chat.all[-1]
    answer = await chat.send("Nguyễn Văn An")  # the first question answered: the next one
    print(f"form question: {sends(question)} → {sends(compact(question))} sends")
    print(f"form answer: {sends(answer)} → {sends(compact(answer))} sends {chat.keys}")
    assert sends(compact(question)) == 1 and sends(compact(answer)) == 1
    await chat.send("/start")
    await chat.send("en")
    for reply in chat.all:
        for lang in ("vi", "en"):
            compacted = compact(reply)
            assert read(compacted, lang) == read(reply, lang)
            assert sends(compacted, lang) <= sends(reply, lang)
            for message in compacted:
                if message.text.key == JOINED:  # real replies fit in one message
                    body = TEXTS.render(message.text, lang)
                    assert visible_length(body) < MAX_TEXT
                    assert len(render_delivery(message, lang, TEXTS)) == 1
