"""Updates a chat could not receive when they happened, delivered when the citizen writes.

Zalo refuses an update it will not carry now (the OA's transaction quota is used up, the user
unfollowed, the API refused it). Such an update is not forgotten: it is HELD for that chat
(and meanwhile sent to the citizen's other chats). One held update's life:

    HELD ──the citizen writes: chosen by `plan`, and sent──────────────▶ DELIVERED
    HELD ──a newer status of the same dossier is held too──────────────▶ SUPERSEDED (never sent)
    HELD ──over the budget, or the send failed────────────────────────▶ HELD (the next time)

`plan` is the rule: of each dossier only its newest status is worth telling (a reminder or
any other update about a dossier older than that status is stale too); updates about no
dossier stand alone. What is left is delivered newest first, at most `budget` of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

STATUS_PREFIX = "status:"


class HeldState(StrEnum):
    """Where a held update stands."""

    HELD = "held"  # not deliverable on that chat for now
    DELIVERED = "delivered"  # sent when the citizen wrote
    SUPERSEDED = "superseded"  # a newer status of the same dossier made it stale


@dataclass(frozen=True, slots=True)
class HeldUpdate:
    """One update held for a chat: what it is about (`dossier`, "" when none) and whether it
    is a status change."""

    id: int
    event: str
    dossier: str
    held_at: datetime

    @property
    def is_status(self) -> bool:
        """A status change (it supersedes what was held before about the same dossier)."""
        return self.event.startswith(STATUS_PREFIX)


@dataclass(frozen=True, slots=True)
class MissedPlan:
    """What to do with a chat's held updates now."""

    deliver: tuple[HeldUpdate, ...]  # newest first
    superseded: tuple[HeldUpdate, ...]
    kept: tuple[HeldUpdate, ...]  # still held: over the budget


def dossier_of(message: Mapping[str, Any]) -> str:
    """The dossier an outbox message (as JSON) is about: its `code` parameter, or ""."""
    text = message.get("text")
    params = text.get("params") if isinstance(text, Mapping) else None
    code = params.get("code") if isinstance(params, Mapping) else None
    return code if isinstance(code, str) else ""


def plan(held: Sequence[HeldUpdate], budget: int) -> MissedPlan:
    """Which held updates to deliver now (newest first, at most `budget`), which are stale."""
    order = sorted(held, key=lambda h: (h.held_at, h.id), reverse=True)
    newest_status: dict[str, HeldUpdate] = {}
    for update in order:
        if update.is_status and update.dossier and update.dossier not in newest_status:
            newest_status[update.dossier] = update
    live: list[HeldUpdate] = []
    superseded: list[HeldUpdate] = []
    for update in order:
        latest = newest_status.get(update.dossier) if update.dossier else None
        if (
            latest is not None
            and update is not latest
            and (update.held_at, update.id)
            < (
                latest.held_at,
                latest.id,
            )
        ):
            superseded.append(update)
        else:
            live.append(update)
    take = max(budget, 0)
    return MissedPlan(tuple(live[:take]), tuple(superseded), tuple(live[take:]))
