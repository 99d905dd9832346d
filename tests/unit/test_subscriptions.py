"""Status updates belong to the citizen, not to a login: a chat logged out for being idle is
told, and keeps hearing of its citizen's dossiers (as a follower does: no personal data);
the citizen's own /logout stops them."""

from __future__ import annotations

from conversations.status_messages import StatusMessages
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus
from services.status_pushes import push_status_changes
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_login_flow import login
from tests.unit.test_status_flow import add, make_dossier, move, pushes


async def test_an_idle_logout_keeps_the_updates_without_personal_data_and_says_so(
    chat: ChatDriver,
    sms: RecordingSms,
    clock: FakeClock,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
) -> None:
    await login(chat, sms)
    citizen = next(iter(uow_factory.db.citizens))
    # filed from another chat; this chat hears of it only because the citizen logged in here
    await add(uow_factory, make_dossier(catalog, clock, owner="web:elsewhere", citizen_id=citizen))
    messages = StatusMessages(catalog)
    await move(uow_factory, clock, DossierStatus.RECEIVED)
    await push_status_changes(uow_factory, messages, clock)
    [logged_in] = pushes(uow_factory, chat.address.key)
    assert logged_in.text.key == "push.status"

    clock.advance(minutes=31)
    await chat.send("/menu")
    assert chat.keys == ["login.session_expired", "session.updates_kept", "menu.main"]
    await move(uow_factory, clock, DossierStatus.PROCESSING, "Thiếu chữ ký của chủ hộ")
    await push_status_changes(uow_factory, messages, clock)
    _, idle = pushes(uow_factory, chat.address.key)
    assert idle.text.key == "push.follower"  # no note from the officer, no personal data
    assert "Thiếu chữ ký" not in chat.text(idle) and "Nông Thị Hoa" not in chat.text(idle)

    await chat.send("/logout")  # the citizen's own choice: the updates stop
    await move(uow_factory, clock, DossierStatus.SUPPLEMENT_REQUESTED)
    await push_status_changes(uow_factory, messages, clock)
    assert len(pushes(uow_factory, chat.address.key)) == 2
    assert len(pushes(uow_factory, "web:elsewhere")) == 3  # the owner's chat hears of all


async def test_logging_in_as_someone_else_ends_the_earlier_citizen_s_updates(
    chat: ChatDriver,
    sms: RecordingSms,
    clock: FakeClock,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
) -> None:
    await login(chat, sms)
    citizen = next(iter(uow_factory.db.citizens))
    await add(uow_factory, make_dossier(catalog, clock, owner="web:elsewhere", citizen_id=citizen))
    clock.advance(minutes=31)
    await chat.send("/menu")  # idle logout: still subscribed
    async with uow_factory() as uow:
        assert await uow.citizens.subscribed_chats(citizen) == [chat.address.key]
        await uow.citizens.link("someone-else", chat.address.key, clock.now())
        await uow.commit()
        assert await uow.citizens.subscribed_chats(citizen) == []
