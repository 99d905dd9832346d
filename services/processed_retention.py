"""How long a processed update (its id, its recorded replies, what the citizen said) is kept.

The router records every applied update with its replies (conversations.router) so that a
redelivery is answered with the same replies and queues nothing new. That record is needed
only while the platform can still deliver the update again:

- Telegram, webhook: an update whose delivery was not answered 200 is delivered again, but
  Telegram keeps an undelivered update for at most 24 hours (Bot API, "Getting updates").
  The record is written after Telegram received the update, so 24 hours after `created_at`
  no delivery of it can come.
- Telegram, polling: an update is recorded in the inbox (services.inbox) before its offset
  is confirmed; the inbox itself refuses a second delivery while its row is kept (7 days
  after it was applied), and Telegram stops offering it after 24 hours anyway. A row still
  pending in the inbox (the applier crashed between the router's commit and marking it, or
  has not reached it yet) will be applied again, and needs its record however old it is.
- Zalo: events are recorded in the inbox too (same rule); a retried webhook older than the
  signature's time check (bot.channels.zalo_inbound.MAX_SKEW, 5 minutes) is refused.
  Updates Zalo held for a user (zalo_held) are outgoing messages, not updates: no record.
- Web chat: the page retries a request (double tap, lost answer) with the same tab, sequence
  number and content, for as long as its session lives; the session is also what shows the
  chat's history, read from these records (storage.chat_history). So a web chat's records
  are kept while any session of that chat is live (used within SESSION_IDLE_MINUTES); once
  none is, nobody can open that chat again (a new session is a new, empty chat) and they age
  out like the others.

So a record goes once it is older than the window (at least `FLOOR`), its chat has nothing
pending in the inbox, and (web chat) no live session. A delivery of a pruned update — which
no platform makes — would be applied as a new update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

TELEGRAM_REDELIVERY = timedelta(hours=24)  # Telegram keeps an undelivered update this long
FLOOR = TELEGRAM_REDELIVERY + timedelta(hours=1)  # the shortest window a setting may ask for
DEFAULT_WINDOW = timedelta(hours=72)
BATCH = 500  # rows deleted per transaction: short locks, the hot path is never held up
MAX_BATCHES = 400  # per run (200,000 rows); the next run takes the rest


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """The window after which a processed update may go, and a web session's idle time."""

    window: timedelta = DEFAULT_WINDOW
    web_idle: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if self.window < FLOOR:
            raise ValueError(f"the retention window must be at least {FLOOR}")

    def cutoff(self, now: datetime) -> datetime:
        """Records created before this moment may go (unless a redelivery may still come)."""
        return now - self.window

    def live_since(self, now: datetime) -> datetime:
        """A web session used since this moment is live: its chat keeps its records."""
        return now - self.web_idle


@dataclass(frozen=True, slots=True)
class RetentionStats:
    """The table after a run: its rows, those past the window kept (a redelivery may still
    come, or a live web chat shows them), and the oldest record's time (None: empty)."""

    rows: int
    held: int
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What one run deleted, and the table afterwards."""

    pruned: int
    stats: RetentionStats
