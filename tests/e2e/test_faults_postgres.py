"""The PostgreSQL server restarted in the middle of a citizen's journey, under `dvc-bot web
--workers 2` and `dvc-bot scheduler`.

Half-way through the e-form the server is stopped (fast shutdown: every connection of every
process is cut), the citizen's next answer arrives, and the webhook answers 5xx while the
server is down, so the fake Bot API keeps delivering it; the server is started again and the
next delivery is applied. Then the journey goes on to the end: the rest of the form, the
document, submission, the bank's notification (retried by the bank as long as it gets no
2xx) and the receipt, which the scheduler — whose pooled connections and jobs went through
the same outage — sends.

Afterwards: every answer recorded once, one dossier, one payment, the receipt once, and every
reply shown once. The server is running again when the test ends, whatever happens.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.e2e.fakes.telegram_delivery import Delivery
from tests.e2e.fault_checks import assert_journey_intact, outbox_rows
from tests.e2e.fault_journey import Citizen, bank_notification, text_of
from tests.e2e.fault_links import one_link_per_worker
from tests.e2e.fault_processes import until
from tests.e2e.fault_world import OFFICER_KEY, FaultWorld, admin, fault_world

CHAT = 7301
CLUSTER = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
OUTAGE_RETRIES = 400  # 0.25 s apart: Telegram keeps trying for far longer than the outage


def pg_ctlcluster(action: str) -> None:
    """Stop or start the machine's PostgreSQL cluster (the one the test suite uses)."""
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main", action],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


async def server_up() -> bool:
    try:
        await admin("SELECT 1")
    except (OSError, asyncpg.PostgresError):
        return False
    return True


def through_an_outage(world: FaultWorld, failures: int = 3) -> Any:
    """A delivery strategy: PostgreSQL goes down, the update is delivered (and answered 5xx,
    `failures` times at least), then PostgreSQL comes back and a retry gets through."""

    async def deliver(update: dict[str, Any]) -> list[Delivery]:
        await asyncio.to_thread(pg_ctlcluster, "stop")
        try:
            sending = asyncio.create_task(world.tg.deliver(update, retries=OUTAGE_RETRIES))

            async def refused() -> bool:
                delivery = next((d for d in world.tg.deliveries if d.update is update), None)
                return delivery is not None and len(delivery.attempts) >= failures

            await until(refused, "the webhook to refuse the update while the server is down")
        finally:
            await asyncio.to_thread(pg_ctlcluster, "start")
        delivery = await sending
        assert delivery is not None
        return [delivery]

    return deliver


async def ask_every_worker(world: FaultWorld) -> dict[int, list[int]]:
    """An officer's request that reads the database, to each worker, and once more to a
    worker that failed it (on a new connection: uvicorn closes one after a server error):
    the statuses each worker answered."""
    workers = world.web.workers()
    answered: dict[int, list[int]] = {worker: [] for worker in workers}
    for _ in range(2):
        failed = [w for w in workers if answered[w][-1:] != [200]]
        if not failed:
            break
        async with one_link_per_worker("127.0.0.1", world.port, workers, failed) as links:
            for worker, link in links.items():
                path, headers = "/api/v1/dossiers", {"X-API-Key": OFFICER_KEY}
                answered[worker].append((await link.request("GET", path, headers=headers))[0])
    return answered


async def bank_pays(world: FaultWorld, reference: str) -> list[int]:
    """The bank's notification, sent again until it is answered 2xx (as banks do)."""
    body, headers = bank_notification(reference)
    statuses = []
    async with httpx.AsyncClient(base_url=world.url, timeout=30) as http:
        for _ in range(20):
            answer = await http.post("/payments/webhook", content=body, headers=headers)
            statuses.append(answer.status_code)
            if answer.status_code == 200:
                assert answer.json()["outcome"] == "paid"
                return statuses
            await asyncio.sleep(0.25)
    raise AssertionError(f"the payment webhook never accepted the notification: {statuses}")


async def test_a_postgresql_restart_mid_journey_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    try:
        async with fault_world(tmp_path) as world:
            await world.start()
            citizen = Citizen(world.tg, world.sms, CHAT, settled=world.replies_sent)
            await citizen.log_in()
            await citizen.open_form()
            await citizen.fill_form(answers=4)
            # Each worker has used its pool: connections the restart will leave dead.
            assert set(map(tuple, (await ask_every_worker(world)).values())) == {(200,)}
            citizen.next_delivery = through_an_outage(world)
            await citizen.answer_next()
            outage = citizen.deliveries[-1]
            # A worker finds its pooled connections dead on first use, answers that request
            # 5xx (Telegram, the bank and the page retry) and replaces them all: never twice.
            after = await ask_every_worker(world)
            assert set(map(tuple, after.values())) <= {(200,), (500, 200)}, after
            later = len(citizen.deliveries)
            await citizen.fill_form()
            reference = await citizen.submit()
            payment = await bank_pays(world, reference)
            await world.tg.wait_for(
                CHAT, where=lambda m: "Phiếu tiếp nhận" in text_of(m), timeout=30
            )
            async with world.app() as app:

                async def receipt_settled() -> bool:
                    # the slip and the fee receipt PDF
                    return [r["status"] for r in await outbox_rows(app)] == ["sent", "sent"]

                await until(receipt_settled, "the receipt's outbox row to be settled")
                await assert_journey_intact(app, citizen, paid=True)
            assert world.scheduler.running and world.web.running
            assert {tuple(d.statuses) for d in citizen.deliveries[later:]} == {(200,)}
            assert payment == [200]
    finally:
        if not await server_up():  # never leave the machine without its database
            await asyncio.to_thread(pg_ctlcluster, "start")
    *refused, accepted = outage.statuses
    assert len(refused) >= 3 and all(s != 200 for s in refused) and accepted == 200
    print("workers after the outage:", after)
