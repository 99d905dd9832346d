"""Waiting in a test until a fake has recorded something, without polling or sleeping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable


class Changes:
    """A fake calls notify() after each change; tests wait for a condition to hold."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(
        self, condition: Callable[[], bool], seconds: float, describe: Callable[[], str]
    ) -> None:
        """Return once `condition()` holds; AssertionError with `describe()` after `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"still waiting after {seconds}s: {describe()}")
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
