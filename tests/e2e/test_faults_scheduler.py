"""`dvc-bot scheduler` killed (SIGKILL) while its paced Telegram sender is pushing, then
started again, on PostgreSQL.

Ten citizens each paid a fee (the bank's signed webhook queued a receipt) and had their
dossier received by an officer (the scheduler's status sync queues that push). The process
is killed from inside the fake Bot API, right after it performed the sixth message and before
the sender heard back; several more rows are claimed and in flight at that moment.

The guarantee, exactly: a row in flight at the kill (claimed, `sending`) becomes UNKNOWN and
is never sent again, so its chat has it once (it reached Telegram) or not at all; every other
row is sent once by the restarted scheduler. No chat ever gets a message twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.bootstrap import Application
from bot.channels.telegram_render import render_reply
from bot.web.app import create_http_app
from conversations.messages import Outgoing
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase, payment_request
from services.status_changes import change_status
from storage.tables import OutboxRow
from tests.e2e.fakes.request_params import Params
from tests.e2e.fault_checks import Shown, rendered, shown
from tests.e2e.fault_journey import bank_notification
from tests.e2e.fault_processes import until
from tests.e2e.fault_world import FaultWorld, fault_world

CHATS = [7201 + n for n in range(10)]
KILL_AT = 6  # the sixth message performed
POLICE = "ca-01273"
PROCEDURE = "dang_ky_tam_tru"
FEE = 7000


async def file_paid_and_received(app: Application, chat: int, n: int) -> None:
    """A dossier of `chat`, paid through the real webhook (a receipt queued), then received
    by an officer (a status change logged for the scheduler to push)."""
    now = datetime.now(UTC)
    agency = app.catalog.agencies.get(POLICE)
    assert agency is not None
    code = f"{agency.code}-{now:%y%m%d}-{n:04d}"
    dossier = Dossier(
        id=f"d-fault-{n:04d}", code=code, procedure_id=PROCEDURE, agency_id=POLICE,
        owner=f"telegram:{chat}", citizen_id=None, answers={"ho_ten": "Nông Thị Hoa"},
        attachments=(), fee=FEE, created_at=now, phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(code, FEE, now),
    )  # fmt: skip
    async with app.uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    assert dossier.payment is not None
    body, headers = bank_notification(dossier.payment.reference, transaction=9100 + n)
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        answer = await http.post("/payments/webhook", content=body, headers=headers)
    assert answer.json()["outcome"] == "paid", answer.text
    procedure = app.catalog.procedure(PROCEDURE)
    assert procedure is not None
    async with app.uow_factory() as uow:
        paid = await uow.dossiers.get(dossier.id)
        assert paid is not None
        await change_status(
            uow.dossiers, paid, DossierStatus.RECEIVED, "officer:fault", "Đã nhận đủ hồ sơ",
            datetime.now(UTC), procedure.processing_days,
        )  # fmt: skip
        await uow.commit()


async def rows(world: FaultWorld) -> list[dict[str, Any]]:
    """Every outbox row: id, recipient, event, status."""
    connection = await world.connect()
    try:
        found = await connection.fetch(
            "SELECT id, recipient, event, status FROM outbox ORDER BY id"
        )
    finally:
        await connection.close()
    return [dict(r) for r in found]


async def rendered_rows(app: Application) -> dict[int, list[Shown]]:
    """What each outbox row shows on Telegram, rendered as the sender renders it."""
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    async with app.engine.connect() as connection:
        found = (await connection.execute(table.select())).mappings().all()
    cipher = app.uow_factory.keys.cipher
    shows = {}
    for row in found:
        message = from_json(Outgoing, cipher.open(row["message"], "outbox.message"))
        shows[int(row["id"])] = [rendered(op) for op in render_reply([message], "vi", app.texts)]
    return shows


async def test_the_scheduler_killed_mid_push_sends_nothing_twice(tmp_path: Path) -> None:
    async with fault_world(tmp_path) as world:
        async with world.app(prepare=True) as app:
            for n, chat in enumerate(CHATS, 1):
                world.tg.register_chat(chat)
                await file_paid_and_received(app, chat, n)
        performed: list[tuple[int, Shown]] = []

        async def kill_at_sixth(method: str, params: Params, port: int) -> None:
            chat = params.chat_id()
            if chat in CHATS and method.lower() in ("sendmessage", "sendphoto"):
                performed.append((int(chat), shown(world.tg.sent(int(chat))[-1])))
                if len(performed) == KILL_AT:
                    assert world.scheduler.process is not None
                    assert world.caller(port, world.scheduler) == world.scheduler.process.pid
                    world.scheduler.kill()  # before the sender hears that it was sent

        world.tg.after_call = kill_at_sixth
        world.scheduler.start()

        async def killed() -> bool:
            return world.scheduler.process is None

        await until(killed, "the scheduler to be killed at the sixth message")
        in_flight = {r["id"] for r in await rows(world) if r["status"] == "sending"}
        trigger_chat, trigger = performed[KILL_AT - 1]
        world.tg.after_call = None
        world.scheduler.start()  # restarted: it carries on, and never resends what was in flight

        async def settled() -> bool:
            return all(r["status"] in ("sent", "unknown") for r in await rows(world))

        await until(settled, "every outbox row to be settled")
        final = await rows(world)
        async with world.app() as app:
            shows = await rendered_rows(app)
    assert len(final) == 3 * len(CHATS)  # a receipt, a fee receipt PDF and a push each
    assert {r["event"].split(":")[0] for r in final} == {"receipt", "fee-receipt", "status"}
    unknown = {r["id"] for r in final if r["status"] == "unknown"}
    assert unknown == in_flight and 1 <= len(unknown) <= 8  # the sender's concurrency
    for row in final:
        chat = int(row["recipient"].removeprefix("telegram:"))
        got = Counter(shown(m) for m in world.tg.sent(chat))
        (message,) = shows[row["id"]]
        if row["status"] == "sent":
            assert got[message] == 1, row
        else:
            assert got[message] <= 1, row  # reached Telegram once, or never: not resent
    trigger_row = next(
        r
        for r in final
        if r["recipient"] == f"telegram:{trigger_chat}" and shows[r["id"]] == [trigger]
    )
    assert trigger_row["id"] in unknown  # in flight at the kill, and it did arrive: once
    for chat in CHATS:
        assert max(Counter(shown(m) for m in world.tg.sent(chat)).values()) == 1
