"""A web worker killed (SIGKILL) in the middle of a Telegram update, on `dvc-bot web
--workers 2` over PostgreSQL, twice in one citizen's journey:

1. while the update is being applied, at its first statement (the chat's row lock);
2. while it is being applied, at its last statement before commit (the file is already in
   the store, the state saved, the replies being recorded).

Each time the fake Bot API got no 2xx and delivered the update again; the other worker
applied it. (A worker never sends a reply: it queues it with the update's changes and the
scheduler's paced sender sends it, so no worker dies with a reply half-sent.) Afterwards the
chat, the dossier and what the citizen saw are those of a clean journey: every answer
recorded once, the conversation on the right question, each reply shown once, one document,
one dossier.

The worker is caught at an exact moment without touching the product: the test holds a lock
that the update's transaction needs (so the worker waits there, and its PostgreSQL backend's
client port names it), or acts from inside the fake Bot API's handler (whose peer port names
the worker calling it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from tests.e2e.fakes.telegram_delivery import Delivery
from tests.e2e.fault_checks import assert_journey_intact
from tests.e2e.fault_journey import Citizen
from tests.e2e.fault_processes import kill_pid, until
from tests.e2e.fault_world import FaultWorld, fault_world

CHAT = 7101
Hold = Callable[[asyncpg.Connection, dict[str, Any]], Awaitable[None]]


async def hold_chat_row(lock: asyncpg.Connection, update: dict[str, Any]) -> None:
    """The chat's row, locked: applying an update starts by locking it."""
    await lock.execute("SELECT 1 FROM conversation WHERE key = $1 FOR UPDATE", f"telegram:{CHAT}")


async def hold_update_record(lock: asyncpg.Connection, update: dict[str, Any]) -> None:
    """The update's own processed_update key, taken (uncommitted): applying it ends by
    inserting that row, so the worker waits there with everything else done."""
    await lock.execute(
        "INSERT INTO processed_update (chat_key, update_id, replies, created_at)"
        " VALUES ($1, $2, '[]'::jsonb, now())",
        f"telegram:{CHAT}",
        str(update["update_id"]),
    )


def delivery_of(world: FaultWorld, update: dict[str, Any]) -> Delivery | None:
    return next((d for d in world.tg.deliveries if d.update is update), None)


def kill_while_applying(world: FaultWorld, hold: Hold, killed: list[int]) -> Any:
    """A delivery strategy: the worker applying the update is killed where `hold` stops it;
    the lock is let go once Telegram's retry waits at the same place in the other worker."""

    async def deliver(update: dict[str, Any]) -> list[Delivery]:
        lock = await world.connect()
        try:
            await lock.execute("BEGIN")
            await hold(lock, update)
            sending = asyncio.create_task(world.tg.deliver(update))
            waiting: list[int] = []

            async def blocked() -> bool:
                waiting[:] = await world.lock_waiters()
                return bool(waiting)

            await until(blocked, "a worker to wait for the test's lock")
            (first,) = waiting
            victim = world.worker_on_database(first)
            kill_pid(victim)
            killed.append(victim)

            async def retried() -> bool:
                delivery = delivery_of(world, update)
                failed = delivery is not None and delivery.statuses[:1] == [None]
                return failed and any(p != first for p in await world.lock_waiters())

            await until(retried, "Telegram's retry to wait in the other worker")
        finally:
            await lock.execute("ROLLBACK")
            await lock.close()
        delivery = await sending
        assert delivery is not None
        return [delivery]

    return deliver


async def test_a_worker_killed_mid_update_loses_and_repeats_nothing(tmp_path: Path) -> None:
    async with fault_world(tmp_path) as world:
        await world.start()  # the scheduler sends every reply (the workers only queue them)
        citizen = Citizen(world.tg, world.sms, CHAT, settled=world.replies_sent)
        killed: list[int] = []
        await citizen.log_in()
        await citizen.open_form()
        assert "Email" in citizen.last
        await citizen.press("Bỏ qua")
        assert "Địa chỉ tạm trú" in citizen.last
        # 1. At the first statement of applying an answer.
        await citizen.press("Cao Bằng")
        citizen.next_delivery = kill_while_applying(world, hold_chat_row, killed)
        await citizen.say("Tân Giang")
        at_start = citizen.updates[-1]
        assert "khớp với “Tân Giang”" in citizen.last
        await world.web.wait_ready(starts=3)  # uvicorn replaced the killed worker
        await citizen.fill_form()
        await citizen.confirm_form()
        # 2. At the last statement of applying an upload, the file already stored.
        citizen.next_delivery = kill_while_applying(world, hold_update_record, killed)
        await citizen.attach()
        at_end = citizen.updates[-1]
        await citizen.finish()
        assert len(set(killed)) == 2
        faulted = {id(u) for u in (at_start, at_end)}
        for update, delivery in zip(citizen.updates, citizen.deliveries, strict=True):
            assert delivery.statuses == ([None, 200] if id(update) in faulted else [200])
        async with world.app() as app:
            await assert_journey_intact(app, citizen, paid=False)
