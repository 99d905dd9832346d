"""The one-time-code store and SMS ports, and what the store keeps (see services.otp)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Challenge:
    """An issued code, stored as its keyed hash."""

    id: str
    chat_key: str
    account: str  # keyed hash of ID number + phone
    phone_hash: str
    code_hash: str
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    matched: bool = False  # the ID and phone belong to a citizen (never shown to the user)
    closed: bool = False  # used, superseded, expired or out of attempts


@dataclass(frozen=True, slots=True)
class Lockout:
    """Consecutive failures of an account and until when it must wait."""

    account: str  # keyed hash of the account and the chat the failures came from
    failures: int
    locked_until: datetime | None


class OtpStore(Protocol):
    """Challenges, sent codes and lockouts."""

    async def open_challenge(self, chat_key: str) -> Challenge | None:
        """The chat's newest challenge that is not closed."""
        ...

    async def save_challenge(self, challenge: Challenge) -> None:
        """Insert or replace a challenge."""
        ...

    async def record_send(self, account: str, chat_key: str, source: str, at: datetime) -> None:
        """Note that a code was sent (or pretended to be sent) for an account, chat and source."""
        ...

    async def sends(
        self,
        since: datetime,
        *,
        account: str | None = None,
        chat_key: str | None = None,
        source: str | None = None,
    ) -> list[datetime]:
        """Times of sends after `since`, for an account, a chat or a source."""
        ...

    async def lockout(self, account: str) -> Lockout | None:
        """A failure record (`account` is the key of an account in one chat)."""
        ...

    async def save_lockout(self, lockout: Lockout) -> None:
        """Insert or replace a failure record."""
        ...

    async def erase(self, chat_keys: Sequence[str]) -> None:
        """Forget the challenges of these chats."""
        ...


class SmsSender(Protocol):
    """Sends a text message to a phone; `chat_key` says which chat asked (for demo panels)."""

    async def send(self, phone: str, text: str, chat_key: str) -> None:
        """Queue the message; delivery happens outside the caller's transaction."""
        ...
