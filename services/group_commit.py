"""Writes that callers await, committed together (the inbox's "applied" marks, the sender's
claims and outcomes): one transaction for what became ready at about the same time, instead of
one each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Writes that callers await, written together: a caller's entry is queued, and one
    writer takes everything queued by then (what became ready in the same turn of the event
    loop, and what queued during the previous write) into one transaction (`write_all`).
    Each caller returns once its entry is committed, or raises what the write raised: no
    caller goes on before its own write is durable, exactly as with a transaction each."""

    def __init__(self, write_all: Callable[[Sequence[T]], Awaitable[None]]) -> None:
        self._write_all = write_all
        self._queued: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, entry: T) -> None:
        """Queue `entry` and wait until it is committed."""
        done = asyncio.get_running_loop().create_future()
        self._queued.append((entry, done))
        if self._writer is None:  # it starts after what the loop has ready now: those join
            self._writer = asyncio.create_task(self._write_queued())
        await done

    async def _write_queued(self) -> None:
        taken: list[tuple[T, asyncio.Future[None]]] = []
        try:
            while self._queued:
                taken, self._queued = self._queued, []
                try:
                    await self._write_all([entry for entry, _ in taken])
                except Exception as error:  # noqa: BLE001 - each caller raises it
                    for _, done in taken:
                        if not done.done():
                            done.set_exception(error)
                else:
                    for _, done in taken:
                        if not done.done():
                            done.set_result(None)
                taken = []
        finally:
            self._writer = None
            for _, done in taken + self._queued:  # cancelled mid-write: nobody waits forever
                if not done.done():
                    done.cancel()
            self._queued = []
