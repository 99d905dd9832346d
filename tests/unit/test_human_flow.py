"""Talk to a person: a citizen's chat handed to the right agency's officer chats, answered
through the bot, and ended — driven through the real Router, both sides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.flow import Settings
from conversations.messages import Outgoing, Platform
from conversations.router import Filing, Identity, Router
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.places import Places
from services.talks import DeskSettings, OfficerDesk
from tests.chat import ChatDriver
from tests.contract.dossier_samples import code, dossier
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, SequentialIds

JUSTICE, HEALTH = "telegram:900", "telegram:901"
DESK = DeskSettings(
    officer_chats={
        JUSTICE: OfficerDesk("so_tu_phap", "Cán bộ Lan"),
        HEALTH: OfficerDesk("so_y_te", "Cán bộ Hùng"),
    },
    admin_chats=("telegram:1",),
    default_agency="ubnd_tinh",
)
TEXTS = TextCatalog(strict=True)
SATURDAY_22_VIETNAM = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    settings = Settings(desk=DESK, admin_chats=("telegram:1",))
    return Router(uow_factory, catalog, places, clock, SequentialIds(), identity, filing, settings)


@pytest.fixture
def citizen(router: Router) -> ChatDriver:
    return ChatDriver(router, chat_id="c1")


async def officer(router: Router, key: str) -> ChatDriver:
    """An officer (or any Telegram) chat, past its first greeting."""
    chat = ChatDriver(router, chat_id=key.partition(":")[2], platform=Platform.TELEGRAM)
    await chat.send("/start")
    return chat


def outbox(uow_factory: MemoryUnitOfWorkFactory, recipient: str) -> list[Outgoing]:
    """What the outbox holds for a chat, besides direct replies, oldest first."""
    return [
        from_json(Outgoing, item.message)
        for item in uow_factory.db.outbox
        if item.recipient == recipient and item.event.startswith("talk:")
    ]


def shown(message: Outgoing, lang: str = "vi") -> str:
    return TEXTS.plain(message.text, lang)


async def store_dossier(uow_factory: MemoryUnitOfWorkFactory, owner: str = "web:c1") -> str:
    async with uow_factory() as uow:
        await uow.dossiers.add(
            dossier("d1", 1, DossierStatus.PROCESSING, owner=owner, agency_id="so_tu_phap")
        )
        await uow.commit()
    return code(1)


async def test_an_exchange_goes_citizen_to_officer_to_citizen_and_ends(
    citizen: ChatDriver, router: Router, uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    dossier_code = await store_dossier(uow_factory)
    await citizen.send("/start")
    await citizen.send("/canbo")
    assert citizen.keys == ["human.choose"]
    await citizen.press(f"Hồ sơ {dossier_code}")
    assert citizen.keys == ["human.opened", "human.hours_open", "human.open_prompt"]
    assert "Sở Tư pháp tỉnh Cao Bằng" in citizen.text(citizen.replies[0])
    [new] = outbox(uow_factory, JUSTICE)
    assert new.text.key == "human.desk_new" and dossier_code in shown(new)
    assert outbox(uow_factory, HEALTH) == []  # another agency's officers see nothing

    await citizen.send("Khi nào có kết quả?")
    assert citizen.keys == ["human.forwarded"]
    written = outbox(uow_factory, JUSTICE)[-1]
    assert "Khi nào có kết quả?" in shown(written)

    lan = await officer(router, JUSTICE)
    await lan.press_payload(written.buttons[0][0].payload)  # "Trả lời"
    assert lan.keys == ["human.desk_answer_ask"] and "Cán bộ Lan" in lan.text()
    clock.advance(minutes=5)
    await lan.send("Thứ Sáu anh/chị nhận kết quả nhé.")
    assert lan.keys == ["human.desk_answer_sent", "menu.main"]
    [answer] = outbox(uow_factory, "web:c1")
    assert answer.text.key == "human.answer"
    assert shown(answer) == (
        "👤 Cán bộ Lan (Sở Tư pháp tỉnh Cao Bằng) trả lời lúc 10:05 25/11/2026:\n"
        "Thứ Sáu anh/chị nhận kết quả nhé."
    )
    assert "answered at 10:05 25/11/2026" in shown(answer, "en")

    await citizen.send("/end")
    assert citizen.keys == ["human.ended", "menu.main"]
    assert dossier_code in citizen.text(citizen.replies[0])
    assert outbox(uow_factory, JUSTICE)[-1].text.key == "human.desk_closed_by_citizen"

    await lan.press_payload(written.buttons[0][0].payload)  # a stale "Trả lời"
    assert lan.keys == ["human.desk_already_closed", "menu.main"]
    await lan.press_payload(written.buttons[0][1].payload)  # a stale "Kết thúc"
    assert lan.keys == ["human.desk_already_closed", "menu.main"]
    async with uow_factory() as uow:
        [kept] = await uow.talks.listing(["so_tu_phap"], dossier_id="d1")
        said = await uow.talks.messages(kept.id)
    assert [(m.author.value, m.name) for m in said] == [("citizen", ""), ("officer", "Cán bộ Lan")]
    assert kept.closed_by == "citizen" and not kept.is_open

    await lan.send(f"/hoidap {dossier_code}")  # kept with the dossier, readable later
    assert lan.keys == ["human.desk_transcript", "menu.main"]
    transcript = lan.text(lan.replies[0])
    assert "đã kết thúc" in transcript and "[10:00 25/11/2026] Công dân: Khi nào" in transcript
    assert "[10:05 25/11/2026] Cán bộ Lan: Thứ Sáu anh/chị nhận kết quả nhé." in transcript
    hung = await officer(router, HEALTH)
    await hung.send(f"/hoidap {dossier_code}")  # another agency: not even the dossier
    assert hung.keys == ["status.not_found", "menu.main"]


async def test_an_officer_of_another_agency_can_neither_see_nor_answer(
    citizen: ChatDriver, router: Router, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await store_dossier(uow_factory)
    await citizen.send("/start")
    await citizen.send("/human")
    await citizen.press("Hồ sơ")
    [new] = outbox(uow_factory, JUSTICE)
    hung = await officer(router, HEALTH)
    await hung.press_payload(new.buttons[0][0].payload)
    assert hung.keys == ["human.desk_not_found", "menu.main"]
    await hung.press_payload(new.buttons[0][1].payload)
    assert hung.keys == ["human.desk_not_found", "menu.main"]
    await hung.send("/hoidap")
    assert hung.keys == ["human.desk_list_empty", "menu.main"]
    assert outbox(uow_factory, "web:c1") == []
    stranger = await officer(router, "telegram:555")  # no officer chat at all
    await stranger.press_payload(new.buttons[0][0].payload)
    assert stranger.keys == ["human.desk_refused", "menu.main"]
    province = await officer(router, "telegram:1")  # an admin chat acts for the province
    await province.send("/hoidap")
    assert province.keys == ["human.desk_list", "human.desk_list_item", "menu.main"]
    async with uow_factory() as uow:
        [open_one] = await uow.talks.listing(None)
    assert open_one.is_open  # nothing the other agency did closed it


async def test_outside_office_hours_the_citizen_is_told_when_an_answer_will_come(
    citizen: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    clock.advance(seconds=(SATURDAY_22_VIETNAM - clock.now()).total_seconds())
    await citizen.send("/start")
    await citizen.send("gặp cán bộ")  # typed anywhere; no dossier: the province's desk
    assert citizen.keys == ["human.opened", "human.hours_closed", "human.open_prompt"]
    assert "UBND tỉnh Cao Bằng" in citizen.text(citizen.replies[0])
    later = citizen.text(citizen.replies[1])
    assert "07:30 07/12/2026" in later and "thứ Hai – thứ Sáu" in later
    await citizen.send("Tôi cần hỏi về thủ tục khai sinh")
    assert citizen.keys == ["human.forwarded_later"]
    assert "07:30 07/12/2026" in citizen.text()
    admin = outbox(uow_factory, "telegram:1")
    assert [m.text.key for m in admin] == ["human.desk_new", "human.desk_message"]
    assert outbox(uow_factory, JUSTICE) == []  # a general question goes to the province desk


async def test_a_second_request_while_one_is_open_goes_on_with_the_open_one(
    citizen: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await citizen.send("/start")
    await citizen.press("Gặp cán bộ")  # the main menu's button
    assert citizen.keys[0] == "human.opened"
    await citizen.send("/menu")
    await citizen.send("talk to a person")
    assert citizen.keys == ["human.already_open", "human.open_prompt"]
    await citizen.send("/canbo")
    assert citizen.keys == ["human.already_open", "human.open_prompt"]
    async with uow_factory() as uow:
        assert len(await uow.talks.listing(None)) == 1
    await citizen.send("menu")  # while open, typed words go to the officers as they are
    assert citizen.keys == ["human.forwarded"]
    await citizen.upload()
    assert citizen.keys == ["human.text_only", "human.open_prompt"]
    await citizen.send("/cancel")
    assert citizen.keys == ["human.ended", "menu.main"]
    await citizen.send("/end")
    assert citizen.keys == ["human.none_open", "menu.main"]


async def test_an_officer_ends_it_and_the_citizen_is_told_by_whom_and_when(
    citizen: ChatDriver, router: Router, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await store_dossier(uow_factory)
    await citizen.send("/start")
    await citizen.send("/canbo")
    await citizen.press("Hồ sơ")
    [new] = outbox(uow_factory, JUSTICE)
    lan = await officer(router, JUSTICE)
    await lan.press_payload(new.buttons[0][1].payload)  # "Kết thúc"
    assert lan.keys == ["human.desk_closed_done", "menu.main"]
    [told] = outbox(uow_factory, "web:c1")
    assert told.text.key == "human.ended_by_officer"
    assert "Cán bộ Lan (Sở Tư pháp tỉnh Cao Bằng) đã kết thúc" in shown(told)
    assert "10:00 25/11/2026" in shown(told)
    await citizen.send("Còn một câu nữa")
    assert citizen.keys == ["human.none_open", "menu.main"]


async def test_nothing_fits_offers_a_person(citizen: ChatDriver) -> None:
    await citizen.send("/start")
    await citizen.send("/menu")
    await citizen.press("Tìm thủ tục")
    await citizen.send("xin cấp phép nuôi rồng bay")
    assert citizen.keys == ["search.none"]
    await citizen.press("Gặp cán bộ")
    assert citizen.keys == ["human.opened", "human.hours_open", "human.open_prompt"]


async def test_asking_again_while_choosing_opens_nothing(
    citizen: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    dossier_code = await store_dossier(uow_factory)
    await citizen.send("/start")
    await citizen.send("/canbo")
    await citizen.send("/help")
    assert citizen.keys == ["common.help", "human.choose"]
    async with uow_factory() as uow:
        assert await uow.talks.listing(None) == []
    await citizen.press("Câu hỏi chung")  # a general question: the province's desk
    assert citizen.keys[0] == "human.opened" and dossier_code not in citizen.text(
        citizen.replies[0]
    )
    assert "UBND tỉnh Cao Bằng" in citizen.text(citizen.replies[0])


async def test_help_in_an_officer_chat_says_how_to_answer(
    router: Router, citizen: ChatDriver
) -> None:
    lan = await officer(router, JUSTICE)
    await lan.send("/help")
    assert lan.keys == ["common.help", "human.desk_help", "menu.main"]
    await citizen.send("/help")
    assert "human.desk_help" not in citizen.keys


async def test_canbo_with_a_code_goes_straight_to_that_dossiers_agency(
    citizen: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    dossier_code = await store_dossier(uow_factory)
    await citizen.send("/start")
    await citizen.send(f"/canbo {dossier_code.lower().replace('-', ' ')}")  # as citizens type it
    assert citizen.keys == ["human.opened", "human.hours_open", "human.open_prompt"]
    assert dossier_code in citizen.text(citizen.replies[0])
    assert "Sở Tư pháp tỉnh Cao Bằng" in citizen.text(citizen.replies[0])
