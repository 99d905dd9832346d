"""Consent to the processing of personal data (Personal Data Protection Law 91/2025)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The notice's version: a new wording needs a new answer.
NOTICE_VERSION = "2026-01"


@dataclass(frozen=True, slots=True)
class Consent:
    """A chat's recorded answer to the notice."""

    chat_key: str
    version: str
    accepted: bool
    at: datetime
    citizen_id: str | None = None

    @property
    def current(self) -> bool:
        """Given to the notice in force and accepted."""
        return self.accepted and self.version == NOTICE_VERSION
