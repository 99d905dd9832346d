"""In-memory fakes of the ports; the contract tests run them against the real adapters."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from services.citizens import Citizen, Person
from services.consent import Consent
from services.documents import StoredDocument
from services.dossiers import Dossier
from services.drafts import Draft, DraftStatus
from services.otp import Challenge, Lockout
from services.outbox import OutboxItem, OutboxStatus
from services.ports import StoredConversation
from tests.privacy import note_codes


class FakeClock:
    """A clock that only moves when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class SequentialIds:
    """Predictable ids: id0001, id0002, …"""

    def __init__(self) -> None:
        self._next = 0

    def new_id(self) -> str:
        self._next += 1
        return f"id{self._next:04d}"


@dataclass
class MemoryDatabase:
    """What the fake stores hold; copied on begin, swapped in on commit."""

    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    citizens: dict[str, Citizen] = field(default_factory=dict)
    links: dict[tuple[str, str], tuple[datetime, bool]] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    sends: list[tuple[str, str, datetime]] = field(default_factory=list)
    lockouts: dict[str, Lockout] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    sequences: dict[tuple[str, date], int] = field(default_factory=dict)
    documents: dict[str, StoredDocument] = field(default_factory=dict)
    payment_events: dict[tuple[str, str], str] = field(default_factory=dict)
    outbox: list[OutboxItem] = field(default_factory=list)
    commits: int = 0

    def copy(self) -> MemoryDatabase:
        """A working copy (values are immutable or replaced whole, never mutated in place)."""
        return MemoryDatabase(
            dict(self.conversations), dict(self.processed), dict(self.drafts),
            dict(self.citizens), dict(self.links), dict(self.consents), dict(self.challenges),
            list(self.sends), dict(self.lockouts), dict(self.dossiers), dict(self.sequences),
            dict(self.documents), dict(self.payment_events), list(self.outbox), self.commits,
        )  # fmt: skip


class MemoryConversationStore:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def load(self, key: str, update_id: str) -> StoredConversation:
        state = self._db.conversations.get(key)
        replies = self._db.processed.get((key, update_id))
        return StoredConversation(
            key,
            copy.deepcopy(state) if state else None,
            None if replies is None else copy.deepcopy(replies),
        )

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        self._db.conversations[key] = copy.deepcopy(dict(state))

    async def record(self, key: str, update_id: str, replies: Sequence[Any]) -> None:
        if (key, update_id) in self._db.processed:
            raise KeyError("update already recorded")  # the real table's primary key
        self._db.processed[(key, update_id)] = copy.deepcopy(list(replies))

    async def erase(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._db.conversations.pop(key, None)
        for entry in [e for e in self._db.processed if e[0] in keys]:
            self._db.processed[entry] = []


_OPEN = (DraftStatus.FILLING, DraftStatus.REVIEW, DraftStatus.COMPLETE)


class MemoryDraftRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def get(self, draft_id: str) -> Draft | None:
        return self._db.drafts.get(draft_id)

    async def add(self, draft: Draft) -> None:
        if draft.id in self._db.drafts:
            raise KeyError(draft.id)
        self._db.drafts[draft.id] = draft

    async def update(self, draft: Draft) -> None:
        if draft.id in self._db.drafts:
            self._db.drafts[draft.id] = draft

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        found = [
            d
            for d in self._db.drafts.values()
            if d.status in _OPEN
            and (d.owner == owner or (citizen_id is not None and d.citizen_id == citizen_id))
        ]
        return sorted(found, key=lambda d: (-d.updated_at.timestamp(), d.id))

    async def delete(self, draft_id: str) -> None:
        self._db.drafts.pop(draft_id, None)

    async def erase(self, owners: Sequence[str], citizen_id: str) -> int:
        gone = [
            d.id
            for d in self._db.drafts.values()
            if d.owner in owners or d.citizen_id == citizen_id
        ]
        for draft_id in gone:
            del self._db.drafts[draft_id]
        return len(gone)


class MemoryCitizenRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def find(self, id_number: str) -> Citizen | None:
        return next(
            (c for c in self._db.citizens.values() if c.person.id_number == id_number), None
        )

    async def get(self, citizen_id: str) -> Citizen | None:
        return self._db.citizens.get(citizen_id)

    async def save(self, citizen: Citizen, at: datetime) -> None:
        self._db.citizens[citizen.id] = citizen

    async def link(self, citizen_id: str, chat_key: str, at: datetime) -> None:
        await self.unlink(chat_key)
        self._db.links[(citizen_id, chat_key)] = (at, True)

    async def unlink(self, chat_key: str) -> None:
        for key, (at, _) in list(self._db.links.items()):
            if key[1] == chat_key:
                self._db.links[key] = (at, False)

    async def chats(self, citizen_id: str) -> Sequence[str]:
        found = [(at, k[1]) for k, (at, on) in self._db.links.items() if k[0] == citizen_id and on]
        return [chat for _, chat in sorted(found)]

    async def erase(self, citizen_id: str) -> Sequence[str]:
        keys = [k[1] for k in self._db.links if k[0] == citizen_id]
        for key in [k for k in self._db.links if k[0] == citizen_id]:
            del self._db.links[key]
        self._db.citizens.pop(citizen_id, None)
        return keys


class MemoryConsentRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def get(self, chat_key: str) -> Consent | None:
        return self._db.consents.get(chat_key)

    async def record(self, consent: Consent) -> None:
        self._db.consents[consent.chat_key] = consent

    async def erase(self, chat_keys: Sequence[str]) -> None:
        for key in chat_keys:
            self._db.consents.pop(key, None)


class MemoryOtpStore:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def open_challenge(self, chat_key: str) -> Challenge | None:
        open_ = [c for c in self._db.challenges.values() if c.chat_key == chat_key and not c.closed]
        return max(open_, key=lambda c: (c.created_at, c.id), default=None)

    async def save_challenge(self, challenge: Challenge) -> None:
        self._db.challenges[challenge.id] = challenge

    async def record_send(self, phone_hash: str, chat_key: str, at: datetime) -> None:
        self._db.sends.append((phone_hash, chat_key, at))

    async def sends(
        self, phone_hash: str | None, chat_key: str | None, since: datetime
    ) -> list[datetime]:
        return [
            at
            for phone, chat, at in self._db.sends
            if at > since
            and (phone_hash is None or phone == phone_hash)
            and (chat_key is None or chat == chat_key)
        ]

    async def lockout(self, account: str) -> Lockout | None:
        return self._db.lockouts.get(account)

    async def save_lockout(self, lockout: Lockout) -> None:
        self._db.lockouts[lockout.account] = lockout

    async def erase(self, chat_keys: Sequence[str]) -> None:
        for key in [k for k, c in self._db.challenges.items() if c.chat_key in chat_keys]:
            del self._db.challenges[key]


class MemoryDossierRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def add(self, dossier: Dossier) -> None:
        if dossier.id in self._db.dossiers or any(
            d.code == dossier.code for d in self._db.dossiers.values()
        ):
            raise KeyError(dossier.code)
        self._db.dossiers[dossier.id] = dossier

    async def update(self, dossier: Dossier) -> None:
        self._db.dossiers[dossier.id] = dossier

    async def get(self, dossier_id: str) -> Dossier | None:
        return self._db.dossiers.get(dossier_id)

    async def by_code(self, code: str) -> Dossier | None:
        return next((d for d in self._db.dossiers.values() if d.code == code), None)

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Dossier]:
        found = [
            d for d in self._db.dossiers.values()
            if d.owner == owner or (citizen_id is not None and d.citizen_id == citizen_id)
        ]  # fmt: skip
        return sorted(found, key=lambda d: (-d.created_at.timestamp(), d.id))

    async def next_sequence(self, agency_code: str, day: date) -> int:
        number = self._db.sequences.get((agency_code, day), 0) + 1
        self._db.sequences[(agency_code, day)] = number
        return number


class MemoryDocumentRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def add(self, document: StoredDocument) -> None:
        self._db.documents[document.id] = document

    async def get(self, document_id: str) -> StoredDocument | None:
        return self._db.documents.get(document_id)

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[StoredDocument]:
        found = [
            d for d in self._db.documents.values()
            if d.owner == owner or (citizen_id is not None and d.citizen_id == citizen_id)
        ]  # fmt: skip
        return sorted(found, key=lambda d: (-d.created_at.timestamp(), d.id))

    async def erase(self, owners: Sequence[str], citizen_id: str) -> Sequence[str]:
        gone = [
            d
            for d in self._db.documents.values()
            if d.owner in owners or d.citizen_id == citizen_id
        ]
        for document in gone:
            del self._db.documents[document.id]
        return [d.ref for d in gone]


class MemoryPaymentEvents:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def record(
        self,
        provider: str,
        transaction_id: str,
        body: Mapping[str, Any],
        outcome: str,
        at: datetime,
    ) -> bool:
        if (provider, transaction_id) in self._db.payment_events:
            return False
        self._db.payment_events[(provider, transaction_id)] = str(outcome)
        return True


class MemoryOutbox:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def enqueue(
        self, recipient: str, event: str, message: Mapping[str, Any], at: datetime
    ) -> bool:
        if any(i.recipient == recipient and i.event == event for i in self._db.outbox):
            return False
        self._db.outbox.append(
            OutboxItem(len(self._db.outbox) + 1, recipient, event, copy.deepcopy(dict(message)), at)
        )
        return True

    async def pending(self, recipient: str, after: int, limit: int = 50) -> Sequence[OutboxItem]:
        return [
            i for i in self._db.outbox
            if i.recipient == recipient and i.id > after and i.status is OutboxStatus.PENDING
        ][:limit]  # fmt: skip

    async def mark(self, item_id: int, status: OutboxStatus, at: datetime) -> None:
        self._db.outbox = [
            replace(i, status=status, attempts=i.attempts + 1) if i.id == item_id else i
            for i in self._db.outbox
        ]


class MemoryUnitOfWork:
    """Works on a copy of the database; commit swaps the copy in."""

    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def __aenter__(self) -> Self:
        self._work = self._db.copy()
        self.conversations = MemoryConversationStore(self._work)
        self.drafts = MemoryDraftRepository(self._work)
        self.citizens = MemoryCitizenRepository(self._work)
        self.consents = MemoryConsentRepository(self._work)
        self.otp = MemoryOtpStore(self._work)
        self.dossiers = MemoryDossierRepository(self._work)
        self.documents = MemoryDocumentRepository(self._work)
        self.payments = MemoryPaymentEvents(self._work)
        self.outbox = MemoryOutbox(self._work)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self._work.commits = self._db.commits + 1
        self._db.__dict__.update(self._work.__dict__)


class MemoryUnitOfWorkFactory:
    def __init__(self, db: MemoryDatabase | None = None) -> None:
        self.db = db or MemoryDatabase()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.db)


class FakeRegistry:
    """A population registry holding the given people."""

    def __init__(self, *people: Person) -> None:
        self.people = {p.id_number: p for p in people}
        self.lookups = 0

    async def lookup(self, id_number: str) -> Person | None:
        self.lookups += 1
        return self.people.get(id_number)


class RecordingSms:
    """An SMS sender that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, phone: str, text: str, chat_key: str) -> None:
        self.sent.append((phone, text, chat_key))
        note_codes(text)

    def last_code(self, phone: str) -> str:
        import re

        for to, text, _ in reversed(self.sent):
            if to == phone:
                return re.findall(r"\b\d{6}\b", text)[0]
        raise AssertionError(f"no SMS to {phone}")


class MemoryStaging:
    """Staged uploads in memory; `accept` moves them to a dict standing for the file store."""

    def __init__(self) -> None:
        self.staged: dict[str, bytes] = {}
        self.stored: dict[str, bytes] = {}

    def stage(self, content: bytes) -> str:
        import hashlib

        ref = "staging:" + hashlib.sha256(content).hexdigest()
        self.staged[ref] = content
        return ref

    def head(self, ref: str, size: int = 64) -> bytes:
        return self.staged.get(ref, b"")[:size]

    def accept(self, ref: str) -> str:
        import hashlib

        content = self.staged.pop(ref)
        stored = "sha256:" + hashlib.sha256(content).hexdigest()
        self.stored[stored] = content
        return stored

    def reject(self, ref: str) -> None:
        self.staged.pop(ref, None)
