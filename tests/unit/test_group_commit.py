"""GroupCommit: callers that become ready together share one write, and none of them goes on
before its own entry is written (or raises what the write raised)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from services.group_commit import GroupCommit


class Writes:
    def __init__(self, fail_on: str = "") -> None:
        self.batches: list[list[str]] = []
        self.fail_on = fail_on

    async def write_all(self, entries: Sequence[str]) -> None:
        await asyncio.sleep(0)  # a real write yields (a lock, a driver)
        if self.fail_on in entries:
            raise RuntimeError("database is locked")
        self.batches.append(list(entries))


async def test_writes_ready_together_share_one_batch_and_each_caller_waits_for_it() -> None:
    writes = Writes()
    group = GroupCommit[str](writes.write_all)
    returned: list[str] = []

    async def caller(entry: str) -> None:
        await group.write(entry)
        assert any(entry in batch for batch in writes.batches)  # written before returning
        returned.append(entry)

    await asyncio.gather(*(caller(f"row{n}") for n in range(5)))
    assert writes.batches == [["row0", "row1", "row2", "row3", "row4"]]
    assert sorted(returned) == [f"row{n}" for n in range(5)]

    await group.write("later")  # alone: a batch of its own
    assert writes.batches[-1] == ["later"]


async def test_a_failed_write_raises_in_every_caller_of_its_batch_and_the_next_still_writes() -> (
    None
):
    writes = Writes(fail_on="bad")
    group = GroupCommit[str](writes.write_all)
    results = await asyncio.gather(group.write("good"), group.write("bad"), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
    assert writes.batches == []  # nothing of the failed batch counts as written
    await group.write("next")
    assert writes.batches == [["next"]]


async def test_entries_queued_during_a_write_go_in_the_next_one() -> None:
    writing, release = asyncio.Event(), asyncio.Event()
    batches: list[list[str]] = []

    async def slow(entries: Sequence[str]) -> None:
        writing.set()
        await release.wait()
        batches.append(list(entries))

    group = GroupCommit[str](slow)
    first = asyncio.ensure_future(group.write("a"))
    await writing.wait()  # the writer has taken "a" and is writing it
    second = asyncio.ensure_future(group.write("b"))
    await asyncio.sleep(0)
    assert not first.done() and not second.done()
    release.set()
    await asyncio.gather(first, second)
    assert batches == [["a"], ["b"]]


async def test_a_writer_cancelled_mid_write_leaves_nobody_waiting_forever() -> None:
    started = asyncio.Event()

    async def stuck(entries: Sequence[str]) -> None:
        started.set()
        await asyncio.Event().wait()

    group = GroupCommit[str](stuck)
    waiting = asyncio.ensure_future(group.write("a"))
    await started.wait()
    writer = group._writer
    assert writer is not None
    writer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 5)
