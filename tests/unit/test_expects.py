"""What a question's answer looks like travels with it: the web chat fits its keyboard (a digit
pad for an ID number or a code, a phone pad for a phone number)."""

from __future__ import annotations

from bot.rendering import web_message
from conversations.compaction import compact, parts
from conversations.form_fields import expects
from conversations.messages import Expects, Outgoing, Text, say
from conversations.texts import TextCatalog
from services.catalog import FieldType
from tests.chat import ChatDriver
from tests.fakes import RecordingSms

TEXTS = TextCatalog(strict=True)


async def test_the_login_questions_say_what_they_expect(
    chat: ChatDriver, sms: RecordingSms
) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    assert chat.last.text.key == "login.ask_id" and chat.last.expects is Expects.ID_NUMBER
    await chat.send("004195118046")
    assert chat.last.expects is Expects.PHONE
    await chat.send("0912345678")
    assert chat.last.text.key == "login.ask_code" and chat.last.expects is Expects.CODE
    rendered = web_message(chat.last, "vi", TEXTS)
    assert rendered["expects"] == "code"
    await chat.send("/cancel")
    assert chat.last.expects is Expects.TEXT
    assert web_message(chat.last, "vi", TEXTS)["expects"] == "text"


def test_field_types_and_their_keyboards() -> None:
    assert expects(FieldType.CCCD) is Expects.ID_NUMBER
    assert expects(FieldType.PHONE) is Expects.PHONE
    assert expects(FieldType.MONEY) is Expects.NUMBER
    assert expects(FieldType.EMAIL) is Expects.EMAIL
    assert expects(FieldType.DATE) is Expects.TEXT  # dd/mm/yyyy needs the slash
    assert expects(FieldType.TEXT) is Expects.TEXT


def test_a_joined_message_keeps_what_its_question_expects() -> None:
    ask = Outgoing(Text("login.ask_id"), expects=Expects.ID_NUMBER)
    [joined] = compact((say("consent.thanks"), ask))
    assert joined.expects is Expects.ID_NUMBER
    assert parts(joined)[-1].expects is Expects.ID_NUMBER
