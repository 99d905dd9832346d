"""Telegram rendering and inbound conversion: pure functions, checked against Telegram's rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.telegram_inbound import (
    PHOTO_MIME,
    PHOTO_NAME,
    Extras,
    FileToFetch,
    parse_update,
)
from bot.channels.telegram_render import (
    MAX_CAPTION,
    MAX_TEXT,
    ContactKeyboard,
    InlineButton,
    InlineKeyboard,
    RemoveKeyboard,
    SendMedia,
    SendText,
    render_message,
    render_reply,
    split_html,
    visible_length,
)
from conversations.messages import (
    Button,
    ChatAddress,
    Contact,
    Incoming,
    IncomingKind,
    Lines,
    Outgoing,
    OutgoingKind,
    Platform,
    Text,
    Upload,
    raw,
    say,
)
from conversations.texts import TextCatalog
from tests.e2e.fakes.telegram_html import check_html

TEXTS = TextCatalog(strict=True)
CUSTOM = TextCatalog(
    {
        "vi": {
            "raw": "{text}",
            "bold_block": "<b>Tiêu đề\n{body}</b>\nHết.",
            "login.share_phone": "📱 Chia sẻ số điện thoại của tôi",
        },
        "en": {"login.share_phone": "📱 Share my phone number"},
    },
    strict=True,
)


def shown(markup: str) -> str:
    """What the user sees; raises like the Bot API on invalid HTML."""
    return check_html(markup)


def lines(count: int, width: int = 60) -> Lines:
    return Lines(tuple(raw(f"{n:04d} " + "x" * (width - 5)) for n in range(count)))


# -- splitting ---------------------------------------------------------------------------------


def test_a_short_text_is_one_message_with_its_keyboard() -> None:
    message = say("menu.main", ((Button(Text("btn.menu"), "m:home"),),))
    [op] = render_message(message, "vi", TEXTS)
    assert isinstance(op, SendText)
    assert op.html == TEXTS.render(Text("menu.main"), "vi")
    assert op.reply_markup == InlineKeyboard(((InlineButton("🏠 Danh mục chính", "m:home"),),))


def test_long_text_splits_on_line_boundaries_within_the_limit() -> None:
    body = "\n".join(f"dòng {n:03d} " + "y" * 70 for n in range(200))  # ~16,000 characters
    message = Outgoing(raw(body), ((Button(Text("btn.menu"), "m:home"),),))
    ops = render_message(message, "vi", TEXTS)
    assert len(ops) == 4 and all(isinstance(op, SendText) for op in ops)
    pieces = [shown(op.html) for op in ops if isinstance(op, SendText)]
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert "\n".join(pieces) == body  # cut only at line ends, nothing lost or repeated
    assert all(piece.startswith("dòng ") for piece in pieces)
    assert [op.reply_markup is not None for op in ops] == [False, False, False, True]


def test_a_tag_open_across_a_cut_is_closed_and_reopened() -> None:
    body = "\n".join("dòng " + "z" * 50 for _ in range(150))
    html = CUSTOM.render(Text("bold_block", {"body": body}), "vi")
    pieces = split_html(html, 1000)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(shown(piece)) <= 1000  # valid HTML: every tag closed in its piece
    assert pieces[0].startswith("<b>Tiêu đề") and pieces[0].endswith("</b>")
    assert pieces[1].startswith("<b>dòng") and pieces[-1].endswith("Hết.")


def test_a_line_longer_than_a_message_splits_at_spaces_then_anywhere() -> None:
    words = " ".join(["từ"] * 3000)  # one 8,999-character line
    pieces = split_html(words, MAX_TEXT)
    assert [len(p) <= MAX_TEXT for p in pieces] == [True, True, True]
    assert " ".join(pieces) == words
    word = "a" * 9000
    assert split_html(word, MAX_TEXT) == ["a" * 4096, "a" * 4096, "a" * 808]


def test_entities_and_tags_are_never_cut_and_count_as_telegram_counts() -> None:
    html = "<b>" + "&amp;" * 10 + "</b>"
    assert visible_length(html) == 10
    pieces = split_html(html, 4)
    assert pieces == ["<b>&amp;&amp;&amp;&amp;</b>"] * 2 + ["<b>&amp;&amp;</b>"]
    assert visible_length("😀" * 3) == 6  # UTF-16 code units
    assert split_html("😀😀😀", 4) == ["😀😀", "😀"]


def test_every_catalogue_message_is_valid_telegram_html() -> None:
    for lang in ("vi", "en"):
        for key in TEXTS.keys(lang):
            template = TEXTS.template(key, lang)
            for piece in split_html(template, MAX_TEXT):
                shown(piece)


# -- keyboards ---------------------------------------------------------------------------------


def test_buttons_become_inline_rows_with_plain_labels() -> None:
    rows = (
        (Button(Text("btn.back"), "d:back"), Button(Text("btn.cancel"), "d:cancel")),
        (Button(Text("btn.edit_field", {"label": "<b>Họ tên</b>"}), "e:ho_ten"),),
    )
    [op] = render_message(say("menu.main", rows), "en", TEXTS)
    assert op.reply_markup == InlineKeyboard(
        (
            (InlineButton("⬅️ Back", "d:back"), InlineButton("✖️ Cancel", "d:cancel")),
            (InlineButton("✏️ <b>Họ tên</b>", "e:ho_ten"),),
        )
    )


def test_a_payload_over_64_bytes_is_refused() -> None:
    message = say("menu.main", ((Button(Text("btn.menu"), "p:" + "đ" * 32),),))
    with pytest.raises(ValueError, match="callback data of 66 bytes"):
        render_message(message, "vi", TEXTS)


def test_the_phone_question_gets_the_share_keyboard_after_its_inline_buttons() -> None:
    buttons = ((Button(Text("btn.cancel"), "d:cancel"),),)
    asked = Outgoing(Text("login.ask_phone"), buttons, request_contact=True)
    question, hint = render_message(asked, "vi", TEXTS)
    assert isinstance(question.reply_markup, InlineKeyboard)
    assert isinstance(hint, SendText)
    assert hint.reply_markup == ContactKeyboard("📱 Chia sẻ số điện thoại của tôi")
    assert "Chia sẻ số điện thoại của tôi" in shown(hint.html)
    [alone] = render_message(Outgoing(Text("login.ask_phone"), request_contact=True), "en", TEXTS)
    assert alone.reply_markup == ContactKeyboard("📱 Share my phone number")
    _, english = render_message(asked, "en", TEXTS)
    assert shown(english.html).startswith("Or tap 📱 Share my phone number below")


def test_the_reply_keyboard_is_removed_on_the_first_message_free_to_carry_it() -> None:
    messages = [
        say("menu.main", ((Button(Text("btn.menu"), "m:home"),),)),
        say("login.code_sent", phone="0912***678", minutes=5),
        say("common.cancelled"),
    ]
    ops = render_reply(messages, "vi", TEXTS, remove_reply_keyboard=True)
    assert [type(op.reply_markup) for op in ops] == [InlineKeyboard, RemoveKeyboard, type(None)]
    kept = render_reply(messages, "vi", TEXTS)
    assert [op.reply_markup is None for op in kept] == [False, True, True]


# -- media -------------------------------------------------------------------------------------


def test_an_image_carries_its_text_as_caption() -> None:
    image = Outgoing(
        Text("raw", {"text": "Mã QR"}),
        ((Button(Text("btn.menu"), "m:home"),),),
        kind=OutgoingKind.IMAGE,
        media_ref="vietqr:000201",
        media_name="vietqr.png",
    )
    [op] = render_message(image, "vi", TEXTS)
    assert op == SendMedia(
        "photo",
        "vietqr:000201",
        "vietqr.png",
        "Mã QR",
        InlineKeyboard(((InlineButton("🏠 Danh mục chính", "m:home"),),)),
    )


def test_a_caption_over_1024_goes_after_the_media_in_full() -> None:
    long = Outgoing(
        Text("raw", {"text": "\n".join("dòng " + "w" * 40 for _ in range(40))}),
        ((Button(Text("btn.menu"), "m:home"),),),
        kind=OutgoingKind.DOCUMENT,
        media_ref="receipt:d1",
    )
    media, text = render_message(long, "vi", TEXTS)
    assert isinstance(media, SendMedia) and media.kind == "document"
    assert media.reply_markup is None and len(shown(media.caption_html)) <= 210
    assert isinstance(text, SendText) and isinstance(text.reply_markup, InlineKeyboard)
    assert visible_length(TEXTS.render(long.text, "vi")) > MAX_CAPTION
    assert shown(text.html) == TEXTS.render(long.text, "vi")


# -- inbound -----------------------------------------------------------------------------------

USER = {"id": 5001, "is_bot": False, "first_name": "Hoa", "language_code": "vi"}
PRIVATE = {"id": 5001, "type": "private", "first_name": "Hoa"}
GROUP = {"id": -100200, "type": "supergroup", "title": "Nhóm"}
ADDRESS = ChatAddress(Platform.TELEGRAM, "5001")


def message(**content: Any) -> dict[str, Any]:
    chat = content.pop("chat", PRIVATE)
    body = {"message_id": 7, "date": 1764000000, "chat": chat, "from": USER, **content}
    return {"update_id": 100000001, "message": body}


def parsed(update: dict[str, Any]) -> tuple[Incoming | None, Extras]:
    """Parse Telegram's JSON (the e2e tests check that PTB's and aiogram's dumps agree)."""
    inbound = parse_update(update)
    assert inbound is not None and inbound.address == ADDRESS
    assert inbound.update_id == "100000001"
    return inbound.incoming, inbound.extras


def test_text_and_commands() -> None:
    assert parsed(message(text="dang ky tam tru"))[0] == Incoming.from_text("dang ky tam tru")
    entities = [{"type": "bot_command", "offset": 0, "length": 20}]
    incoming, _ = parsed(message(text="/status@dvc_test_bot H04-1", entities=entities))
    assert incoming == Incoming(IncomingKind.COMMAND, text="H04-1", command="status")


def test_a_callback_query_is_a_button_press_with_an_id_to_answer() -> None:
    bot_message = {"message_id": 3, "date": 1764000000, "chat": PRIVATE, "text": "Menu"}
    query = {
        "id": "4000000001",
        "from": USER,
        "message": bot_message,
        "chat_instance": "-39595",
        "data": "p:r:dang_ky_tam_tru",
    }
    incoming, extras = parsed({"update_id": 100000001, "callback_query": query})
    assert incoming == Incoming.button("p:r:dang_ky_tam_tru")
    assert extras == Extras(callback_id="4000000001")
    in_group = {**query, "message": {**bot_message, "chat": GROUP}}
    inbound = parse_update({"update_id": 9, "callback_query": in_group})
    assert inbound is not None and inbound.incoming is None  # ignored, but still answered
    assert inbound.extras.callback_id == "4000000001"


def test_a_contact_is_own_only_when_telegram_says_it_is_the_senders() -> None:
    own = {"phone_number": "84912345678", "first_name": "Hoa", "user_id": 5001}
    incoming, _ = parsed(message(contact=own))
    assert incoming == Incoming(IncomingKind.CONTACT, contact=Contact("84912345678", own=True))
    other = {**own, "user_id": 777}
    assert parsed(message(contact=other))[0].contact == Contact("84912345678", own=False)
    not_on_telegram = {"phone_number": "+84987654321", "first_name": "X"}
    assert parsed(message(contact=not_on_telegram))[0].contact.own is False


def test_the_largest_photo_and_a_document_are_uploads_to_fetch() -> None:
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1200},
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 98000},
        {"file_id": "mid", "file_unique_id": "m", "width": 320, "height": 240, "file_size": 9000},
    ]
    incoming, extras = parsed(message(photo=sizes, caption="giấy tờ"))
    assert incoming == Incoming(
        IncomingKind.UPLOAD, upload=Upload("", PHOTO_NAME, 98000, PHOTO_MIME)
    )
    assert extras.file == FileToFetch("big", PHOTO_NAME, 98000, PHOTO_MIME)
    document = {
        "file_id": "BQAC1",
        "file_unique_id": "u1",
        "file_name": "to-khai.pdf",
        "mime_type": "application/pdf",
        "file_size": 26214400,
    }
    incoming, extras = parsed(message(document=document))
    assert incoming.upload == Upload("", "to-khai.pdf", 26214400, "application/pdf")
    assert extras.file == FileToFetch("BQAC1", "to-khai.pdf", 26214400, "application/pdf")
    bare = {"file_id": "BQAC2", "file_unique_id": "u2"}
    assert parsed(message(document=bare))[1].file == FileToFetch("BQAC2", "tep", 0, "")


def test_a_location_is_a_location() -> None:
    where = {"latitude": 22.6657, "longitude": 106.2522}
    assert parsed(message(location=where))[0] == Incoming(IncomingKind.LOCATION)


def test_a_sticker_in_a_private_chat_is_flagged_not_understood() -> None:
    sticker = {
        "file_id": "CAAC",
        "file_unique_id": "st",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    incoming, extras = parsed(message(sticker=sticker))
    assert incoming is None and extras == Extras(unsupported=True)
    assert parse_update(message(sticker=sticker, chat=GROUP)) is None


def test_group_chatter_edits_in_groups_and_channel_posts_are_ignored() -> None:
    assert parse_update(message(text="hi", chat=GROUP)) is None
    edited = {"update_id": 5, "edited_message": message(text="x", chat=GROUP)["message"]}
    assert parse_update(edited) is None
    post = {"update_id": 6, "channel_post": {**message(text="x")["message"], "chat": GROUP}}
    assert parse_update(post) is None
    assert parse_update({"update_id": 7, "poll": {"id": "1"}}) is None


def test_blocking_and_restarting_the_bot() -> None:
    def change(status: str) -> dict[str, Any]:
        member = {"user": {"id": 1, "is_bot": True, "first_name": "Bot"}, "status": status}
        if status == "kicked":
            member["until_date"] = 0
        return {
            "update_id": 100000001,
            "my_chat_member": {
                "chat": PRIVATE,
                "from": USER,
                "date": 1764000000,
                "old_chat_member": {**member, "status": "member"},
                "new_chat_member": member,
            },
        }

    assert parsed(change("kicked")) == (None, Extras(member=False))
    assert parsed(change("member")) == (None, Extras(member=True))
