"""Wake-ups on commit: a unit of work records topics ("outbox:telegram") while it runs;
after a successful commit each is signalled in this process, and on PostgreSQL a
`pg_notify('dvc_wake', topic)` sent inside the transaction lets other processes hear it
when the transaction commits (and never when it rolls back)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text

WAKE_CHANNEL = "dvc_wake"

Signal = Callable[[str], None]


def no_signal(_topic: str) -> None:
    """No one in this process listens."""


class WakeTopics:
    """The topics one transaction will wake on commit."""

    def __init__(self, signal: Signal | None) -> None:
        self._signal = signal or no_signal
        self._topics: dict[str, None] = {}  # ordered, each once

    def add(self, topic: str) -> None:
        """Wake `topic` once this transaction commits."""
        self._topics[topic] = None

    async def notify(self, connection: Any) -> None:
        """On PostgreSQL, queue a NOTIFY per topic in the transaction (sent on commit)."""
        if not self._topics or connection.dialect.name != "postgresql":
            return
        for topic in self._topics:
            await connection.execute(
                text("SELECT pg_notify(:channel, :topic)"),
                {"channel": WAKE_CHANNEL, "topic": topic},
            )

    def committed(self) -> None:
        """The transaction committed: signal every topic in this process."""
        topics, self._topics = list(self._topics), {}
        for topic in topics:
            self._signal(topic)

    def discard(self) -> None:
        """The transaction rolled back: nothing happened, no one is woken."""
        self._topics = {}
