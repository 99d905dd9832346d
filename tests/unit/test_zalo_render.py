"""Zalo rendering: plain text within 2000 characters, list templates of at most five buttons
that come back as "#<payload>", "➕ Xem thêm" for longer menus, media after their caption."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.channels.zalo_inbound import (
    EventKind,
    Fetch,
    ZaloRejected,
    parse_event,
    read_event,
    signature,
)
from bot.channels.zalo_render import (
    MAX_TEXT,
    Choice,
    MediaPart,
    list_message,
    more_page,
    page,
    render_message,
    render_reply,
    split_text,
)
from conversations import payloads
from conversations.flows.home import main_menu_buttons
from conversations.messages import (
    Button,
    IncomingKind,
    Outgoing,
    OutgoingKind,
    Text,
    btn,
    raw,
    say,
)
from conversations.texts import TextCatalog

TEXTS = TextCatalog(strict=True)


def buttons(n: int) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(raw(f"Mục {i}"), payloads.pick("r", str(i))),) for i in range(n))


def list_payload(body: dict[str, Any]) -> dict[str, Any]:
    attachment = body["attachment"]
    assert attachment["type"] == "template"
    payload: dict[str, Any] = attachment["payload"]
    assert payload["template_type"] == "list"
    return payload


def test_text_is_plain_and_split_on_lines() -> None:
    [part] = render_message(say("login.ask_id"), "vi", TEXTS).parts
    assert isinstance(part, dict) and "<b>" not in part["text"]
    assert "số định danh cá nhân" in part["text"]
    lines = [f"Dòng {i}: " + "x" * 90 for i in range(60)]  # ~6000 characters
    chunks = split_text("\n".join(lines))
    assert all(len(c) <= MAX_TEXT for c in chunks) and len(chunks) == 3
    assert "\n".join(chunks) == "\n".join(lines)  # cut between lines only
    long_line = " ".join(["từ"] * 1500)  # one line of 4499 characters
    pieces = split_text(long_line)
    assert all(len(p) <= MAX_TEXT for p in pieces) and " ".join(pieces) == long_line


def test_a_long_text_goes_out_in_several_messages() -> None:
    message = Outgoing(raw("\n".join("y" * 150 for _ in range(40))))
    # 40 lines of 151 characters: 13 lines fit in 2000
    parts = render_message(message, "vi", TEXTS).parts
    assert len(parts) == 4 and all(len(p["text"]) <= MAX_TEXT for p in parts)  # type: ignore[index]


def test_a_short_question_heads_its_list_and_buttons_come_back_as_hash_payloads() -> None:
    message = say("lang.choose", ((btn("lang.vi", "l:vi"), btn("lang.en", "l:en")),))
    [part] = render_message(message, "vi", TEXTS).parts
    payload = list_payload(part)  # type: ignore[arg-type]
    [element] = payload["elements"]
    assert element["title"] == "Chọn ngôn ngữ / Choose your language:" and element["subtitle"]
    assert [b["payload"] for b in payload["buttons"]] == ["#l:vi", "#l:en"]
    assert {b["type"] for b in payload["buttons"]} == {"oa.query.hide"}
    assert all(len(b["title"]) <= 100 for b in payload["buttons"])


def test_the_main_menu_shows_four_buttons_and_more_and_keeps_the_rest() -> None:
    message = say("menu.main", main_menu_buttons())
    rendered = render_message(message, "vi", TEXTS)
    [part] = rendered.parts
    shown = list_payload(part)["buttons"]  # type: ignore[arg-type]
    assert len(shown) == 5 and shown[-1] == {
        "title": "➕ Xem thêm",
        "type": "oa.query.hide",
        "payload": "#more",
    }
    assert [b["payload"] for b in shown[:4]] == [
        "#m:search",
        "#m:browse",
        "#m:track",
        "#m:drafts",
    ]
    assert [c.payload for c in rendered.overflow] == [
        "m:dossiers",
        "m:profile",
        "m:human",
        "m:help",
        "m:lang",
    ]
    english = render_message(message, "en", TEXTS)
    assert list_payload(english.parts[0])["buttons"][-1]["title"] == "➕ More"  # type: ignore[arg-type]


def test_more_pages_four_at_a_time_until_the_rest_fits() -> None:
    choices = [Choice(f"c{i}", f"p:r:{i}") for i in range(12)]
    shown, rest = page(choices, "vi")
    assert [c.payload for c in shown] == ["p:r:0", "p:r:1", "p:r:2", "p:r:3", "more"]
    body, rest = more_page(rest, "vi")
    assert [b["payload"] for b in list_payload(body)["buttons"]][-1] == "#more" and len(rest) == 4
    body, rest = more_page(rest, "vi")
    assert len(list_payload(body)["buttons"]) == 4 and rest == ()
    with pytest.raises(ValueError):
        list_message("t", "s", [])


def test_text_with_buttons_is_one_list_message_headed_by_the_text() -> None:
    message = Outgoing(raw("Hồ sơ H04.1\nĐã có kết quả\nNgày hẹn trả: 25/11"), buttons(3))
    [menu] = render_message(message, "en", TEXTS).parts
    [element] = list_payload(menu)["elements"]  # type: ignore[arg-type]
    assert element["title"] == "Hồ sơ H04.1"
    assert element["subtitle"] == "Đã có kết quả\nNgày hẹn trả: 25/11"
    assert len(list_payload(menu)["buttons"]) == 3  # type: ignore[arg-type]


def test_a_text_too_long_for_the_list_header_goes_first_and_its_end_heads_the_list() -> None:
    lines = [f"Dòng {i} " + "x" * 90 for i in range(12)]
    message = Outgoing(raw("\n".join(lines)), buttons(2))
    text, menu = render_message(message, "vi", TEXTS).parts
    element = list_payload(menu)["elements"][0]  # type: ignore[arg-type]
    assert len(element["title"]) <= 100 and len(element["subtitle"]) <= 500
    before = text["text"].split("\n")  # type: ignore[index]
    shown = [*before, element["title"], *element["subtitle"].split("\n")]
    assert shown == lines  # every line once, in order
    one_long_line = Outgoing(raw("y" * 300), buttons(1))
    [alone] = render_message(one_long_line, "en", TEXTS).parts
    assert list_payload(alone)["elements"][0] == {"title": "👇 Choices", "subtitle": "y" * 300}  # type: ignore[arg-type]
    huge = Outgoing(raw("z" * 700), buttons(1))
    text, menu = render_message(huge, "en", TEXTS).parts
    assert text == {"text": "z" * 700} and "attachment" in menu  # type: ignore[operator]


def test_an_image_carries_its_caption_and_a_document_follows_it() -> None:
    image = Outgoing(
        raw("Quét mã để nộp phí"),
        buttons(1),
        kind=OutgoingKind.IMAGE,
        media_ref="vietqr:000201",
        media_name="vietqr.png",
    )
    media, menu = render_message(image, "vi", TEXTS).parts
    assert media == MediaPart(
        OutgoingKind.IMAGE, "vietqr:000201", "vietqr.png", caption="Quét mã để nộp phí"
    )
    assert "attachment" in menu  # type: ignore[operator]
    document = Outgoing(
        Text("raw", {"text": ""}), kind=OutgoingKind.DOCUMENT, media_ref="sha256:ab"
    )
    assert render_message(document, "vi", TEXTS).parts == (
        MediaPart(OutgoingKind.DOCUMENT, "sha256:ab", ""),
    )


def test_a_reply_joins_texts_into_the_menu_after_them() -> None:
    reply = [
        Outgoing(raw("Xin chào")),
        Outgoing(raw("Thêm một dòng")),
        say("menu.main", main_menu_buttons()),
    ]
    rendered = render_reply(reply, "vi", TEXTS)
    [menu] = rendered.parts  # one message: the texts head the menu's list
    element = list_payload(menu)["elements"][0]  # type: ignore[arg-type]
    assert element["title"] == "Xin chào" and "Bạn cần làm gì?" in element["subtitle"]
    assert len(rendered.overflow) == 5
    long_welcome = render_reply(
        [say("common.welcome"), say("menu.main", main_menu_buttons())], "vi", TEXTS
    )
    assert len(long_welcome.parts) <= 2


# -- inbound ---------------------------------------------------------------------------------

APP, SECRET = "1234567890123456789", "oa-secret"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def event(name: str = "user_send_text", **message: Any) -> dict[str, Any]:
    return {
        "app_id": APP,
        "event_name": name,
        "timestamp": str(int(NOW.timestamp() * 1000)),
        "sender": {"id": "5001"},
        "recipient": {"id": "oa"},
        "message": {"msg_id": "m1", **message},
    }


def signed(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    return {"X-ZEvent-Signature": signature(APP, body, timestamp, secret)}


def test_a_signed_event_is_read_and_anything_else_refused_with_a_reason() -> None:
    import json

    data = event(text="#m:search")
    body = json.dumps(data).encode()
    got = read_event(body, signed(body, data["timestamp"]), APP, SECRET, NOW)
    assert got.kind is EventKind.MESSAGE and got.address is not None
    assert got.address.key == "zalo:5001" and got.msg_id == "m1"
    assert got.items[0].kind is IncomingKind.BUTTON and got.items[0].payload == "m:search"  # type: ignore[union-attr]
    refusals = {
        "bad_signature": (body, signed(body, data["timestamp"], "wrong")),
        "unsigned": (body, {}),
        "malformed": (b"{not json", {"x-zevent-signature": "mac=00"}),
    }
    for reason, (raw_body, headers) in refusals.items():
        with pytest.raises(ZaloRejected) as refused:
            read_event(raw_body, headers, APP, SECRET, NOW)
        assert refused.value.reason == reason
    altered = body.replace(b"m:search", b"m:browse")
    with pytest.raises(ZaloRejected, match="bad_signature"):
        read_event(altered, signed(body, data["timestamp"]), APP, SECRET, NOW)
    stale = event(text="hi")
    stale["timestamp"] = str(int(NOW.timestamp() * 1000) - 6 * 60 * 1000)
    stale_body = json.dumps(stale).encode()
    with pytest.raises(ZaloRejected, match="stale"):
        read_event(stale_body, signed(stale_body, stale["timestamp"]), APP, SECRET, NOW)


def test_texts_buttons_more_files_and_follows_are_told_apart() -> None:
    assert parse_event(event(text="#more")).kind is EventKind.MORE
    typed = parse_event(event(text="#hashtag")).items[0]
    assert typed.kind is IncomingKind.TEXT and typed.text == "#hashtag"  # type: ignore[union-attr]
    command = parse_event(event(text="/start")).items[0]
    assert command.kind is IncomingKind.COMMAND and command.command == "start"  # type: ignore[union-attr]
    pdf = {
        "type": "file",
        "payload": {"url": "https://f.zdn.vn/a.pdf", "name": "a.pdf", "size": "9"},
    }
    [fetch] = parse_event(event("user_send_file", attachments=[pdf])).items
    assert fetch == Fetch("https://f.zdn.vn/a.pdf", "a.pdf")
    huge = {
        "type": "file",
        "payload": {"url": "https://f.zdn.vn/b.pdf", "name": "b.pdf", "size": str(11 * 2**20)},
    }
    [refused] = parse_event(event("user_send_file", attachments=[huge])).items
    assert (
        refused.upload is not None
        and refused.upload.ref == ""
        and refused.upload.size == 11 * 2**20
    )  # type: ignore[union-attr]
    image = {"type": "image", "payload": {"url": "https://f.zdn.vn/x/abc", "thumbnail": "t"}}
    [photo] = parse_event(event("user_send_image", attachments=[image])).items
    assert isinstance(photo, Fetch) and photo.name == "abc.jpg"
    follow = {"app_id": APP, "event_name": "follow", "timestamp": "1", "follower": {"id": "77"}}
    assert parse_event(follow).kind is EventKind.FOLLOW
    assert parse_event({"event_name": "user_seen_message"}).kind is EventKind.IGNORED
    assert parse_event(event("user_send_sticker")).kind is EventKind.IGNORED
    for broken in (
        {},
        event(text="x") | {"sender": {"id": "../x"}},
        event(text="x") | {"message": 3},
    ):
        with pytest.raises(ZaloRejected, match="malformed"):
            parse_event(broken)
