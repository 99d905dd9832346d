"""Every kind of Telegram update: served, answered, or deliberately ignored (one test each)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.telegram_groups import GroupEvent, deep_link
from bot.channels.telegram_inbound import ALLOWED_UPDATES, Extras, parse_update
from conversations.messages import ChatAddress, Incoming, IncomingKind, Platform
from tests.unit.test_telegram_render import ADDRESS, GROUP, PRIVATE, USER, message

BOT = {"id": 123456789, "is_bot": True, "first_name": "DVC", "username": "dvc_test_bot"}
GROUP_ADDRESS = ChatAddress(Platform.TELEGRAM, "-100200")


def group_event(text: str, **extra: Any) -> GroupEvent | None:
    inbound = parse_update(message(text=text, chat=GROUP, **extra))
    if inbound is None:
        return None
    assert inbound.address == GROUP_ADDRESS and inbound.incoming is None
    return inbound.extras.group


def test_a_command_in_a_group_concerns_the_bot_unless_meant_for_another() -> None:
    for text in ("/start", "/login@dvc_test_bot", "/help@DVC_Test_Bot now"):
        event = group_event(text)
        assert event is not None and event.concerns("dvc_test_bot"), text
    other = group_event("/start@other_bot")
    assert other is not None and not other.concerns("dvc_test_bot")


def test_a_mention_or_a_reply_to_the_bot_concerns_it_and_chatter_does_not() -> None:
    mention = group_event("@dvc_test_bot cho hỏi thủ tục khai sinh?")
    assert mention is not None and mention.concerns("dvc_test_bot")
    replied = {"message_id": 3, "date": 1764000000, "chat": GROUP, "from": BOT, "text": "…"}
    reply = group_event("cảm ơn", reply_to_message=replied)
    assert reply is not None and reply.concerns("dvc_test_bot")
    to_person = {**replied, "from": USER}
    assert group_event("cảm ơn", reply_to_message=to_person) is None
    assert group_event("chào cả nhà, mai họp lúc 8 giờ") is None
    assert group_event("/ không phải lệnh") is None
    other = group_event("hỏi @another_bot nhé")
    assert other is not None and not other.concerns("dvc_test_bot")


def test_a_group_message_from_a_bot_is_ignored() -> None:
    update = message(text="/start", chat=GROUP)
    update["message"]["from"] = {**BOT, "username": "other_bot"}
    assert parse_update(update) is None


def test_the_deep_link_opens_the_private_chat_with_a_start_payload() -> None:
    assert deep_link("dvc_test_bot") == "https://t.me/dvc_test_bot?start=grp"


def membership(chat: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {
        "update_id": 100000001,
        "my_chat_member": {
            "chat": chat,
            "from": USER,
            "date": 1764000000,
            "old_chat_member": {"user": BOT, "status": old},
            "new_chat_member": {"user": BOT, "status": new},
        },
    }


def test_the_bot_added_to_a_group_introduces_itself_and_removal_is_ignored() -> None:
    for old, new in (("left", "member"), ("kicked", "administrator")):
        added = parse_update(membership(GROUP, old, new))
        assert added is not None and added.address == GROUP_ADDRESS
        assert added.extras == Extras(group=GroupEvent(added=True))
        assert added.extras.group is not None and added.extras.group.concerns("dvc_test_bot")
    assert parse_update(membership(GROUP, "member", "left")) is None
    assert parse_update(membership(GROUP, "member", "administrator")) is None  # promoted
    channel = {"id": -100300, "type": "channel", "title": "Tin tức"}
    assert parse_update(membership(channel, "left", "administrator")) is None


def test_an_edited_private_message_is_an_edit_event() -> None:
    update = {"update_id": 100000001, "edited_message": message(text="001195118046")["message"]}
    inbound = parse_update(update)
    assert inbound is not None and inbound.address == ADDRESS
    assert inbound.incoming == Incoming(IncomingKind.EDIT) and inbound.extras == Extras()


def test_an_inline_query_is_to_be_answered_empty() -> None:
    query = {"id": "77", "from": USER, "query": "khai sinh", "offset": ""}
    inbound = parse_update({"update_id": 100000001, "inline_query": query})
    assert inbound is not None and inbound.incoming is None
    assert inbound.extras == Extras(inline_query_id="77")


IGNORED = {
    "channel_post": {**message(text="x")["message"], "chat": {"id": -1003, "type": "channel"}},
    "edited_channel_post": {
        **message(text="y")["message"],
        "chat": {"id": -1003, "type": "channel"},
    },
    "chosen_inline_result": {"result_id": "1", "from": USER, "query": "x"},
    "shipping_query": {"id": "1", "from": USER, "invoice_payload": "p", "shipping_address": {}},
    "pre_checkout_query": {
        "id": "1",
        "from": USER,
        "currency": "VND",
        "total_amount": 1,
        "invoice_payload": "p",
    },
    "poll": {"id": "1", "question": "?", "options": [], "total_voter_count": 0},
    "poll_answer": {"poll_id": "1", "user": USER, "option_ids": [0]},
    "chat_member": {"chat": GROUP, "from": USER, "date": 1, "old_chat_member": {}},
    "chat_join_request": {"chat": GROUP, "from": USER, "user_chat_id": 5001, "date": 1},
    "message_reaction": {"chat": PRIVATE, "message_id": 3, "date": 1, "user": USER},
    "message_reaction_count": {"chat": GROUP, "message_id": 3, "date": 1, "reactions": []},
    "chat_boost": {"chat": GROUP, "boost": {}},
    "removed_chat_boost": {"chat": GROUP, "boost_id": "b"},
    "business_connection": {"id": "b", "user": USER, "user_chat_id": 5001, "date": 1},
    "business_message": message(text="x")["message"],
    "edited_business_message": message(text="x")["message"],
    "deleted_business_messages": {"business_connection_id": "b", "chat": PRIVATE},
    "purchased_paid_media": {"from": USER, "paid_media_payload": "p"},
}


@pytest.mark.parametrize("kind", sorted(IGNORED))
def test_other_update_kinds_are_deliberately_ignored(kind: str) -> None:
    assert kind not in ALLOWED_UPDATES
    assert parse_update({"update_id": 1, kind: IGNORED[kind]}) is None


def test_the_bot_asks_telegram_for_exactly_what_it_handles() -> None:
    handled = {
        "message": message(text="hi"),
        "edited_message": {"update_id": 1, "edited_message": message(text="x")["message"]},
        "callback_query": {
            "update_id": 1,
            "callback_query": {"id": "1", "from": USER, "chat_instance": "1", "data": "m:home"},
        },
        "my_chat_member": membership(PRIVATE, "member", "kicked"),
        "inline_query": {
            "update_id": 1,
            "inline_query": {"id": "7", "from": USER, "query": "", "offset": ""},
        },
    }
    assert set(ALLOWED_UPDATES) == set(handled)
    for kind, update in handled.items():
        assert parse_update(update) is not None, kind
