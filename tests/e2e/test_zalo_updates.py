# ruff: noqa: F811 - the tests take the `bot` fixture imported from test_zalo_channel
"""Zalo updates end to end, on the real outbox, paced sender and ZaloTransport against
FakeZalo: an update is ONE transaction message that spends none of the user's 8 replies;
what Zalo refuses (quota used up, unfollowed) is held, given to the citizen's other chats,
and delivered — newest status of each dossier, once — when the user next writes; a file the
CDN will not give gets a specific answer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.disk_space import DiskGuard
from bot.senders import ZaloTransport
from conversations.messages import Text
from conversations.status_messages import StatusMessages
from services.dossier_codes import DossierStatus
from services.outbox import OutboxItem
from services.sending import Limits, PacedSender, other_channels
from services.status_pushes import push_status_changes
from storage.tables import ZaloHeldRow
from tests.e2e.fakes import ZaloSent
from tests.e2e.reply_parts import delivered
from tests.e2e.test_zalo_channel import HOURS, Bot, bot  # noqa: F401 - the fixture
from tests.unit.test_filing_flow import JPEG, PDF
from tests.unit.test_status_flow import add, make_dossier, move

USER = "5020"
CHAT = f"zalo:{USER}"
TELEGRAM = "telegram:77"


def sender(bot: Bot) -> PacedSender:
    app = bot.app

    async def fallback(item: OutboxItem) -> None:
        await other_channels(app.uow_factory, item, app.clock)

    limits = Limits(per_second=100, chat_interval=0.0)
    return PacedSender(
        app.uow_factory, ZaloTransport(app, bot.channel), app.clock, limits, fallback=fallback
    )


async def dossier(bot: Bot, id_: str, serial: int) -> str:
    """A dossier filed from the Zalo chat by citizen c-20 (also logged in on Telegram)."""
    app = bot.app
    made = make_dossier(
        app.catalog, app.clock, id=id_, owner=CHAT, citizen_id="c-20",  # type: ignore[arg-type]
        code=f"000.00.00.H04-251125-{serial:04d}",
    )  # fmt: skip
    await add(app.uow_factory, made)  # type: ignore[arg-type]
    return made.code


async def change(bot: Bot, id_: str, status: DossierStatus) -> None:
    app = bot.app
    await move(app.uow_factory, app.clock, status, dossier_id=id_)  # type: ignore[arg-type]
    await push_status_changes(app.uow_factory, StatusMessages(app.catalog), app.clock)


async def held_states(bot: Bot) -> list[tuple[str, str]]:
    table = ZaloHeldRow.__table__  # type: ignore[attr-defined]
    async with bot.app.engine.connect() as connection:
        rows = await connection.execute(select(table.c.event, table.c.state).order_by(table.c.id))
        return [(str(e), str(s)) for e, s in rows]


async def outbox_for(bot: Bot, recipient: str) -> Sequence[Any]:
    async with bot.app.uow_factory() as uow:
        return await uow.outbox.pending(recipient, 0, 100)


def shown(sent: ZaloSent) -> str:
    """All the words of a message as the user sees them."""
    if sent.kind == "list":
        return "\n".join(f"{e['title']}\n{e.get('subtitle', '')}" for e in sent.elements)
    return sent.text or ""


def label(status: DossierStatus) -> str:
    return status.label("vi")


async def test_a_status_update_is_one_transaction_message_that_spends_no_reply(bot: Bot) -> None:
    await bot.chat(USER).send("/start")
    code = await dossier(bot, "z1", 1)
    window = bot.zalo.windows[USER]
    replies = window.replies
    await change(bot, "z1", DossierStatus.RECEIVED)
    assert await sender(bot).run_once() == 1
    [update] = bot.zalo.sent(USER)[-1:]
    assert update.kind == "transaction" and update.billed == "transaction"
    assert code in (update.text or "") and label(DossierStatus.RECEIVED) in (update.text or "")
    assert [b["payload"] for b in update.buttons] == ["#p:dso:z1"]  # the text and its button
    assert window.replies == replies  # none of the user's 8 replies spent
    assert bot.zalo.transaction_quota == bot.zalo.transaction_total - 1

    bot.zalo.advance(72 * HOURS)  # long after the 48-hour window: still delivered
    await change(bot, "z1", DossierStatus.PROCESSING)
    await sender(bot).run_once()
    assert bot.zalo.sent(USER)[-1].kind == "transaction"
    assert label(DossierStatus.PROCESSING) in (bot.zalo.sent(USER)[-1].text or "")


async def test_a_zalo_citizen_silent_for_49_hours_who_then_writes_receives_the_updates_they_missed(
    bot: Bot,
) -> None:
    chat = bot.chat(USER)
    await chat.send("/start")
    async with bot.app.uow_factory() as uow:  # the citizen is also logged in on Telegram
        await uow.citizens.link("c-20", CHAT, bot.app.clock.now())
        await uow.citizens.link("c-20", TELEGRAM, bot.app.clock.now())
        await uow.commit()
    code_a, code_b = await dossier(bot, "za", 2), await dossier(bot, "zb", 3)
    bot.zalo.advance(1 * HOURS)
    await change(bot, "za", DossierStatus.RECEIVED)
    await sender(bot).run_once()  # delivered at once, as a transaction message
    before = len(bot.zalo.sent(USER))

    bot.zalo.transaction_quota = 0  # the OA's transaction quota is used up
    for hours, (dossier_id, status) in zip(
        (5, 10, 10, 10),
        [
            ("za", DossierStatus.PROCESSING),
            ("zb", DossierStatus.RECEIVED),
            ("za", DossierStatus.SUPPLEMENT_REQUESTED),
            ("zb", DossierStatus.PROCESSING),
        ],
        strict=True,
    ):
        bot.zalo.advance(hours * HOURS)
        await change(bot, dossier_id, status)
        await sender(bot).run_once()
    assert len(bot.zalo.sent(USER)) == before  # nothing reached Zalo meanwhile…
    assert len(await outbox_for(bot, TELEGRAM)) == 5  # …but all went to Telegram (+ the first)
    assert [s for _, s in await held_states(bot)] == ["held"] * 4

    bot.zalo.advance(49 * HOURS - 35 * HOURS + 60)  # 49 hours after the user last wrote
    assert bot.zalo.now() - (bot.zalo.windows[USER].last_user_message or 0) > 49 * HOURS - 60
    await chat.send("xin chào")
    wire = bot.zalo.sent(USER)[before:]
    assert len(wire) <= 3  # the answer and what they missed, in one or few messages
    # What they missed comes first (delivered as the message is applied), then the answer,
    # which the paced sender sends.
    missed = "\n".join(shown(m) for m in wire[:-1])
    assert "Trong thời gian bạn vắng mặt" in missed
    assert missed.count(code_a) == 1 and missed.count(code_b) == 1  # each dossier once
    assert label(DossierStatus.SUPPLEMENT_REQUESTED) in missed  # A's latest status
    assert missed.index(code_b) < missed.index(code_a)  # newest first (B changed last)
    assert missed.count(label(DossierStatus.PROCESSING)) == 1  # B's; A's older one is stale
    assert label(DossierStatus.RECEIVED) not in missed  # B's older status, superseded too
    assert all(m.billed == "reply" for m in wire)  # within the reply budget
    assert sorted(s for _, s in await held_states(bot)) == [
        "delivered", "delivered", "superseded", "superseded",
    ]  # fmt: skip

    before = len(bot.zalo.sent(USER))
    await chat.send("/menu")  # writing again brings nothing twice
    assert not any(code_a in shown(m) for m in bot.zalo.sent(USER)[before:])


async def test_a_user_who_unfollowed_gets_the_update_when_they_come_back_and_write(
    bot: Bot,
) -> None:
    chat = bot.chat(USER)
    await chat.send("/start")
    code = await dossier(bot, "zu", 4)
    await bot.zalo.user_unfollow(USER)
    await change(bot, "zu", DossierStatus.RECEIVED)
    await sender(bot).run_once()
    assert not any(m.kind == "transaction" for m in bot.zalo.sent(USER))  # Zalo refused it
    [(event, state)] = await held_states(bot)
    assert event.startswith("status:") and state == "held"
    await bot.zalo.user_follow(USER)
    before = len(bot.zalo.sent(USER))
    await chat.send("tôi quay lại rồi")
    assert any(code in shown(m) for m in bot.zalo.sent(USER)[before:])
    assert [s for _, s in await held_states(bot)] == ["delivered"]


async def test_while_the_disk_is_low_a_file_is_refused_unfetched_and_text_still_answered(
    bot: Bot,
) -> None:
    chat = bot.chat(USER)
    await chat.send("/start")
    bot.app.disk = DiskGuard(Path(bot.app.settings.data_dir), 10**12)  # no disk has that
    before = len(bot.zalo.sent(USER))
    delivery = await bot.zalo.user_file(USER, PDF, "giay-to.pdf")
    assert delivery.status == 200
    await bot.channel.drained()
    await delivered(bot.app, CHAT)
    [answer] = bot.zalo.sent(USER)[before:]
    assert answer.text == chat.texts.plain(Text("upload.paused"), "vi")
    incoming = Path(bot.app.settings.data_dir) / "incoming"
    assert not incoming.exists() or not any(p.is_file() for p in incoming.iterdir())
    await chat.send("/menu")  # chatting goes on
    assert chat.keys and chat.keys[-1] == "menu.main"


async def test_a_file_zalo_will_not_give_gets_a_specific_answer(bot: Bot) -> None:
    chat = bot.chat(USER)
    await chat.send("/start")
    bot.channel._api.download_timeout = 0.5  # the fake CDN stalls for 3 s
    cases = {
        "tu-choi.pdf": ("refuse", "zalo.file_refused"),
        "cham.pdf": ("stall", "zalo.file_timeout"),
    }
    for name, (fault, key) in cases.items():
        bot.zalo.cdn_faults[name] = fault
        before = len(bot.zalo.sent(USER))
        delivery = await bot.zalo.user_file(USER, PDF, name)
        assert delivery.status == 200  # answered, not "system error" and a retry
        await bot.channel.drained()  # applied from the inbox
        await delivered(bot.app, CHAT)  # the answer sent by the paced sender
        [answer] = bot.zalo.sent(USER)[before:]
        assert answer.text == chat.texts.plain(Text(key, {"name": name}), "vi")
        assert "10 MB" in (answer.text or "")
    # Too large or not a PDF/JPG/PNG: fetched (within 10 MB), and answered by the step that
    # asked for a file (docs.rejected, see test_zalo_channel); here none did.
    await chat.file(PDF + b"0" * (10 * 1024 * 1024), "qua-lon.pdf")
    assert chat.keys[0] == "common.unexpected_upload"
    await chat.file(b"PK\x03\x04 a word file", "don.docx")
    assert chat.keys[0] == "common.unexpected_upload"
    before = len(bot.zalo.sent(USER))
    await bot.zalo.user_image(USER, JPEG)  # a good file still reaches the conversation
    await bot.channel.drained()
    await delivered(bot.app, CHAT)
    assert bot.zalo.sent(USER)[before:] and not any(
        "Không tải được" in (m.text or "") for m in bot.zalo.sent(USER)[before:]
    )
