"""Zalo webhook events through the inbox (services.inbox): recorded, answered 200 at once,
applied by an applier (download included).

Zalo asks for a quick 200; the event's work (a file download, the router, the replies) may
take longer. So the verified event is recorded (idempotent by its message id: a redelivery is
recorded once), the webhook answers 200, and the applier applies it: oldest first, one user
at a time in order; a failure is retried, then the user is told once. A crash at any moment
leaves the row for the next start.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from bot.channels.zalo_inbound import ZaloEvent
from bot.inbox_applier import InboxApplier

if TYPE_CHECKING:
    from bot.bootstrap import Application

PLATFORM = "zalo"
Apply = Callable[[Mapping[str, Any]], Awaitable[None]]


class ZaloInbox:
    """Records verified events and applies them in the background."""

    def __init__(self, app: Application, apply: Apply, apologise: Apply) -> None:
        self._app = app

        async def applied(stored: Mapping[str, Any]) -> None:
            await apply(json.loads(stored["event"]))

        async def told(stored: Mapping[str, Any]) -> None:
            await apologise(json.loads(stored["event"]))

        self.applier = InboxApplier(app, PLATFORM, applied, told)

    async def record(self, raw: Mapping[str, Any], event: ZaloEvent) -> bool:
        """Record a verified event (False when it was recorded before) and have it applied."""
        assert event.address is not None
        async with self._app.uow_factory() as uow:
            # Kept as JSON text in ASCII: a signed body may hold what UTF-8 cannot (a lone
            # surrogate escape), and the event is read again exactly as it came.
            stored = {"event": json.dumps(raw)}
            fresh = await uow.inbox.record(
                PLATFORM, event.update_id(), event.address.key, stored, self._app.clock.now()
            )
            await uow.commit()
        await self.applier.start()  # at the first event, if the app did not start it
        self.applier.wake()
        return fresh

    async def start(self) -> None:
        """Apply what a crashed run left, then what comes."""
        await self.applier.start()

    async def stop(self) -> None:
        """Stop applying (unapplied rows stay for the next start)."""
        await self.applier.stop()

    async def drained(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a deadline
        """Until every recorded event is applied (tests)."""
        await self.applier.start()
        await self.applier.drained(timeout)
