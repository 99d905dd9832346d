"""The outbox as the paced senders and broadcasts use it: the fake and both SQL adapters behave
the same, and a row is claimed by one sender only, also when two claim it at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from conversations.messages import Outgoing, say
from services.codec import from_json, to_json
from services.outbox import OutboxStatus, Priority, Queued
from storage import outbox as stored
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.contract.conftest import KEYS
from tests.fakes import MemoryUnitOfWorkFactory

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WAIT_SECONDS = 10  # bounds a wait for something that takes milliseconds
P = OutboxStatus


def message(n: int = 1) -> dict[str, Any]:
    return {"text": {"id": "push.status", "params": {"n": n, "note": "đã tiếp nhận"}}}


async def queue(uow_factory: Any, *rows: tuple[str, str], batch: str | None = None) -> list[int]:
    """Queue (recipient, event) rows in one transaction; their ids, in order."""
    async with uow_factory() as uow:
        for n, (recipient, event) in enumerate(rows):
            assert await uow.outbox.enqueue(recipient, event, message(n), T0, batch)
        await uow.commit()
    async with uow_factory() as uow:
        ids = []
        for recipient, event in rows:
            found = await uow.outbox.pending(recipient, 0, 100)
            ids += [i.id for i in found if i.event == event]
    return ids


async def test_due_lists_each_chats_next_row_of_one_platform_oldest_first(
    uow_factory: Any,
) -> None:
    ids = await queue(
        uow_factory,
        ("telegram:1", "status:1"), ("zalo:9", "status:1"), ("telegram:2", "status:1"),
        ("web:abc", "status:1"), ("telegram:1", "status:2"),
    )  # fmt: skip
    async with uow_factory() as uow:
        due = await uow.outbox.due("telegram", T0, 10)
        assert [(i.id, i.recipient, i.event) for i in due] == [
            (ids[0], "telegram:1", "status:1"),
            (ids[2], "telegram:2", "status:1"),
        ]  # telegram:1's second message waits for its first
        assert due[0].message == message(0) and due[0].status is P.PENDING
        assert due[0].attempts == 0 and due[0].batch is None and due[0].created_at == T0
        assert due[0].priority is Priority.PUSH and due[0].progress == 0
        assert [i.id for i in await uow.outbox.due("telegram", T0, 1)] == [ids[0]]
        assert [i.id for i in await uow.outbox.due("zalo", T0, 10)] == [ids[1]]
        assert await uow.outbox.due("sms", T0, 10) == []
        assert await uow.outbox.claim(ids[0], T0)
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10)] == [ids[2]]
        await uow.outbox.settle(ids[0], P.SENT, T0)
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10)] == [ids[2], ids[4]]


async def test_due_leaves_out_the_chats_the_sender_has_in_flight(uow_factory: Any) -> None:
    ids = await queue(
        uow_factory, ("telegram:1", "status:1"), ("telegram:2", "status:1"),
        ("telegram:3", "status:1"),
    )  # fmt: skip
    async with uow_factory() as uow:
        due = await uow.outbox.due("telegram", T0, 10, skip={"telegram:1", "telegram:3"})
        assert [i.id for i in due] == [ids[1]]
        assert [i.id for i in await uow.outbox.due("telegram", T0, 1, skip={"telegram:1"})] == [
            ids[1]
        ]  # the limit counts the rows read, not the chats left out
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10, skip=())] == ids


async def test_a_chat_waiting_out_a_rate_limit_holds_its_later_rows_not_other_chats(
    uow_factory: Any,
) -> None:
    first, second, other = await queue(
        uow_factory, ("telegram:1", "a"), ("telegram:1", "b"), ("telegram:2", "a")
    )
    later = T0 + timedelta(seconds=45)
    async with uow_factory() as uow:
        assert await uow.outbox.claim(first, T0)
        await uow.outbox.settle(first, P.PENDING, T0, "rate_limited", later, progress=1)
        await uow.commit()
    async with uow_factory() as uow:
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10)] == [other]
        head, *_ = await uow.outbox.due("telegram", later, 10)
        assert (head.id, head.progress, head.attempts) == (first, 1, 1)
        assert second not in [i.id for i in await uow.outbox.due("telegram", later, 10)]


async def test_replies_come_before_pushes_and_broadcasts(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        for n in range(3):
            await uow.outbox.enqueue(
                f"telegram:{n}", "b", message(), T0, "b1", priority=Priority.BROADCAST
            )
        await uow.outbox.enqueue("telegram:0", "push", message(), T0)
        await uow.outbox.enqueue("telegram:7", "reply:1:0", message(), T0, priority=Priority.REPLY)
        await uow.outbox.enqueue("telegram:0", "reply:2:0", message(), T0, priority=Priority.REPLY)
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.outbox.due("telegram", T0, 10)
    assert [(i.recipient, i.event, i.priority) for i in due] == [
        ("telegram:7", "reply:1:0", Priority.REPLY),
        ("telegram:0", "reply:2:0", Priority.REPLY),  # ahead of the chat's push and broadcast
        ("telegram:1", "b", Priority.BROADCAST),
        ("telegram:2", "b", Priority.BROADCAST),
    ]


async def test_a_message_is_queued_once_per_recipient_and_event(uow_factory: Any) -> None:
    await queue(uow_factory, ("telegram:1", "status:1"))
    async with uow_factory() as uow:
        assert not await uow.outbox.enqueue("telegram:1", "status:1", message(9), T0)
        assert await uow.outbox.enqueue("telegram:2", "status:1", message(9), T0, "b1")
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.outbox.due("telegram", T0, 10)
    assert [(i.recipient, i.message, i.batch) for i in due] == [
        ("telegram:1", message(0), None),
        ("telegram:2", message(9), "b1"),
    ]


async def test_a_claimed_row_is_not_due_and_cannot_be_claimed_again(uow_factory: Any) -> None:
    first, second = await queue(uow_factory, ("telegram:1", "e1"), ("telegram:2", "e1"))
    async with uow_factory() as uow:
        assert await uow.outbox.claim(first, T0) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim(first, T0) is False
        assert await uow.outbox.claim(10_000, T0) is False  # no such row
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10)] == [second]
        await uow.outbox.settle(first, P.SENT, T0 + timedelta(seconds=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim(first, T0) is False  # sent rows stay sent
        assert [i.id for i in await uow.outbox.due("telegram", T0 + timedelta(days=1), 10)] == [
            second
        ]


async def test_a_row_for_a_chat_marked_inactive_is_not_claimed_as_reachable(
    uow_factory: Any,
) -> None:
    blocked, active, unknown, taken = await queue(
        uow_factory,
        ("telegram:1", "e1"), ("telegram:2", "e1"), ("telegram:3", "e1"), ("telegram:4", "e1"),
    )  # fmt: skip
    async with uow_factory() as uow:
        await uow.chats.set_active("telegram:1", False, "blocked", T0)
        await uow.chats.set_active("telegram:2", True, "", T0)
        assert await uow.outbox.claim(taken, T0)  # another sender's
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim_reachable(blocked, T0) is False
        assert await uow.outbox.claim_reachable(active, T0) is True
        assert await uow.outbox.claim_reachable(unknown, T0) is True  # never marked: active
        assert await uow.outbox.claim_reachable(taken, T0) is False
        assert await uow.outbox.claim_reachable(active, T0) is False  # claimed once only
        assert await uow.outbox.claim_reachable(10_000, T0) is False  # no such row
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.outbox.due("telegram", T0, 10)
        assert [i.id for i in due] == [blocked]  # still pending: `claim` takes it, then it is
        assert await uow.outbox.claim(blocked, T0)  # settled as undeliverable by the sender


async def test_two_claims_at_once_one_wins(uow_factory: Any) -> None:
    (item,) = await queue(uow_factory, ("telegram:1", "e1"))
    started = asyncio.Event()

    async def second_sender() -> bool:
        started.set()
        async with uow_factory() as uow:  # waits for the first sender's transaction
            won = bool(await uow.outbox.claim(item, T0))
            await uow.commit()
            return won

    async with uow_factory() as uow:
        assert await uow.outbox.claim(item, T0) is True
        other = asyncio.create_task(second_sender())
        await started.wait()
        await asyncio.sleep(0)  # let it reach its transaction
        await uow.commit()
    assert await asyncio.wait_for(other, WAIT_SECONDS) is False


async def _blocked_backends(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int((await connection.execute(query)).scalar_one())


async def test_on_postgresql_the_second_claim_waits_for_the_row_and_loses(
    postgres_engine: AsyncEngine,
) -> None:
    """Both transactions are open at once and reach the row: the second blocks on the row
    lock until the first commits, then sees the row taken."""
    factory = SqlUnitOfWorkFactory(postgres_engine, KEYS)
    (item,) = await queue(factory, ("telegram:1", "e1"))
    async with factory() as first, factory() as second:
        assert await first.outbox.claim(item, T0) is True
        contender = asyncio.create_task(second.outbox.claim(item, T0))
        async with asyncio.timeout(WAIT_SECONDS):
            while await _blocked_backends(postgres_engine) == 0:  # noqa: ASYNC110 - polled
                await asyncio.sleep(0.01)
        assert not contender.done()
        await first.commit()
        assert await asyncio.wait_for(contender, WAIT_SECONDS) is False
        await second.commit()
    async with factory() as uow:
        assert await uow.outbox.due("telegram", T0, 10) == []


async def test_many_senders_share_the_rows_without_overlap(uow_factory: Any) -> None:
    rows = [(f"telegram:{n}", "e1") for n in range(12)]
    ids = await queue(uow_factory, *rows)

    async def sender() -> list[int]:
        won = []
        for item in ids:
            async with uow_factory() as uow:
                if await uow.outbox.claim(item, T0):
                    won.append(item)
                await uow.commit()
            await asyncio.sleep(0)
        return won

    claimed = await asyncio.gather(*(sender() for _ in range(4)))
    assert sorted(i for won in claimed for i in won) == sorted(ids)


async def test_settle_with_retry_at_hides_a_row_until_then(uow_factory: Any) -> None:
    (item,) = await queue(uow_factory, ("zalo:9", "e1"))
    retry_at = T0 + timedelta(seconds=30)
    async with uow_factory() as uow:
        assert await uow.outbox.claim(item, T0)
        await uow.outbox.settle(item, P.PENDING, T0, "429", retry_at=retry_at)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.due("zalo", T0 + timedelta(seconds=29), 10) == []
        (again,) = await uow.outbox.due("zalo", retry_at, 10)
        assert again.id == item and again.attempts == 1 and again.status is P.PENDING
        assert await uow.outbox.claim(item, retry_at)
        await uow.outbox.settle(item, P.PENDING, retry_at, "timeout")  # no retry_at: at once
        await uow.commit()
    async with uow_factory() as uow:
        (again,) = await uow.outbox.due("zalo", retry_at, 10)
        assert again.attempts == 2
        assert await uow.outbox.claim(item, retry_at)
        await uow.outbox.settle(item, P.FAILED, retry_at, "x" * 500)  # long errors are cut
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.due("zalo", retry_at + timedelta(days=1), 10) == []
        assert await uow.outbox.pending("zalo:9", 0) == []


async def test_abandon_claims_touches_only_rows_claimed_before_the_cutoff(
    uow_factory: Any,
) -> None:
    old, recent, waiting, other = await queue(
        uow_factory,
        ("telegram:1", "e1"), ("telegram:2", "e1"), ("telegram:3", "e1"), ("zalo:1", "e1"),
        batch="b1",
    )  # fmt: skip
    async with uow_factory() as uow:
        assert await uow.outbox.claim(old, T0)
        assert await uow.outbox.claim(recent, T0 + timedelta(minutes=5))
        assert await uow.outbox.claim(other, T0)
        await uow.commit()
    async with uow_factory() as uow:
        cutoff, now = T0 + timedelta(minutes=2), T0 + timedelta(minutes=6)
        assert await uow.outbox.abandon_claims("telegram", cutoff, now) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.counts("b1") == {P.UNKNOWN: 1, P.SENDING: 2, P.PENDING: 1}
        assert await uow.outbox.claim(old, now) is False  # never sent again
        assert [i.id for i in await uow.outbox.due("telegram", now, 10)] == [waiting]
        assert await uow.outbox.abandon_claims("telegram", cutoff, now) == 0
        await uow.outbox.settle(recent, P.SENT, now)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.counts("b1") == {
            P.UNKNOWN: 1, P.SENT: 1, P.SENDING: 1, P.PENDING: 1,
        }  # fmt: skip


async def test_counts_and_cancel_are_per_batch(uow_factory: Any) -> None:
    a1, a2, a3, a4 = await queue(
        uow_factory,
        ("telegram:1", "broadcast:a"), ("telegram:2", "broadcast:a"),
        ("zalo:1", "broadcast:a"), ("web:x", "broadcast:a"),
        batch="a",
    )  # fmt: skip
    (b1,) = await queue(uow_factory, ("telegram:1", "broadcast:b"), batch="b")
    async with uow_factory() as uow:
        assert await uow.outbox.claim(a1, T0)
        await uow.outbox.settle(a1, P.SENT, T0)
        assert await uow.outbox.claim(a2, T0)  # in flight while the admin cancels
        await uow.outbox.settle(a4, P.UNDELIVERABLE, T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.counts("a") == {P.SENT: 1, P.SENDING: 1, P.PENDING: 1,
                                                P.UNDELIVERABLE: 1}  # fmt: skip
        assert await uow.outbox.cancel("a", T0 + timedelta(minutes=1)) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.counts("a") == {P.SENT: 1, P.SENDING: 1, P.CANCELLED: 1,
                                                P.UNDELIVERABLE: 1}  # fmt: skip
        assert await uow.outbox.counts("b") == {P.PENDING: 1}
        assert await uow.outbox.counts("nope") == {}
        assert await uow.outbox.claim(a3, T0) is False  # cancelled rows are never claimed
        assert await uow.outbox.cancel("a", T0) == 0
        assert [i.id for i in await uow.outbox.due("telegram", T0, 10)] == [b1]


async def test_a_row_reads_back_as_committed_whether_this_process_queued_it_or_not(
    uow_factory: Any,
) -> None:
    """The sender in the process that queued a message reads it from memory (storage.outbox)
    the first time, any later read and any other process from the row: the same message
    either way, and a queue that rolled back leaves nothing behind for a later row to be read
    as."""
    async with uow_factory() as uow:  # rolled back: never committed
        await uow.outbox.enqueue("telegram:7", "reply:1:0", message(99), T0)
    reply = say("form.ask", field="Họ và tên")
    body = Queued({**to_json(reply), "lang": "vi"}, reply)
    async with uow_factory() as uow:
        assert await uow.outbox.enqueue(
            "telegram:7", "reply:1:0", body, T0, priority=Priority.REPLY
        )
        await uow.commit()
    async with uow_factory() as uow:
        [mine] = await uow.outbox.due("telegram", T0, 10)
    if not isinstance(uow_factory, MemoryUnitOfWorkFactory):
        assert getattr(mine.message, "source", None) is reply  # not decoded again
        # Taken out once read to be sent: kept, it would only be more for the collector.
        assert not any(kept is body for kept in stored._QUEUED.values())
    # Read again (not sent that time), or by another process: opened from the row.
    async with uow_factory() as uow:
        [theirs] = await uow.outbox.due("telegram", T0, 10)
    assert dict(theirs.message) == dict(mine.message) == {**to_json(reply), "lang": "vi"}
    assert from_json(Outgoing, {k: v for k, v in theirs.message.items() if k != "lang"}) == reply
