"""Every delivery twice: a citizen's whole journey over `dvc-bot web --workers 2` and `dvc-bot
scheduler` on PostgreSQL, where Telegram delivers every update two times and the bank sends
its payment notification three times, twice of them at once.

Each update is delivered in one of three ways, in turn:

- again: delivered, answered, then delivered again (Telegram after a lost answer);
- on both workers: one delivery to each worker, held at the chat's row lock until both wait
  there, then let go (the router's PostgreSQL lock is what orders them across processes);
- together: two deliveries at the same moment, through the fake Bot API.

The citizen sees exactly the replies of one delivery, once; one dossier, one payment, one
receipt.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.e2e.fakes.telegram_delivery import SECRET_HEADER, Attempt, Delivery
from tests.e2e.fault_checks import assert_journey_intact, outbox_rows
from tests.e2e.fault_journey import Citizen, bank_notification, text_of
from tests.e2e.fault_links import one_link_per_worker
from tests.e2e.fault_processes import until
from tests.e2e.fault_world import WEBHOOK_SECRET, FaultWorld, fault_world

CHAT = 7401
WEBHOOK = "/telegram/webhook"


async def again(world: FaultWorld, update: dict[str, Any]) -> list[Delivery]:
    first = await world.tg.deliver(update)
    assert first is not None
    return [first, await world.tg.redeliver(update)]


async def together(world: FaultWorld, update: dict[str, Any]) -> list[Delivery]:
    first, second = await asyncio.gather(world.tg.deliver(update), world.tg.redeliver(update))
    assert first is not None
    return [first, second]


async def holding(world: FaultWorld, sql: str, key: str, requests: Any) -> list[Any]:
    """Run `requests` (one per worker) while the test holds a row lock; let go only once a
    backend of each worker waits for it, so that the two really overlap."""
    lock = await world.connect()
    try:
        await lock.execute("BEGIN")
        await lock.execute(sql, key)
        running = asyncio.gather(*requests)

        async def both_wait() -> bool:
            waiting = await world.lock_waiters()
            return {world.worker_on_database(port) for port in waiting} == set(world.web.workers())

        await until(both_wait, "a backend of each worker to wait for the lock")
    finally:
        await lock.execute("ROLLBACK")
        await lock.close()
    return list(await running)


async def on_both_workers(world: FaultWorld, update: dict[str, Any]) -> list[Delivery]:
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    async with one_link_per_worker("127.0.0.1", world.port, world.web.workers()) as links:
        requests = [link.post_json(WEBHOOK, update, headers) for link in links.values()]
        lock = "SELECT 1 FROM conversation WHERE key = $1 FOR UPDATE"
        answers = await holding(world, lock, f"telegram:{CHAT}", requests)
    return [Delivery(update, [Attempt(s, b.decode(), WEBHOOK_SECRET)]) for s, b in answers]


def twice(world: FaultWorld) -> Any:
    """Each update delivered twice, in the three ways in turn: the first one (/start) again,
    as the chat's row, which the last way locks, does not exist before it; the fifth (the
    shared phone number, whose step texts a code) on both workers."""
    ways = [again, on_both_workers, together]
    count = 0

    async def deliver(update: dict[str, Any]) -> list[Delivery]:
        nonlocal count
        way = ways[count % len(ways)]
        count += 1
        return await way(world, update)

    return deliver


async def pay_three_times(world: FaultWorld, reference: str, dossier_id: str) -> list[str]:
    """The bank's notification twice at once (one to each worker, both inside the payment's
    transaction before either commits), then once more."""
    body, headers = bank_notification(reference)
    headers = {**headers, "Content-Type": "application/json"}
    async with one_link_per_worker("127.0.0.1", world.port, world.web.workers()) as links:
        path = "/payments/webhook"
        requests = [link.request("POST", path, body, headers) for link in links.values()]
        lock = "SELECT 1 FROM dossier WHERE id = $1 FOR UPDATE"
        answers = await holding(world, lock, dossier_id, requests)
        (link, *_) = links.values()
        answers.append(await link.request("POST", path, body, headers))
    assert [status for status, _ in answers] == [200, 200, 200]
    return [json.loads(answer)["outcome"] for _, answer in answers]


async def test_every_update_and_notification_twice_makes_one_of_everything(
    tmp_path: Path,
) -> None:
    async with fault_world(tmp_path) as world:
        await world.start()
        citizen = Citizen(
            world.tg, world.sms, CHAT, deliver=twice(world), settled=world.replies_sent
        )
        await citizen.log_in()
        await citizen.open_form()
        await citizen.fill_form()
        reference = await citizen.submit()
        connection = await world.connect()
        try:
            (dossier_id,) = [r["id"] for r in await connection.fetch("SELECT id FROM dossier")]
        finally:
            await connection.close()
        outcomes = await pay_three_times(world, reference, dossier_id)
        assert sorted(outcomes) == ["duplicate", "duplicate", "paid"]
        await world.tg.wait_for(CHAT, where=lambda m: "Phiếu tiếp nhận" in text_of(m), timeout=30)
        async with world.app() as app:

            async def receipt_settled() -> bool:
                # the slip and the fee receipt PDF
                return [r["status"] for r in await outbox_rows(app)] == ["sent", "sent"]

            await until(receipt_settled, "the receipt's outbox row to be settled")
            await assert_journey_intact(app, citizen, paid=True)
    assert len(citizen.deliveries) == 2 * len(citizen.updates)
    assert {tuple(d.statuses) for d in citizen.deliveries} == {(200,)}
