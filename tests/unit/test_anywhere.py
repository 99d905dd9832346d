"""Anywhere in the chat: a pasted dossier code shows its status, a procedure's name offers a
search, the everyday words and typed button labels work in every state — and a form answer
is always taken as the answer."""

from __future__ import annotations

import pytest

from bot.channels.zalo_render import render_reply
from conversations.messages import Outgoing
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_form_flow import answer, current_field, fill_all, open_birth_form
from tests.unit.test_login_flow import login
from tests.unit.test_status_flow import add, make_dossier


async def someone_elses_dossier(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> str:
    dossier = make_dossier(catalog, clock, owner="telegram:999")
    await add(uow_factory, dossier)
    return dossier.code


async def test_a_dossier_code_pasted_on_the_profile_card_shows_its_status(
    chat: ChatDriver,
    sms: RecordingSms,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    code = await someone_elses_dossier(uow_factory, catalog, clock)
    await login(chat, sms)
    await chat.send("/profile")
    assert chat.keys == ["profile.card"]
    pasted = code.lower().replace("-", " - ")  # as a phone keyboard and a hurried hand type it
    await chat.send(pasted)
    assert chat.keys == ["status.public", "profile.card"], chat.keys  # and she stays there
    assert code in chat.text(chat.replies[0]) and "Mới đăng ký" in chat.text(chat.replies[0])


async def test_a_code_is_read_in_english_too_and_on_the_procedure_card(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    code = await someone_elses_dossier(uow_factory, catalog, clock)
    await chat.send("/start")
    await chat.press("Ngôn ngữ")
    await chat.press("English")
    await chat.send("birth registration")
    await chat.press("(1.001193)")
    assert chat.keys == ["proc.card"]
    await chat.send(code)
    assert chat.keys == ["status.public", "proc.card"]
    assert "Submitted" in chat.texts.plain(chat.replies[0].text, "en")


async def test_a_procedure_name_typed_in_the_menu_searches(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("đăng ký khai sinh")
    assert chat.keys == ["search.results_page"], chat.keys
    chat.find_button("Đăng ký khai sinh (1.001193)")


async def test_a_form_answer_that_looks_like_a_code_or_a_word_is_taken_as_the_answer(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    code = await someone_elses_dossier(uow_factory, catalog, clock)
    await open_birth_form(chat)
    question = chat.text()
    await chat.send(code)  # the name question: a code is a (wrong) name, not a lookup
    assert chat.keys == ["form.invalid", "form.question"] and chat.text() == question
    await chat.send("hủy")  # the name question: "Hủy" is a name here, not "cancel"
    assert chat.keys == ["form.question"] and chat.text() != question
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["ho_ten"] == "hủy"
    date_question = chat.text()
    for word in ("menu", "giúp", "help", "Quay lại", "track"):  # words and a button's label
        await chat.send(word)
        assert chat.keys == ["form.invalid", "form.question"], (word, chat.keys)
        assert chat.text() == date_question, word


async def test_the_place_of_birth_keeps_a_code_shaped_answer(
    chat: ChatDriver, catalog: Catalog, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await open_birth_form(chat)
    for _ in range(30):  # up to the free-text place of birth
        if "Nơi sinh" in chat.text():
            break
        await answer(chat, catalog, current_field(chat, catalog))
    assert "Nơi sinh" in chat.text()
    await chat.send("H04.101-251125-0001")
    assert "status.public" not in chat.keys and "status.not_found" not in chat.keys
    (draft,) = uow_factory.db.drafts.values()
    assert draft.answers["noi_sinh"] == "H04.101-251125-0001"


@pytest.mark.parametrize(
    ("lang", "word", "expected"),
    [
        ("vi", "tra cứu", "dossiers.ask_code"),
        ("vi", "TRA CUU", "dossiers.ask_code"),
        ("vi", "hồ sơ của tôi", "identity.dossiers_login"),
        ("vi", "ho so cua toi", "identity.dossiers_login"),
        ("vi", "hủy", "menu.main"),
        ("vi", "huy", "menu.main"),
        ("vi", "Menu", "menu.main"),
        ("vi", "giúp", "common.help"),
        ("vi", "giup", "common.help"),
        ("en", "track", "dossiers.ask_code"),
        ("en", "My dossiers", "identity.dossiers_login"),
        ("en", "cancel", "menu.main"),
        ("en", "menu", "menu.main"),
        ("en", "Help!", "common.help"),
    ],
)
async def test_the_everyday_words_work_on_a_procedure_card(
    chat: ChatDriver, lang: str, word: str, expected: str
) -> None:
    await chat.send("/start")
    if lang == "en":
        await chat.press("Ngôn ngữ")
        await chat.press("English")
    await chat.send("khai sinh")
    await chat.press("(1.001193)")
    assert chat.keys == ["proc.card"]
    await chat.send(word)
    assert expected in chat.keys, chat.keys


async def test_the_words_work_while_logging_in_and_cancel_the_login(chat: ChatDriver) -> None:
    await chat.send("/login")
    if chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    assert chat.keys[-1] == "login.ask_id"
    await chat.send("hủy")
    assert chat.keys[-1] == "menu.main" and "login.ask_id" not in chat.keys


async def test_the_menu_has_track_a_dossier_which_asks_for_the_code(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    code = await someone_elses_dossier(uow_factory, catalog, clock)
    await chat.send("/start")
    await chat.press("Tra cứu hồ sơ")
    assert chat.keys == ["dossiers.ask_code"]
    await chat.send("khai sinh")  # a name is not a code: said so, asked again, no search
    assert chat.keys == ["dossiers.code_unreadable", "dossiers.ask_code"]
    await chat.send(code)
    assert chat.keys == ["status.public", "menu.main"]


async def test_my_own_dossier_code_opens_its_card_and_an_unknown_code_is_said_so(
    chat: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    mine = make_dossier(catalog, clock)  # filed from this chat (web:tester)
    await add(uow_factory, mine)
    await chat.send("/start")
    await chat.send(mine.code)
    assert chat.keys == ["dossiers.card"]
    await chat.send("khai sinh")  # on my dossier's card: a search is offered
    assert chat.keys == ["anywhere.search_offer", "dossiers.card"]
    await chat.press("Tìm thủ tục này")
    await chat.press("(1.001193)")
    await chat.send("H04.999-251125-0001")
    assert chat.keys == ["status.not_found", "proc.card"]


async def test_a_procedure_name_on_the_profile_card_offers_a_search(
    chat: ChatDriver, sms: RecordingSms
) -> None:
    await login(chat, sms)
    await chat.send("/profile")
    await chat.send("giấy khai sinh")
    assert chat.keys == ["anywhere.search_offer", "profile.card"], chat.keys
    assert "Tìm thủ tục «giấy khai sinh»?" in chat.text(chat.replies[0])
    await chat.press("Tìm thủ tục này")
    assert chat.keys == ["search.results_page"]
    chat.find_button("Đăng ký khai sinh (1.001193)")


async def test_in_english_a_procedure_name_offers_a_search_and_nonsense_does_not(
    chat: ChatDriver, sms: RecordingSms
) -> None:
    await login(chat, sms)
    await chat.send("/lang")
    await chat.press("English")
    await chat.send("/profile")
    await chat.send("qwxz")
    assert chat.keys == ["common.not_understood", "profile.card"]
    await chat.send("birth registration")
    assert chat.keys[0] == "anywhere.search_offer"
    assert "Search for the procedure «birth registration»?" in chat.texts.plain(
        chat.replies[0].text, "en"
    )
    await chat.press("Search for it")
    assert chat.keys == ["search.results_page"]


async def test_no_search_is_offered_where_a_typed_value_is_awaited(chat: ChatDriver) -> None:
    await chat.send("/login")
    if chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    await chat.send("đăng ký khai sinh")  # typed where the ID number is asked
    assert "anywhere.search_offer" not in chat.keys and chat.keys[-1] == "login.ask_id"


@pytest.mark.parametrize(
    "typed",
    ["nop ho so truc tuyen", "NỘP HỒ SƠ TRỰC TUYẾN", "nop ho so truc tuyn", "nôp hồ sơ trưc tuyên"],
)
async def test_a_button_label_typed_without_diacritics_presses_it(
    chat: ChatDriver, typed: str
) -> None:
    await chat.send("/start")
    await chat.send("khai sinh")
    await chat.press("(1.001193)")
    assert chat.keys == ["proc.card"]
    await chat.send(typed)  # the card's "📝 Nộp hồ sơ trực tuyến", typed
    assert chat.keys == ["login.offer"], chat.keys


async def test_an_english_button_label_typed_presses_it(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.press("Ngôn ngữ")
    await chat.press("English")
    await chat.send("khai sinh")
    await chat.press("(1.001193)")
    await chat.send("file onlin")  # "📝 File online", with a typo
    assert chat.keys == ["login.offer"], chat.keys


async def test_confirming_the_form_by_typing_the_label(chat: ChatDriver, catalog: Catalog) -> None:
    await open_birth_form(chat)
    await fill_all(chat, catalog)
    await chat.send("xac nhan to khai")
    assert chat.keys == ["form.final", "docs.checklist"]


async def test_on_zalo_the_review_shows_confirm_on_the_first_page(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_all(chat, catalog)
    review: Outgoing = chat.last
    assert len([b for row in review.buttons for b in row]) > 5  # an edit button per answer
    rendered = render_reply(chat.replies, "vi", TextCatalog())
    first = rendered.parts[-1]
    assert isinstance(first, dict)
    titles = [b["title"] for b in first["attachment"]["payload"]["buttons"]]
    assert "✅ Xác nhận tờ khai" in titles and titles[-1] == "➕ Xem thêm", titles
    assert "d:confirm" not in [c.payload for c in rendered.overflow]
