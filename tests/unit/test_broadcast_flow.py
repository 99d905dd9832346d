"""/thongbao end to end through the router: compose, audience, preview, confirm once, cancel,
and the live progress message the scheduler keeps up to date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.broadcast_messages import progress_message, progress_outgoing
from conversations.messages import Incoming, Outgoing, OutgoingKind, Platform
from conversations.router import Filing, Identity, Router
from conversations.texts import TextCatalog
from services.broadcasts import (
    Audience,
    AudienceKind,
    Broadcast,
    BroadcastState,
    Progress,
    advance,
)
from services.catalog_index import Catalog
from services.citizens import Citizen, Person
from services.codec import from_json
from services.outbox import OutboxStatus
from services.places import Places
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory
from tests.unit.test_admin_flow import add_dossier, admin_router, started
from tests.unit.test_filing_flow import EXE, PDF, PNG, send_file

CHATS = ("telegram:1", "telegram:2", "zalo:1", "web:citizen-a", "web:citizen-b")


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    """The router of a deployment whose settings name the admin chats."""
    return admin_router(uow_factory, catalog, places, clock, identity, filing)


@pytest.fixture
async def officer(
    router: Router,
    uow_factory: MemoryUnitOfWorkFactory,
    people: list[Person],
    catalog: Catalog,
    clock: FakeClock,
) -> ChatDriver:
    """The admin, and an audience: five other chats, one of which blocked the bot; Nông Thị
    Hoa of Phường Thục Phán on web:citizen-a; a temporary-residence dossier filed from
    web:citizen-b and followed from telegram:1."""
    driver = await started(router, "admin")
    db = uow_factory.db
    for key in CHATS:
        db.conversations[key] = {}
    db.chat_status["telegram:2"] = False
    hoa = next(p for p in people if p.full_name == "Nông Thị Hoa")
    nam = next(p for p in people if p.full_name == "Hoàng Văn Nam")
    db.citizens["c-hoa"], db.citizens["c-nam"] = Citizen("c-hoa", hoa), Citizen("c-nam", nam)
    db.links[("c-hoa", "web:citizen-a")] = (clock.now(), True)
    db.links[("c-nam", "zalo:1")] = (clock.now(), True)
    dossier = add_dossier(uow_factory, catalog, clock.now(), owner="web:citizen-b")
    db.followers[(dossier.id, "telegram:1")] = (clock.now(), clock.now())
    return driver


async def count(uow_factory: MemoryUnitOfWorkFactory, audience: Audience) -> int:
    async with uow_factory() as uow:
        return await uow.chats.count(audience)


async def compose(officer: ChatDriver, text: str = "Lịch tiếp dân thay đổi từ 1/12.") -> None:
    await officer.send("/thongbao")
    assert officer.keys == ["broadcast.ask_text"]
    await officer.send(text)
    assert officer.keys == ["broadcast.ask_image"]


async def test_compose_with_a_photo_preview_confirm_once(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, staging: MemoryStaging
) -> None:
    await officer.send("/broadcast")
    await officer.send("x" * 1001)
    assert officer.keys == ["broadcast.too_long", "broadcast.ask_text"]
    assert "1001 ký tự, tối đa 1000" in officer.text(officer.replies[0])
    await officer.send("Từ 1/12, Bộ phận một cửa làm việc cả sáng thứ Bảy.")
    assert officer.keys == ["broadcast.ask_image"]
    for content, name in ((EXE, "anh.jpg"), (PDF, "thong-bao.pdf")):
        await send_file(officer, staging, content, name)
        assert officer.keys == ["docs.rejected", "broadcast.ask_image"], name
    assert staging.stored == {}
    await send_file(officer, staging, PNG, "lich-lam-viec.png")
    assert officer.keys == ["broadcast.image_received", "broadcast.ask_audience"]
    await officer.press("Tất cả người dùng")
    assert officer.keys == ["broadcast.preview_intro", "broadcast.message", "broadcast.preview"]
    shown = officer.replies[1]
    assert shown.kind is OutgoingKind.IMAGE and staging.stored[shown.media_ref] == PNG
    assert "Bộ phận một cửa làm việc cả sáng thứ Bảy" in officer.text(shown)
    everyone = await count(uow_factory, Audience(AudienceKind.ALL))
    assert everyone == 5  # admin, telegram:1, zalo:1, both web citizens; not the blocked one
    assert f"Gửi tới {everyone} người nhận: tất cả người dùng" in officer.text()
    confirm = officer.find_button("Xác nhận gửi").payload
    first = await officer.apply(Incoming.button(confirm), update_id="confirm-1")
    assert officer.keys == ["broadcast.queued", "menu.main"]
    again = await officer.apply(Incoming.button(confirm), update_id="confirm-1")  # redelivered
    assert again == first
    await officer.press_payload(confirm)  # pressed again later: the preview is gone
    assert officer.keys == ["common.stale_button", "menu.main"]
    (broadcast,) = uow_factory.db.broadcasts.values()
    assert broadcast.state is BroadcastState.QUEUING and broadcast.audience.kind is AudienceKind.ALL
    assert broadcast.created_by == broadcast.progress_chat == "web:admin"
    assert from_json(Outgoing, broadcast.message) == shown  # exactly what the preview showed
    assert broadcast.id in officer.text(first[0])


async def test_each_audience_kind_previews_its_recipient_count(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    cases = (
        ("Người dân một xã/phường", ["Thục Phán", "Phường Thục Phán (01273)"],
         Audience(AudienceKind.WARD, "01273"), "người dân ở Phường Thục Phán"),
        ("Người dân một xã/phường", ["01279"], Audience(AudienceKind.WARD, "01279"),
         "người dân ở Phường Nùng Trí Cao"),
        ("Người có hồ sơ một thủ tục", ["tạm trú", "Đăng ký tạm trú"],
         Audience(AudienceKind.PROCEDURE, "dang_ky_tam_tru"), "hồ sơ thủ tục Đăng ký tạm trú"),
        ("Người có hồ sơ một thủ tục", ["1.004194"],
         Audience(AudienceKind.PROCEDURE, "dang_ky_tam_tru"), "Đăng ký tạm trú"),
        ("Người dùng một nền tảng", ["Telegram"], Audience(AudienceKind.PLATFORM, "telegram"),
         "người dùng Telegram"),
        ("Người dùng một nền tảng", ["zalo"], Audience(AudienceKind.PLATFORM, "zalo"),
         "người dùng Zalo"),
    )  # fmt: skip
    expected = (1, 1, 2, 2, 1, 1)
    for (button, moves, audience, words), recipients in zip(cases, expected, strict=True):
        await compose(officer)
        await officer.press("Không kèm ảnh")
        await officer.press(button)
        for move in moves:
            if move in " ".join(officer.label(b) for b in officer.buttons()):
                await officer.press(move)
            else:
                await officer.send(move)
        assert officer.keys[-1] == "broadcast.preview", (button, moves, officer.keys)
        assert await count(uow_factory, audience) == recipients
        assert f"Gửi tới {recipients} người nhận" in officer.text() and words in officer.text()
        await officer.press("Hủy")
        assert officer.keys == ["broadcast.discarded", "menu.main"]
    assert uow_factory.db.broadcasts == {}


async def test_searches_that_find_nothing_and_an_audience_of_nobody(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await compose(officer)
    await officer.press("Không kèm ảnh")
    await officer.press("Người dân một xã/phường")
    await officer.send("xyzzy")
    assert officer.keys == ["broadcast.none_ward"]
    await officer.send("01288")  # Phường Tân Giang: nobody of ours lives there
    assert officer.keys[-1] == "broadcast.preview_nobody"
    assert "Xác nhận gửi" not in " ".join(officer.label(b) for b in officer.buttons())
    await officer.press_payload("d:confirm")
    assert officer.keys[-1] == "broadcast.preview_nobody" and uow_factory.db.broadcasts == {}
    await officer.press("Đổi người nhận")
    await officer.press("Người có hồ sơ một thủ tục")
    await officer.send("qwrtzp")
    assert officer.keys == ["broadcast.none_procedure"]
    await officer.press("Quay lại")
    assert officer.keys == ["broadcast.ask_audience"]


async def test_the_scheduler_tick_shows_progress_and_cancel_stops_the_rest(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    await compose(officer)
    await officer.press("Không kèm ảnh")
    await officer.press("Tất cả người dùng")
    await officer.press("Xác nhận gửi")
    (broadcast,) = uow_factory.db.broadcasts.values()
    await advance(uow_factory, clock, progress_message)
    rows = [i for i in uow_factory.db.outbox if i.event == broadcast.event]
    assert len(rows) == 5
    (live,) = [i for i in uow_factory.db.outbox if i.event.startswith("broadcast-progress:")]
    assert live.recipient == "web:admin"
    progress = from_json(Outgoing, live.message)
    assert progress.replaces == f"broadcast-progress:{broadcast.id}"
    texts = TextCatalog(strict=True)
    assert "đang gửi" in texts.plain(progress.text, "vi")
    assert "Còn lại: 5 (tổng 5)" in texts.plain(progress.text, "vi")
    outsider = await started(officer.router, "1", Platform.TELEGRAM)
    cancel = progress.buttons[0][0].payload
    await outsider.press_payload(cancel)
    assert outsider.keys == ["admin.refused"]
    assert uow_factory.db.broadcasts[broadcast.id].state is BroadcastState.SENDING
    await officer.send("/hoso")  # somewhere else in the dialogue…
    await officer.press_payload(cancel)  # …the button under the progress message still works
    assert officer.keys == ["broadcast.cancelled", "broadcast.progress"]
    assert "5 tin chưa gửi được hủy" in officer.text(officer.replies[0])
    final = officer.replies[1]
    assert final.replaces == progress.replaces and final.buttons == ()
    assert "đã hủy" in officer.text(final) and "Đã hủy: 5" in officer.text(final)
    assert uow_factory.db.broadcasts[broadcast.id].state is BroadcastState.CANCELLED
    assert {i.status for i in uow_factory.db.outbox if i.event == broadcast.event} == {
        OutboxStatus.CANCELLED
    }
    await officer.send(f"/broadcast_cancel {broadcast.id}")
    assert officer.keys == ["broadcast.already_finished", "menu.main"]
    await officer.send("/huythongbao nope")
    assert officer.keys == ["broadcast.not_found", "menu.main"]
    await officer.send("/huythongbao")
    assert officer.keys == ["broadcast.cancel_usage", "menu.main"]


async def test_composing_can_go_back_edit_and_be_discarded(
    officer: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await officer.send("/thongbao Mất điện chiều nay")  # the text may follow the command
    assert officer.keys == ["broadcast.ask_image"]
    await officer.press("Quay lại")
    assert officer.keys == ["broadcast.ask_text"]
    await officer.send("   ")
    assert officer.keys == ["broadcast.ask_text"]
    await officer.send("Mất điện từ 14 giờ")
    await officer.press("Không kèm ảnh")
    await officer.press("Người dùng một nền tảng")
    await officer.press("Trò chuyện trên web")
    await officer.press("Sửa nội dung")
    assert officer.keys == ["broadcast.ask_text"]
    await officer.send("Mất điện từ 15 giờ")
    await officer.press("Hủy")
    assert officer.keys == ["broadcast.discarded", "menu.main"]
    assert uow_factory.db.broadcasts == {}


def test_the_progress_message_in_both_languages() -> None:
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    broadcast = Broadcast(
        "b42", "web:admin", Audience(AudienceKind.ALL), {}, BroadcastState.SENDING, at, at, 10
    )
    texts = TextCatalog(strict=True)
    sending = Progress(total=10, sent=3, failed=1, blocked=2, remaining=4)
    message = from_json(Outgoing, progress_message(broadcast, sending))
    assert message == progress_outgoing(broadcast, sending)
    assert message.replaces == "broadcast-progress:b42"
    assert texts.plain(message.text, "vi") == (
        "📢 Thông báo b42: đang gửi\nĐã gửi: 3 · Lỗi: 1 · Bị chặn: 2 · Còn lại: 4 (tổng 10)"
    )
    assert texts.plain(message.text, "en") == (
        "📢 Announcement b42: sending\nSent: 3 · Failed: 1 · Blocked: 2 · Remaining: 4 (total 10)"
    )
    (button,) = message.buttons[0]
    assert texts.plain(button.label, "vi") == "🛑 Hủy gửi"
    assert texts.plain(button.label, "en") == "🛑 Cancel sending"
    done = Progress(10, 7, 1, 2, 0, state=BroadcastState.DONE)
    finished = progress_outgoing(broadcast, done)
    assert finished.buttons == () and finished.replaces == message.replaces
    assert "đã gửi xong" in texts.plain(finished.text, "vi")
    assert ": done" in texts.plain(finished.text, "en")
    stopped = Progress(10, 3, 0, 0, 0, cancelled=7, state=BroadcastState.CANCELLED)
    assert texts.plain(progress_outgoing(broadcast, stopped).text, "en").endswith(
        "(total 10) · Cancelled: 7"
    )
