"""The id-generator port."""

from __future__ import annotations

from typing import Protocol


class IdGenerator(Protocol):
    """New unique ids (random in production, predictable in tests)."""

    def new_id(self) -> str:
        """A new id of letters and digits, at most 32 characters."""
        ...
