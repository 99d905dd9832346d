"""The router: once-only application, global commands, languages, and graceful surprises."""

from __future__ import annotations

from conversations.messages import Incoming, IncomingKind, Upload
from conversations.router import Router
from tests.chat import ChatDriver
from tests.fakes import MemoryUnitOfWorkFactory


async def test_first_contact_is_welcomed_with_the_menu(chat: ChatDriver) -> None:
    await chat.send("/start")
    assert chat.keys == ["common.welcome", "menu.main"]
    await chat.send("/start")
    assert chat.keys == ["common.welcome", "menu.main"]


async def test_a_first_message_that_is_not_start_is_welcomed_and_answered(chat: ChatDriver) -> None:
    await chat.send("tạm trú")
    assert chat.keys == ["common.welcome", "search.results_page"]


async def test_a_redelivered_update_is_applied_once_and_answered_the_same(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await chat.send("/start")
    first = await chat.apply(Incoming.from_text("dang ky khai sinh"), update_id="42")
    state = dict(uow_factory.db.conversations)
    commits = uow_factory.db.commits
    again = await chat.apply(Incoming.from_text("dang ky khai sinh"), update_id="42")
    assert again == first
    assert uow_factory.db.conversations == state
    assert uow_factory.db.commits == commits
    # A different update with the same text is a new search, applied again.
    await chat.apply(Incoming.from_text("/menu"), update_id="43")
    assert chat.keys == ["menu.main"]


async def test_global_commands_work_in_the_middle_of_a_flow(chat: ChatDriver) -> None:
    await chat.send("dang ky khai sinh")
    await chat.send("/help")
    assert chat.keys[0] == "common.help" and chat.keys[1] == "search.results_page"
    await chat.send("/menu")
    assert chat.keys == ["menu.main"]
    await chat.send("/cancel")
    assert chat.keys == ["common.cancelled", "menu.main"]
    await chat.send("/frobnicate")
    assert chat.keys == ["common.unknown_command", "menu.main"]
    await chat.send("/start@dvc_bot")
    assert chat.keys == ["common.welcome", "menu.main"]


async def test_language_switch_keeps_the_step_and_renders_english(chat: ChatDriver) -> None:
    await chat.send("dang ky tam tru")
    await chat.send("/lang")
    assert chat.keys == ["lang.choose"]
    await chat.press("English")
    assert chat.lang == "en"
    assert chat.keys == ["lang.changed", "search.results_page"]
    assert "Found" in chat.text()
    await chat.press("Temporary residence registration")
    assert "Processing time" in chat.text() and "3 working days" in chat.text()
    assert "7,000 VND when filed online (15,000 VND at the counter)" in chat.text()
    await chat.press_payload("l:vi")  # the button of the earlier language message
    assert chat.lang == "vi" and "Đã chuyển sang tiếng Việt" in chat.text(chat.replies[0])


async def test_a_stale_button_is_answered_and_the_question_repeated(chat: ChatDriver) -> None:
    await chat.send("dang ky khai sinh")
    old_pick = chat.find_button("Đăng ký khai sinh (1.001193)").payload
    await chat.press("Đăng ký khai sinh (1.001193)")
    await chat.apply_as_guest()
    await chat.press_payload(old_pick)
    assert chat.keys == ["common.stale_button", "search.ward_ask"]
    await chat.press_payload("zz:unknown:payload")
    assert chat.keys == ["common.stale_button", "search.ward_ask"]


async def test_an_unexpected_file_is_not_stored_and_explained(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.apply(Incoming(IncomingKind.UPLOAD, upload=Upload("ref", "cv.pdf", 100)))
    assert chat.keys == ["common.unexpected_upload", "menu.main"]


async def test_a_huge_message_is_refused_politely(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("a" * 10_000)
    assert chat.keys == ["common.too_long", "menu.main"]


async def test_a_damaged_state_starts_afresh_keeping_the_language(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, router: Router
) -> None:
    await chat.send("/lang")
    await chat.press("English")
    key = chat.address.key
    uow_factory.db.conversations[key] = {
        "v": 1,
        "lang": "en",
        "flow": "form",
        "state": "X",
        "data": 5,
    }
    await chat.send("hello")
    assert chat.lang == "en"
    assert chat.replies  # answered, did not crash
    uow_factory.db.conversations[key] = {"v": 99, "lang": "en"}
    await chat.send("/menu")
    assert chat.keys == ["menu.main"] and chat.lang == "en"


async def test_two_chats_do_not_share_state(router: Router) -> None:
    one, two = ChatDriver(router, chat_id="one"), ChatDriver(router, chat_id="two")
    await one.send("dang ky khai sinh")
    await two.send("/lang")
    await two.press("English")
    await one.press("Đăng ký khai sinh (1.001193)")
    assert one.keys == ["proc.card"] and one.lang == "vi"
    assert two.lang == "en"


async def test_browse_by_sector(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.press("Tra cứu theo lĩnh vực")
    assert chat.keys == ["search.sectors"]
    await chat.press("Hộ tịch")
    assert chat.keys == ["search.results_page"] and "Hộ tịch" in chat.text()
    await chat.press("Trang sau")
    assert "trang 2/" in chat.text()
    await chat.press("Trang trước")
    assert "trang 1/" in chat.text()


async def test_searching_nothing_offers_browsing(chat: ChatDriver) -> None:
    await chat.send("xyzzy qwerty")
    assert chat.keys == ["common.welcome", "search.none"]
    assert "Tra cứu theo lĩnh vực" in next(chat.label(b) for b in chat.buttons())


async def test_a_national_code_opens_the_card_directly(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("1.004194")
    assert chat.keys == ["proc.card"]
    assert "Đăng ký tạm trú" in chat.text()
