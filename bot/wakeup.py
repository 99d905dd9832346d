"""Wake-ups between the code that commits work and the loops that act on it.

A unit of work asks to wake a topic ("outbox:telegram") during its transaction; after the
commit, storage calls `Wakeup.signal(topic)` in the same process, and on PostgreSQL the
transaction also sent `pg_notify('dvc_wake', topic)`, which `PostgresListener` (run by the
scheduler role) turns into the same signal in the scheduler's process. Waiters hold the
topic's `asyncio.Event`, set on signal; they clear it before acting. A lost wake-up only
costs latency: every waiter also polls (the sweep is the safety net).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

from storage.wake import WAKE_CHANNEL

log = logging.getLogger(__name__)


class Wakeup:
    """The topics' events of one process."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def event(self, topic: str) -> asyncio.Event:
        """The event set whenever `topic` is signalled."""
        return self._events.setdefault(topic, asyncio.Event())

    def signal(self, topic: str) -> None:
        """Wake the waiters of `topic` (no one waiting: nothing to do)."""
        event = self._events.get(topic)
        if event is not None:
            event.set()

    def signal_all(self) -> None:
        """Wake every waiter (after missing notifications, e.g. a listener reconnecting)."""
        for event in self._events.values():
            event.set()


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _connection: event.set()


class PostgresListener:
    """LISTEN dvc_wake on a dedicated connection; each notification signals its topic.
    Reconnects after a lost connection (waking everyone: notifications may have been
    missed meanwhile); `stop()` ends it cleanly."""

    def __init__(
        self, database_url: str, wakeup: Wakeup, retry: float = 1.0, ping: float = 30.0
    ) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._wakeup, self._retry, self._ping = wakeup, retry, ping
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()  # set while LISTEN is active (tests wait for it)

    def start(self) -> None:
        """Listen in the background."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        self._stop.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._wakeup.signal(payload)

    async def _run(self) -> None:
        while not self._stop.is_set():
            connection: asyncpg.Connection | None = None
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self._dsn)
                connection.add_termination_listener(_setter(lost))
                await connection.add_listener(WAKE_CHANNEL, self._notified)
                self.listening.set()
                self._wakeup.signal_all()  # whatever was notified while not listening
                while not self._stop.is_set() and not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), self._ping)
                    if not self._stop.is_set():
                        await connection.execute("SELECT 1")  # a dead link raises here
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("wake-up listener: %s; reconnecting", type(error).__name__)
            finally:
                self.listening.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)
            if not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self._retry)
