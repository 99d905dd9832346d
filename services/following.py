"""Following someone else's dossier, within bounds: how many, for how long.

A follower is a chat that asked to hear a dossier's status changes (`/follow CODE`); the
owner's own chats are not followers and always get their pushes. Each follower multiplies
every status change of the dossier into one more message, so following is bounded:

- per chat: at most `per_chat` dossiers (default 20 — a family, a small business or a
  village head helping neighbours stays well below; a script collecting codes does not);
- per dossier: at most `per_dossier` follower chats (default 50 — a household and the
  people helping it, never a mass audience: that is what broadcasts are for). A status
  change fans out to at most that many follower chats, the earliest followers first, even
  when a follower's citizen is logged in on several chats;
- in time: a follower that has not followed or looked the dossier up for `idle_days`
  (default 180 — longer than almost any procedure takes, so a citizen who followed once
  hears of the whole dossier) expires, and so does every follower of an ended dossier
  (not received, stopped, or its result delivered: status 3, 8, 10) `finished_days`
  (default 30) after its last change — the dossier will not move any more, and the chat
  gets its slot back.

Expired followers no longer count or receive pushes at once; the hourly clean-up deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.clock import Clock
from services.ports import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class FollowLimits:
    """The bounds on following (settings FOLLOW_MAX_PER_CHAT, FOLLOW_MAX_PER_DOSSIER,
    FOLLOW_IDLE_DAYS, FOLLOW_FINISHED_DAYS)."""

    per_chat: int = 20
    per_dossier: int = 50
    idle_days: int = 180
    finished_days: int = 30

    def active_since(self, now: datetime) -> datetime:
        """Followers last seen before this moment have expired."""
        return now - timedelta(days=self.idle_days)

    def finished_before(self, now: datetime) -> datetime:
        """Followers of a dossier that ended (last changed) before this moment have expired."""
        return now - timedelta(days=self.finished_days)


class FollowRefusal(StrEnum):
    """Why a chat may not follow one more dossier."""

    CHAT_FULL = "chat_full"  # this chat follows `per_chat` dossiers already
    DOSSIER_FULL = "dossier_full"  # the dossier has `per_dossier` followers already


async def may_follow(
    uow: UnitOfWork, limits: FollowLimits, dossier_id: str, chat_key: str, now: datetime
) -> FollowRefusal | None:
    """None when `chat_key` may start following the dossier now, else why not."""
    since = limits.active_since(now)
    if len(await uow.dossiers.followed(chat_key, since)) >= limits.per_chat:
        return FollowRefusal.CHAT_FULL
    followers = await uow.dossiers.followers(dossier_id, since, limits.per_dossier)
    if len(followers) >= limits.per_dossier:
        return FollowRefusal.DOSSIER_FULL
    return None


async def expire_followers(
    uow_factory: UnitOfWorkFactory, clock: Clock, limits: FollowLimits
) -> int:
    """Delete the expired followers (idle, or of a dossier that ended long ago); how many."""
    now = clock.now()
    async with uow_factory() as uow:
        gone = await uow.dossiers.expire_followers(
            limits.active_since(now), limits.finished_before(now)
        )
        await uow.commit()
    return gone
