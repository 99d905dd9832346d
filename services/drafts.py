"""Drafts: an e-form being filled, saved at every step so that nothing typed is lost.

One draft can be open in several chats of the same citizen (Telegram and Zalo, two browser
tabs). Every stored change raises `version` and names the chat that made it (`changed_by`):
a write based on an older version is refused (DraftConflict) instead of overwriting newer
answers, and a chat that remembers the version it last showed notices when another chat
changed the draft since, and shows where it stands instead of acting on its old view.
Submitting is a compare-and-set on the status and version (DraftRepository.claim): once.
"""

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


OPEN_DRAFT_STATUSES = frozenset({DraftStatus.FILLING, DraftStatus.REVIEW, DraftStatus.COMPLETE})


class DraftConflict(Exception):
    """Another unit of work stored a newer version of the draft first; nothing was written."""

    def __init__(self, draft_id: str) -> None:
        super().__init__(f"draft {draft_id} was changed concurrently")
        self.draft_id = draft_id


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
    version: int = 0  # raised by the repository on every stored change
    dossier_id: str | None = None  # the dossier it became, once claimed for submission
    changed_by: str = ""  # chat key of the chat that stored the last change

    def answer(self, key: str, value: JsonValue | None, at: datetime) -> Draft:
        """A copy with `key` answered (or cleared when value is None); other answers kept."""
        answers = dict(self.answers)
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
        return replace(self, answers=answers, updated_at=at)

    @property
    def is_open(self) -> bool:
        """Still being filled, reviewed or completed: not yet a dossier."""
        return self.status in OPEN_DRAFT_STATUSES
