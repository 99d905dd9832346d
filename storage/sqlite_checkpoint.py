"""WAL checkpoints of the embedded SQLite database, off the event loop.

In WAL mode SQLite copies the log back into the database file (a checkpoint) inside whichever
COMMIT finds the log past `wal_autocheckpoint` pages (1,000 by default): that commit copies
about 4 MiB and, with synchronous=NORMAL, waits for two fsyncs. The inline unit of work
commits on the event loop, so every few hundred chat updates one of them stalled every chat
of the process for tens of milliseconds.

Here a thread of the factory does it instead: after a commit it runs a PASSIVE checkpoint on a
connection of its own (at most one per `every` seconds). PASSIVE never waits for a reader or
a writer, and sqlite3 releases the GIL while it copies and syncs, so the loop goes on.
The serving connection keeps an automatic checkpoint at `SAFETY_PAGES`: it starts the log
again under a steady stream of commits (see there), and bounds it should this thread stall.
The thread ends after `idle` seconds without a commit and starts again with the next one.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

log = logging.getLogger(__name__)

# The serving connection's own automatic checkpoint (pages of 4 KiB). A log is only started
# again from its beginning by a writer that finds all of it copied; under a steady stream of
# commits a PASSIVE checkpoint here rarely ends with all of it copied (a commit lands while it
# copies), so the log would grow. At this size the connection checkpoints once itself, right
# after its own commit: the thread has copied most of the log already, so that checkpoint
# copies the last frames only, and the log starts again. (A RESTART from the thread would
# hold the write lock while it waits for readers: writers would time out.)
SAFETY_PAGES = 2_000


class Checkpointer:
    """Checkpoints one SQLite file's log on a thread of its own, soon after commits."""

    def __init__(self, path: str, every: float = 0.25, idle: float = 30.0) -> None:
        self._path = path
        self._every = every
        self._idle = idle
        self._guard = threading.Lock()
        self._committed = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # checkpoints run (for tests and the curious)

    def committed(self) -> None:
        """A transaction was committed: checkpoint soon (starts the thread if need be)."""
        if self._committed.is_set() and self._thread is not None:
            return  # already noted since the last checkpoint (most commits: no lock taken)
        with self._guard:
            self._committed.set()
            if self._stopping.is_set():
                return
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sqlite-checkpoint", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """Run a last checkpoint and end the thread (the factory is being disposed); a later
        commit starts it again."""
        with self._guard:
            self._stopping.set()
            self._committed.set()  # wake the thread from its wait
            thread = self._thread
        if thread is not None:
            thread.join(10)
        with self._guard:
            self._stopping.clear()
            self._committed.clear()
            self._thread = None

    def _run(self) -> None:
        connection: Any = None
        try:
            connection = sqlite3.connect(self._path, timeout=5, isolation_level=None)
            while not self._stopping.is_set():
                if not self._committed.wait(self._idle):
                    with self._guard:  # idle: end here, unless a commit came just now
                        if not self._committed.is_set() and not self._stopping.is_set():
                            self._thread = None
                            return
                    continue
                self._committed.clear()
                self._checkpoint(connection)
                self._stopping.wait(self._every)
            self._checkpoint(connection)
        except sqlite3.Error as error:  # the safety net still bounds the log
            log.warning("WAL checkpoint thread stopped: %s", type(error).__name__)
            self._stopping.wait(self._idle)  # not started again at every commit
            with self._guard:
                self._thread = None
        finally:
            if connection is not None:
                connection.close()

    def _checkpoint(self, connection: Any) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.OperationalError as error:  # busy, or locked: the next one will do
            log.info("WAL checkpoint skipped: %s", type(error).__name__)
