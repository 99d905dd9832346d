"""sendMessage without the libraries' objects: the JSON Telegram gets, and its answers read."""

from __future__ import annotations

import json

import pytest

from bot.channels.telegram_api import ApiFailure, ChatUnreachable, RetryLater
from bot.channels.telegram_render import (
    ContactKeyboard,
    InlineButton,
    InlineKeyboard,
    LinkKeyboard,
    RemoveKeyboard,
)
from bot.channels.telegram_wire import read_json, request_body, send_text_params, sent_id

KINDS = {400: "BadRequest", 500: "ServerError", 0: "ApiError"}


def test_the_parameters_carry_html_and_the_keyboard_as_telegram_reads_them() -> None:
    keyboard = InlineKeyboard(
        ((InlineButton("Nữ", "o:gioi_tinh:1"), InlineButton("Quay lại", "d:back")),)
    )
    params = send_text_params(42, "<b>Câu 3/25.</b>", keyboard)
    assert params["chat_id"] == 42 and params["parse_mode"] == "HTML"
    assert params["text"] == "<b>Câu 3/25.</b>"
    assert json.loads(params["reply_markup"]) == {
        "inline_keyboard": [
            [{"text": "Nữ", "callback_data": "o:gioi_tinh:1"},
             {"text": "Quay lại", "callback_data": "d:back"}]
        ]
    }  # fmt: skip
    assert "reply_markup" not in send_text_params(42, "xin chào", None)


def test_reply_keyboards_and_links() -> None:
    contact = json.loads(send_text_params(1, "t", ContactKeyboard("Chia sẻ số"))["reply_markup"])
    assert contact == {
        "keyboard": [[{"text": "Chia sẻ số", "request_contact": True}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    removed = json.loads(send_text_params(1, "t", RemoveKeyboard())["reply_markup"])
    assert removed == {"remove_keyboard": True}
    link = json.loads(
        send_text_params(1, "t", LinkKeyboard("Mở", "https://t.me/x"))["reply_markup"]
    )
    assert link == {"inline_keyboard": [[{"text": "Mở", "url": "https://t.me/x"}]]}


def test_a_sent_message_gives_its_id() -> None:
    answer = {"ok": True, "result": {"message_id": 77, "chat": {"id": 42}}}
    assert sent_id(answer, 200, KINDS) == 77


def test_flood_control_is_a_wait() -> None:
    answer = {"ok": False, "error_code": 429, "parameters": {"retry_after": 3}}
    with pytest.raises(RetryLater) as wait:
        sent_id(answer, 429, KINDS)
    assert wait.value.seconds == 3


@pytest.mark.parametrize(
    ("status", "description", "reason"),
    [
        (403, "Forbidden: bot was blocked by the user", "blocked"),
        (403, "Forbidden: something new", "forbidden"),
        (400, "Bad Request: chat not found", "chat not found"),
    ],
)
def test_a_chat_gone_is_unreachable(status: int, description: str, reason: str) -> None:
    answer = {"ok": False, "error_code": status, "description": description}
    with pytest.raises(ChatUnreachable) as gone:
        sent_id(answer, status, KINDS)
    assert gone.value.reason == reason


def test_other_refusals_are_failures_named_as_the_library_names_them() -> None:
    bad = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"}
    with pytest.raises(ApiFailure) as refused:
        sent_id(bad, 400, KINDS)
    assert (refused.value.kind, refused.value.status) == ("BadRequest", 400)
    with pytest.raises(ApiFailure) as down:
        sent_id({"ok": False, "error_code": 502}, 502, KINDS)
    assert (down.value.kind, down.value.status) == ("ServerError", None)
    with pytest.raises(ApiFailure) as odd:
        sent_id({"ok": False, "error_code": 409}, 409, KINDS)
    assert odd.value.kind == "ApiError"


def test_a_body_reads_back_as_the_parameters_whatever_the_text_holds() -> None:
    """The JSON posted and the JSON read: Vietnamese, emoji, quotes, and text UTF-8 cannot
    hold (a lone surrogate), which goes escaped and comes back as it was."""
    for text in ("<b>Nguyễn Thị Hoà</b> 😀", '"\\ \u2028', "a\ud800b"):
        params = send_text_params(42, text, None)
        assert json.loads(request_body(params)) == params
        assert read_json(request_body(params)) == params


def test_an_update_with_a_lone_surrogate_escape_is_read_as_the_standard_library_reads_it() -> None:
    body = b'{"ok":true,"result":[{"update_id":7,"message":{"text":"x\\ud83dy","chat":{"id":1}}}]}'
    assert read_json(body) == json.loads(body)
    assert read_json(body)["result"][0]["message"]["text"] == "x\ud83dy"


def test_an_answer_that_is_not_json_is_refused_as_a_value_error() -> None:
    for body in (b"<html>Bad Gateway</html>", b"", b'{"ok": tru'):
        with pytest.raises(ValueError):
            read_json(body)
