"""Drafts: an e-form being filled, saved at every step so that nothing typed is lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from services.answers import JsonValue
from services.documents import Attachment


class DraftStatus(StrEnum):
    """Where a draft stands."""

    FILLING = "filling"  # questions still being answered
    REVIEW = "review"  # all answered, the citizen is checking the summary
    COMPLETE = "complete"  # the form is confirmed
    SUBMITTED = "submitted"  # became a dossier


@dataclass(frozen=True, slots=True)
class Draft:
    """A citizen's unfinished dossier for one procedure at one agency."""

    id: str
    owner: str  # chat key of the chat that started it
    procedure_id: str
    agency_id: str
    created_at: datetime
    updated_at: datetime
    answers: Mapping[str, JsonValue] = field(default_factory=dict)
    cursor: str = ""  # key of the field being asked
    status: DraftStatus = DraftStatus.FILLING
    citizen_id: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def answer(self, key: str, value: JsonValue | None, at: datetime) -> Draft:
        """A copy with `key` answered (or cleared when value is None)."""
        answers = dict(self.answers)
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
        return replace(self, answers=answers, updated_at=at)
