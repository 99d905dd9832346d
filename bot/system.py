"""Adapters for the process's own clock and randomness."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Now, in UTC."""
        return datetime.now(UTC)


class RandomIds:
    """Random, unguessable ids (16 hex characters)."""

    def new_id(self) -> str:
        """A new id."""
        return secrets.token_hex(8)
