"""Adapters for the process's own clock and randomness."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

# Ten digits in a row read as a phone number (and twelve as an ID number) to anyone scanning a
# log for personal data, the privacy scan included: random ids never carry such a run.
_DIGIT_RUN = re.compile(r"\d{9}")


def random_hex(length: int) -> str:
    """`length` random hex characters, without nine digits in a row."""
    while True:
        value = secrets.token_hex((length + 1) // 2)[:length]
        if not _DIGIT_RUN.search(value):
            return value


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Now, in UTC."""
        return datetime.now(UTC)


class RandomIds:
    """Random, unguessable ids (16 hex characters)."""

    def new_id(self) -> str:
        """A new id."""
        return random_hex(16)
