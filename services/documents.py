"""Documents: files attached to dossiers, and the citizen's store of them ("Kho dữ liệu").

An upload first lands in staging, where it is checked (real type, size) before anything is
kept; only an accepted file moves to the content-addressed file store and into the citizen's
document store, from which later dossiers can reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class DocumentSource(StrEnum):
    """Where a stored document came from."""

    UPLOAD = "upload"  # the citizen sent it in a chat
    RESULT = "result"  # an agency returned it as the result of a dossier
    PAPER = "paper"  # issued to the citizen: the e-form PDF, a fee receipt


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One file in the document store, with what it is and whose it is."""

    id: str
    owner: str  # chat key of the chat that sent it
    citizen_id: str | None
    component: str  # the dossier component it was given for (e.g. giay_chung_sinh)
    name: str  # sanitised file name
    kind: str  # pdf, jpeg or png
    size: int
    ref: str  # file store reference
    created_at: datetime
    source: DocumentSource = DocumentSource.UPLOAD
    label: str = ""  # component name in Vietnamese, to show in lists


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document attached to a draft or dossier for one component."""

    component: str
    document_id: str
    name: str
    kind: str
    size: int
    ref: str


class DocumentRepository(Protocol):
    """The document store."""

    async def add(self, document: StoredDocument) -> None:
        """Keep a document."""
        ...

    async def get(self, document_id: str) -> StoredDocument | None:
        """One document."""
        ...

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[StoredDocument]:
        """Documents of a chat and of its citizen, newest first."""
        ...

    async def erase(self, owners: Sequence[str], citizen_id: str) -> Sequence[str]:
        """Delete the documents of these chats or of the citizen; returns their file refs."""
        ...


class UploadStaging(Protocol):
    """Files received by a channel, waiting to be checked; nothing here is kept for long."""

    def head(self, ref: str, size: int = 64) -> bytes:
        """The first bytes of a staged file (b"" when it is gone)."""
        ...

    def accept(self, ref: str) -> str:
        """Move the file to the file store; returns its file store reference."""
        ...

    def reject(self, ref: str) -> None:
        """Drop the staged file."""
        ...
