"""Flood control: a chat that sends faster than a person can is slowed, with one clear message.

Each chat has a token bucket, kept in its state (`ChatState.pace`): the router loads and saves
it in the update's own transaction, under the chat's row lock on PostgreSQL, so every web
worker counts the same updates and a redelivered update (answered from the record) is not
counted twice. The bucket holds `burst` updates and refills at `per_minute`:

- the defaults, 20 at once and 60 a minute (one a second), let a citizen send two albums of
  ten photos in a row, paste a long text Telegram splits, or tap through a form as fast as
  anyone reads; one a second is also Telegram's budget for writing to one chat, so a chat
  within the limit never makes its own replies queue up faster than they can be sent;
- the first update over the limit is answered with one message ("you are sending too fast;
  wait N seconds") and starts a cooldown; updates during the cooldown are recorded as applied
  without a reply (nothing queues, and a redelivery of one is not answered either);
- after the cooldown the bucket has refilled and normal service resumes.

    update ─▶ check(pace, now) ─┬─ None ─────────▶ apply the update as usual
                                ├─ (warning,) ───▶ the one "too fast" message
                                └─ () ───────────▶ recorded, no reply (cooldown)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.messages import Outgoing, say

WARNING = "flood.too_fast"


@dataclass(frozen=True, slots=True)
class Limits:
    """How fast a chat may send: `burst` updates at once, refilled at `per_minute`; a chat
    over the limit is answered once, then not at all for `cooldown_s` seconds."""

    burst: int = 20
    per_minute: int = 60
    cooldown_s: int = 30


@dataclass(frozen=True, slots=True)
class Pace:
    """A chat's bucket: tokens left when last counted (-1: full), and the cooldown's end."""

    tokens: float = -1.0
    at: str = ""  # ISO time the tokens were counted
    quiet_until: str = ""  # ISO time; "" when not cooling down


def check(
    pace: Pace, now: datetime, limits: Limits | None
) -> tuple[Pace, tuple[Outgoing, ...] | None]:
    """Count one update: (the new pace, None to apply it) or the messages to answer instead."""
    if limits is None:
        return pace, None
    quiet_until = _time(pace.quiet_until)
    if quiet_until is not None and now < quiet_until:
        return pace, ()
    tokens = _refilled(pace, now, limits)
    if tokens >= 1:
        return Pace(tokens - 1, now.isoformat()), None
    until = now + timedelta(seconds=limits.cooldown_s)
    warning = say(WARNING, seconds=math.ceil(limits.cooldown_s))
    return Pace(tokens, now.isoformat(), until.isoformat()), (warning,)


def _refilled(pace: Pace, now: datetime, limits: Limits) -> float:
    counted = _time(pace.at)
    if pace.tokens < 0 or counted is None:
        return float(limits.burst)
    elapsed = max((now - counted).total_seconds(), 0.0)
    return min(float(limits.burst), pace.tokens + elapsed * limits.per_minute / 60)


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
