"""Jobs run when woken: a commit signals a topic (bot.wakeup), and the job runs at once
instead of at its next sweep.

A burst of wake-ups is one run: the job waits `debounce` seconds after the first one, then
clears the event and runs; whatever is signalled while it runs sets the event again and
makes one more run. The job's interval sweep stays as the safety net (a lost signal, a
listener reconnecting), so a wake-up only ever brings work forward.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

# The status pushes: long enough for the changes of one officer action (a supplement request
# is two commits) to be one run, far below the 2 s a push may take.
PUSH_DEBOUNCE_SECONDS = 0.05
# The remote one-stop system's "changes available" ping: however often it pings, it is read
# at most about once per this many seconds.
REMOTE_DEBOUNCE_SECONDS = 1.0


async def _woken(event: asyncio.Event, stop: asyncio.Event) -> bool:
    """Wait for the event or for stop; True when woken (and not stopping)."""
    waits = [asyncio.create_task(event.wait()), asyncio.create_task(stop.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    return not stop.is_set()


async def run_when_woken(
    event: asyncio.Event,
    stop: asyncio.Event,
    job: Callable[[], Awaitable[None]],
    name: str,
    debounce: float = PUSH_DEBOUNCE_SECONDS,
) -> None:
    """Run `job` each time `event` is set (a burst once, after `debounce`), until `stop`."""
    while await _woken(event, stop):
        try:
            await asyncio.wait_for(stop.wait(), debounce)
            return  # stopping: the sweep at start-up catches up
        except TimeoutError:
            pass
        event.clear()
        try:
            await job()
        except Exception:  # a failing run must not stop the next wake-ups; the sweep retries
            log.exception("%s (woken) failed; the next wake-up or sweep runs it again", name)
