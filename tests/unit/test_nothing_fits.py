"""When no procedure fits, the bot says so, says where such matters go and offers what is near."""

from __future__ import annotations

from conversations import payloads
from conversations.flows.search import RESULTS
from tests.chat import ChatDriver


def _labels(chat: ChatDriver) -> list[str]:
    return [chat.label(b) for b in chat.buttons()]


async def test_a_matter_handled_elsewhere_is_explained_without_a_procedure(
    chat: ChatDriver,
) -> None:
    await chat.send("/start")
    await chat.send("làm hộ chiếu")
    assert chat.keys == ["search.none"]
    text = chat.text()
    assert "xuất nhập cảnh" in text
    assert "dichvucong.gov.vn" in text and "1800 1096" in text
    assert not [label for label in _labels(chat) if label.startswith("≈")]
    assert "📚 Tra cứu theo lĩnh vực" in _labels(chat)


async def test_the_explanation_is_complete_in_english(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("/lang")
    await chat.press("English")
    await chat.send("how to get a divorce")
    assert chat.keys == ["search.none"]
    assert "people's court" in chat.text()
    assert "Need a person?" in chat.text()


async def test_a_question_far_from_everything_offers_no_neighbours(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("thời tiết Cao Bằng hôm nay")
    assert chat.keys == ["search.none"]
    assert not [label for label in _labels(chat) if label.startswith(("≈", "📚 Lĩnh vực"))]


async def test_closest_procedures_are_labelled_and_can_still_be_opened(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("cấp bằng lái xe quốc tế")
    assert chat.keys == ["search.none"]
    assert "gần nhất" in chat.text()
    closest = [label for label in _labels(chat) if label.startswith("≈ Gần nhất:")]
    assert closest
    await chat.press(closest[0])
    assert chat.keys == ["proc.card"]


async def test_closest_sectors_can_be_browsed(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("cấp bằng lái xe quốc tế")
    sector = next(label for label in _labels(chat) if label.startswith("📚 Lĩnh vực:"))
    await chat.press(sector)
    assert chat.keys == ["search.results_page"]
    assert sector.removeprefix("📚 Lĩnh vực: ") in chat.text()


async def test_a_stale_pick_after_nothing_fits_is_not_obeyed(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("làm hộ chiếu")  # no neighbours kept
    await chat.press_payload(payloads.pick(RESULTS, "khai_sinh"))
    assert chat.keys == ["common.stale_button", "search.ask"]
