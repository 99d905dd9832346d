"""In-memory fakes of the ports; the contract tests run them against the real adapters."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from services.broadcasts import Audience, AudienceKind, Broadcast, BroadcastState
from services.citizens import Citizen, Person
from services.clock import VIETNAM
from services.consent import Consent
from services.documents import StoredDocument
from services.dossier_codes import TERMINAL
from services.dossiers import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    DayCounts,
    Dossier,
    Phase,
    StatusChange,
)
from services.drafts import Draft, DraftConflict, DraftStatus
from services.handover import HandoverEvent, HandoverKind, HandoverStatus
from services.otp import Challenge, Lockout
from services.outbox import OutboxItem, OutboxStatus, Priority, platform_of
from services.ports import StoredConversation
from services.ratings import AgencyRatings, Rating
from services.status_pushes import STATUS_TOPIC
from services.talks import Author, Talk, TalkMessage, TalkState
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
    sends: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    lockouts: dict[str, Lockout] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    sequences: dict[tuple[str, date], int] = field(default_factory=dict)
    documents: dict[str, StoredDocument] = field(default_factory=dict)
    payment_events: dict[tuple[str, str], str] = field(default_factory=dict)
    outbox: list[OutboxItem] = field(default_factory=list)
    changes: list[tuple[StatusChange, bool]] = field(default_factory=list)
    followers: dict[tuple[str, str], tuple[datetime, datetime]] = field(default_factory=dict)
    broadcasts: dict[str, Broadcast] = field(default_factory=dict)
    chat_status: dict[str, bool] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)
    not_before: dict[int, datetime] = field(default_factory=dict)
    claimed_at: dict[int, datetime] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    commits: int = 0
    subscribed: frozenset[tuple[str, str]] = frozenset()  # idle-logged-out links
    ratings: dict[str, Rating] = field(default_factory=dict)
    talks: dict[str, Talk] = field(default_factory=dict)
    talk_messages: dict[str, tuple[TalkMessage, ...]] = field(default_factory=dict)
    handovers: dict[str, HandoverEvent] = field(default_factory=dict)  # in queue order

    def copy(self) -> MemoryDatabase:
        """A working copy (values are immutable or replaced whole, never mutated in place)."""
        return MemoryDatabase(
            dict(self.conversations), dict(self.processed), dict(self.drafts),
            dict(self.citizens), dict(self.links), dict(self.consents), dict(self.challenges),
            list(self.sends), dict(self.lockouts), dict(self.dossiers), dict(self.sequences),
            dict(self.documents), dict(self.payment_events), list(self.outbox),
            list(self.changes), dict(self.followers), dict(self.broadcasts),
            dict(self.chat_status), dict(self.cursors), dict(self.not_before),
            dict(self.claimed_at), dict(self.errors), self.commits, self.subscribed,
            dict(self.ratings),
            dict(self.talks), dict(self.talk_messages),
            dict(self.handovers),
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

    async def record(
        self,
        key: str,
        update_id: str,
        replies: Sequence[Any],
        said: Any = None,
        at: datetime | None = None,
    ) -> None:
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
        self._base: dict[str, int] = {}  # the stored version the first update was based on

    async def get(self, draft_id: str) -> Draft | None:
        return self._db.drafts.get(draft_id)

    async def add(self, draft: Draft) -> None:
        if draft.id in self._db.drafts:
            raise KeyError(draft.id)
        self._db.drafts[draft.id] = draft

    async def update(self, draft: Draft) -> None:
        stored = self._db.drafts.get(draft.id)
        if stored is None or (draft.id not in self._base and draft == stored):
            return  # nothing changed: nothing stored, the version stays
        if draft.id not in self._base:
            if stored.version != draft.version:  # changed since this copy was read
                raise DraftConflict(draft.id)
            self._base[draft.id] = draft.version
        self._db.drafts[draft.id] = replace(draft, version=self._base[draft.id] + 1)

    async def claim(self, draft_id: str, version: int, dossier_id: str, at: datetime) -> bool:
        stored = self._db.drafts.get(draft_id)
        if stored is None or stored.status not in _OPEN or stored.version != version:
            return False
        self._db.drafts[draft_id] = replace(
            stored,
            status=DraftStatus.SUBMITTED,
            dossier_id=dossier_id,
            version=version + 1,
            updated_at=at,
        )
        self._base.pop(draft_id, None)
        return True

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

    async def unlink(self, chat_key: str, keep_updates: bool = False) -> None:
        for key, (at, on) in list(self._db.links.items()):
            if key[1] == chat_key:
                self._db.links[key] = (at, False)
                if keep_updates and on:
                    self._db.subscribed = self._db.subscribed | {key}
                else:
                    self._db.subscribed = self._db.subscribed - {key}

    async def subscribed_chats(self, citizen_id: str) -> Sequence[str]:
        found = [
            (at, k[1])
            for k, (at, on) in self._db.links.items()
            if k[0] == citizen_id and not on and k in self._db.subscribed
        ]
        return [chat for _, chat in sorted(found)]

    async def chats(self, citizen_id: str) -> Sequence[str]:
        found = [(at, k[1]) for k, (at, on) in self._db.links.items() if k[0] == citizen_id and on]
        return [chat for _, chat in sorted(found)]

    async def citizen_of(self, chat_key: str) -> str | None:
        return next(
            (k[0] for k, (_, on) in self._db.links.items() if k[1] == chat_key and on), None
        )

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

    async def record_send(self, account: str, chat_key: str, source: str, at: datetime) -> None:
        self._db.sends.append((account, chat_key, source, at))

    async def sends(
        self,
        since: datetime,
        *,
        account: str | None = None,
        chat_key: str | None = None,
        source: str | None = None,
    ) -> list[datetime]:
        return [
            at
            for sent_account, chat, origin, at in self._db.sends
            if at > since
            and (account is None or sent_account == account)
            and (chat_key is None or chat == chat_key)
            and (source is None or origin == source)
        ]

    async def lockout(self, account: str) -> Lockout | None:
        return self._db.lockouts.get(account)

    async def save_lockout(self, lockout: Lockout) -> None:
        self._db.lockouts[lockout.account] = lockout

    async def erase(self, chat_keys: Sequence[str]) -> None:
        for key in [k for k, c in self._db.challenges.items() if c.chat_key in chat_keys]:
            del self._db.challenges[key]


class MemoryDossierRepository:
    def __init__(self, db: MemoryDatabase, wake: Callable[[str], None] | None = None) -> None:
        self._db = db
        self._wake = wake

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

    async def search(
        self,
        agency_ids: Sequence[str] | None,
        status: int | None = None,
        overdue: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Dossier]:
        found = [
            d for d in self._db.dossiers.values()
            if d.phase is Phase.SUBMITTED
            and (agency_ids is None or d.agency_id in agency_ids)
            and (status is None or d.status == status)
            and (overdue is None or d.overdue == overdue)
        ]  # fmt: skip
        found.sort(key=lambda d: (d.due_date is None, d.due_date or date.min, d.code))
        return found[offset : offset + limit]

    async def record_change(self, change: StatusChange) -> int:
        number = len(self._db.changes) + 1
        stored = replace(change, id=number, actor=change.actor[:80])  # the column's width
        self._db.changes.append((stored, False))
        if self._wake is not None:
            self._wake(STATUS_TOPIC)
        return number

    async def unpushed_changes(self, limit: int) -> Sequence[StatusChange]:
        return [c for c, pushed in self._db.changes if not pushed][:limit]

    async def mark_pushed(self, change_ids: Sequence[int]) -> None:
        self._db.changes = [(c, pushed or c.id in change_ids) for c, pushed in self._db.changes]

    async def history_changes(self, dossier_id: str) -> Sequence[StatusChange]:
        return [c for c, _ in self._db.changes if c.dossier_id == dossier_id]

    async def awaiting_payment(self, created_before: datetime) -> Sequence[Dossier]:
        found = [
            d for d in self._db.dossiers.values()
            if d.phase is Phase.AWAITING_PAYMENT and d.created_at < created_before
        ]  # fmt: skip
        return sorted(found, key=lambda d: d.created_at)

    async def open_due(self, until: date, overdue: bool | None = None) -> Sequence[Dossier]:
        found = [
            d for d in self._db.dossiers.values()
            if d.phase is Phase.SUBMITTED and d.status is not None
            and int(d.status) in OPEN_STATUSES
            and d.due_date is not None and d.due_date <= until
            and (overdue is None or d.overdue == overdue)
        ]  # fmt: skip
        return sorted(found, key=lambda d: (d.due_date or date.min, d.code))

    async def daily_counts(
        self, since: date, agency_ids: Sequence[str] | None = None
    ) -> Sequence[DayCounts]:
        finished: dict[str, datetime] = {}
        for change, _ in self._db.changes:
            if change.status in FINISHED_STATUSES:
                first = finished.get(change.dossier_id)
                finished[change.dossier_id] = min(first, change.at) if first else change.at
        days: dict[date, tuple[dict[int, int], list[int]]] = {}
        for d in self._db.dossiers.values():
            if d.phase is not Phase.SUBMITTED or d.status is None or d.submitted_at is None:
                continue
            day = d.submitted_at.astimezone(VIETNAM).date()
            if day < since or (agency_ids is not None and d.agency_id not in agency_ids):
                continue
            by_status, timing = days.setdefault(day, ({}, [0, 0]))
            by_status[int(d.status)] = by_status.get(int(d.status), 0) + 1
            if int(d.status) in FINISHED_STATUSES:
                end = finished.get(d.id)
                if end is None:
                    on_time = not d.overdue
                else:
                    on_time = d.due_date is None or end.astimezone(VIETNAM).date() <= d.due_date
                timing[0 if on_time else 1] += 1
        return [DayCounts(day, s, t[0], t[1]) for day, (s, t) in sorted(days.items())]

    async def follow(self, dossier_id: str, chat_key: str, at: datetime) -> None:
        started, _ = self._db.followers.get((dossier_id, chat_key), (at, at))
        self._db.followers[(dossier_id, chat_key)] = (started, at)

    async def seen(self, dossier_id: str, chat_key: str, at: datetime) -> bool:
        if (dossier_id, chat_key) not in self._db.followers:
            return False
        await self.follow(dossier_id, chat_key, at)
        return True

    async def unfollow(self, dossier_id: str, chat_key: str) -> bool:
        return self._db.followers.pop((dossier_id, chat_key), None) is not None

    def _following(self, since: datetime | None) -> list[tuple[datetime, str, str]]:
        return sorted(
            (started, d, chat)
            for (d, chat), (started, seen) in self._db.followers.items()
            if since is None or seen >= since
        )

    async def followers(
        self, dossier_id: str, since: datetime | None = None, limit: int | None = None
    ) -> Sequence[str]:
        chats = [chat for _, d, chat in self._following(since) if d == dossier_id]
        return chats if limit is None else chats[:limit]

    async def followed(self, chat_key: str, since: datetime | None = None) -> Sequence[str]:
        return [d for _, d, chat in self._following(since) if chat == chat_key]

    async def expire_followers(self, idle_before: datetime, finished_before: datetime) -> int:
        def ended(dossier_id: str) -> bool:
            dossier = self._db.dossiers.get(dossier_id)
            ats = [c.at for c, _ in self._db.changes if c.dossier_id == dossier_id]
            return (
                dossier is not None
                and dossier.status in TERMINAL
                and bool(ats)
                and max(ats) < finished_before
            )

        gone = [
            key
            for key, (_, seen) in self._db.followers.items()
            if seen < idle_before or ended(key[0])
        ]
        for key in gone:
            del self._db.followers[key]
        return len(gone)


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


class MemoryRatings:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def add(self, rating: Rating) -> bool:
        if rating.dossier_id in self._db.ratings:
            return False
        self._db.ratings[rating.dossier_id] = rating
        return True

    async def get(self, dossier_id: str) -> Rating | None:
        return self._db.ratings.get(dossier_id)

    async def add_comment(self, dossier_id: str, comment: str) -> bool:
        rating = self._db.ratings.get(dossier_id)
        if rating is None or rating.comment:
            return False
        self._db.ratings[dossier_id] = replace(rating, comment=comment)
        return True

    async def summary(self, agency_ids: Sequence[str] | None = None) -> Sequence[AgencyRatings]:
        counts: dict[str, dict[int, int]] = {}
        comments: dict[str, int] = {}
        for r in self._db.ratings.values():
            if agency_ids is not None and r.agency_id not in agency_ids:
                continue
            per = counts.setdefault(r.agency_id, {})
            per[int(r.level)] = per.get(int(r.level), 0) + 1
            comments[r.agency_id] = comments.get(r.agency_id, 0) + bool(r.comment)
        return [AgencyRatings(a, counts[a], comments[a]) for a in sorted(counts)]


class MemoryOutbox:
    def __init__(self, db: MemoryDatabase, wake: Callable[[str], None] | None = None) -> None:
        self._db = db
        self._wake = wake

    def _set(self, item_id: int, **changes: Any) -> None:
        self._db.outbox = [replace(i, **changes) if i.id == item_id else i for i in self._db.outbox]

    async def enqueue(
        self,
        recipient: str,
        event: str,
        message: Mapping[str, Any],
        at: datetime,
        batch: str | None = None,
        *,
        priority: Priority = Priority.PUSH,
    ) -> bool:
        if any(i.recipient == recipient and i.event == event for i in self._db.outbox):
            return False
        self._db.outbox.append(
            OutboxItem(
                len(self._db.outbox) + 1, recipient, event, copy.deepcopy(dict(message)), at,
                batch=batch, priority=priority,
            )
        )  # fmt: skip
        if self._wake is not None:
            self._wake(f"outbox:{platform_of(recipient)}")
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

    async def due(
        self, platform: str, now: datetime, limit: int, skip: Collection[str] = ()
    ) -> Sequence[OutboxItem]:
        heads: dict[str, OutboxItem] = {}  # each chat's first message waiting or being sent
        for item in sorted(self._db.outbox, key=lambda i: (i.priority, i.id)):
            if item.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
                heads.setdefault(item.recipient, item)
        return sorted(
            (
                i for i in heads.values()
                if platform_of(i.recipient) == platform and i.status is OutboxStatus.PENDING
                and i.recipient not in skip
                and self._db.not_before.get(i.id, now) <= now
            ),
            key=lambda i: (i.priority, i.id),
        )[:limit]  # fmt: skip

    async def claim(self, item_id: int, now: datetime) -> bool:
        item = next((i for i in self._db.outbox if i.id == item_id), None)
        if item is None or item.status is not OutboxStatus.PENDING:
            return False
        self._set(item_id, status=OutboxStatus.SENDING)
        self._db.claimed_at[item_id] = now
        return True

    async def claim_reachable(self, item_id: int, now: datetime) -> bool:
        item = next((i for i in self._db.outbox if i.id == item_id), None)
        if item is None or not self._db.chat_status.get(item.recipient, True):
            return False
        return await self.claim(item_id, now)

    async def settle(
        self,
        item_id: int,
        status: OutboxStatus,
        at: datetime,
        error: str = "",
        retry_at: datetime | None = None,
        progress: int | None = None,
    ) -> None:
        item = next(i for i in self._db.outbox if i.id == item_id)
        done = item.progress if progress is None else progress
        self._set(item_id, status=status, attempts=item.attempts + 1, progress=done)
        self._db.errors[item_id] = error
        if retry_at is None:
            self._db.not_before.pop(item_id, None)
        else:
            self._db.not_before[item_id] = retry_at

    async def abandon_claims(self, platform: str, claimed_before: datetime, at: datetime) -> int:
        stale = [
            i.id for i in self._db.outbox
            if platform_of(i.recipient) == platform and i.status is OutboxStatus.SENDING
            and self._db.claimed_at.get(i.id, at) < claimed_before
        ]  # fmt: skip
        for item_id in stale:
            self._set(item_id, status=OutboxStatus.UNKNOWN)
        return len(stale)

    async def counts(self, batch: str) -> Mapping[OutboxStatus, int]:
        counted: dict[OutboxStatus, int] = {}
        for item in self._db.outbox:
            if item.batch == batch:
                counted[item.status] = counted.get(item.status, 0) + 1
        return counted

    async def cancel(self, batch: str, at: datetime) -> int:
        pending = [
            i.id for i in self._db.outbox
            if i.batch == batch and i.status is OutboxStatus.PENDING
        ]  # fmt: skip
        for item_id in pending:
            self._set(item_id, status=OutboxStatus.CANCELLED)
        return len(pending)


class MemoryBroadcasts:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def add(self, broadcast: Broadcast) -> None:
        self._db.broadcasts[broadcast.id] = broadcast

    async def get(self, broadcast_id: str) -> Broadcast | None:
        return self._db.broadcasts.get(broadcast_id)

    async def update(self, broadcast: Broadcast) -> None:
        self._db.broadcasts[broadcast.id] = broadcast

    async def active(self) -> Sequence[Broadcast]:
        live = (BroadcastState.QUEUING, BroadcastState.SENDING)
        found = [b for b in self._db.broadcasts.values() if b.state in live]
        return sorted(found, key=lambda b: (b.created_at, b.id))


class MemoryChatDirectory:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    def _keys(self, audience: Audience) -> set[str]:
        db, value = self._db, audience.value
        if audience.kind is AudienceKind.ALL:
            return set(db.conversations)
        if audience.kind is AudienceKind.PLATFORM:
            return {k for k in db.conversations if k.startswith(value + ":")}
        if audience.kind is AudienceKind.WARD:
            return {
                chat for (citizen, chat), (_, on) in db.links.items()
                if on and citizen in db.citizens
                and db.citizens[citizen].person.address.ward_code == value
            }  # fmt: skip
        ids = {d.id for d in db.dossiers.values() if d.procedure_id == value}
        citizens = {d.citizen_id for d in db.dossiers.values() if d.procedure_id == value}
        keys = {d.owner for d in db.dossiers.values() if d.procedure_id == value}
        keys |= {chat for (c, chat), (_, on) in db.links.items() if on and c in citizens}
        keys |= {chat for (d, chat) in db.followers if d in ids}
        return keys

    def _reachable(self, audience: Audience) -> list[str]:
        return sorted(k for k in self._keys(audience) if self._db.chat_status.get(k, True))

    async def audience(self, audience: Audience, after: str, limit: int) -> Sequence[str]:
        return [k for k in self._reachable(audience) if k > after][:limit]

    async def count(self, audience: Audience) -> int:
        return len(self._reachable(audience))

    async def set_active(self, chat_key: str, active: bool, reason: str, at: datetime) -> None:
        self._db.chat_status[chat_key] = active

    async def is_active(self, chat_key: str) -> bool:
        return self._db.chat_status.get(chat_key, True)


class MemoryCursors:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def get(self, name: str) -> int:
        return self._db.cursors.get(name, 0)

    async def set(self, name: str, position: int, at: datetime) -> None:
        self._db.cursors[name] = position


class MemoryTalks:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def add(self, talk: Talk) -> None:
        if talk.id in self._db.talks:
            raise ValueError(f"hand-over {talk.id} exists")
        self._db.talks[talk.id] = talk

    async def get(self, talk_id: str) -> Talk | None:
        return self._db.talks.get(talk_id)

    async def open_for_chat(self, chat_key: str) -> Talk | None:
        found = [h for h in self._db.talks.values() if h.chat_key == chat_key and h.is_open]
        return max(found, key=lambda h: h.opened_at) if found else None

    async def add_message(
        self, talk_id: str, author: Author, text: str, at: datetime, name: str = ""
    ) -> TalkMessage:
        kept = self._db.talk_messages.get(talk_id, ())
        message = TalkMessage(talk_id, len(kept) + 1, author, text, at, name)
        self._db.talk_messages[talk_id] = (*kept, message)
        return message

    async def messages(self, talk_id: str) -> Sequence[TalkMessage]:
        return list(self._db.talk_messages.get(talk_id, ()))

    async def close(self, talk_id: str, by: str, at: datetime) -> Talk | None:
        talk = self._db.talks.get(talk_id)
        if talk is None or not talk.is_open:
            return None
        closed = replace(talk, state=TalkState.CLOSED, closed_at=at, closed_by=by)
        self._db.talks[talk_id] = closed
        return closed

    async def listing(
        self,
        agencies: Sequence[str] | None,
        state: TalkState | None = None,
        dossier_id: str | None = None,
        limit: int = 50,
    ) -> Sequence[Talk]:
        found = [
            h for h in self._db.talks.values()
            if (agencies is None or h.agency_id in agencies)
            and (state is None or h.state is state)
            and (dossier_id is None or h.dossier_id == dossier_id)
        ]  # fmt: skip
        found.sort(key=lambda h: (h.opened_at, h.id), reverse=True)
        return found[:limit]


class MemoryHandovers:
    """HandoverOutbox in memory (the contract test holds it to the SQL one)."""

    def __init__(self, db: MemoryDatabase, enabled: bool) -> None:
        self._db, self._enabled = db, enabled

    @property
    def enabled(self) -> bool:
        return self._enabled

    async def enqueue(self, event: HandoverEvent) -> bool:
        if not self._enabled or event.key in self._db.handovers:
            return False
        self._db.handovers[event.key] = replace(
            event, not_before=event.not_before or event.created_at
        )
        return True

    async def count(self, dossier_id: str, kind: HandoverKind) -> int:
        return sum(
            e.dossier_id == dossier_id and e.kind is kind for e in self._db.handovers.values()
        )

    async def get(self, key: str) -> HandoverEvent | None:
        return self._db.handovers.get(key)

    async def due(self, now: datetime, limit: int) -> Sequence[HandoverEvent]:
        waiting: set[str] = set()
        due = []
        for event in self._db.handovers.values():
            if event.dossier_id in waiting:
                continue
            if event.status is not HandoverStatus.ACCEPTED:
                waiting.add(event.dossier_id)
            if event.status is HandoverStatus.PENDING and (
                event.not_before is None or event.not_before <= now
            ):
                due.append(event)
        return due[:limit]

    async def save(self, event: HandoverEvent) -> None:
        kept = self._db.handovers[event.key]
        self._db.handovers[event.key] = replace(
            kept, status=event.status, attempts=event.attempts, not_before=event.not_before,
            error=event.error[:200], remote_code=event.remote_code[:80],
            received_at=event.received_at, settled_at=event.settled_at,
        )  # fmt: skip

    async def dead(self, limit: int = 50) -> Sequence[HandoverEvent]:
        dead = [e for e in self._db.handovers.values() if e.status is HandoverStatus.DEAD]
        return dead[:limit]

    async def for_dossier(self, dossier_id: str) -> Sequence[HandoverEvent]:
        return [e for e in self._db.handovers.values() if e.dossier_id == dossier_id]

    async def depth(self) -> int:
        return sum(e.status is HandoverStatus.PENDING for e in self._db.handovers.values())


class MemoryUnitOfWork:
    """Works on a copy of the database; commit swaps the copy in. Units of work of one
    factory run one at a time, as on SQLite: two at once would each commit their own copy,
    and the first one's writes would be lost (PostgreSQL makes the second wait for the row)."""

    def __init__(
        self,
        db: MemoryDatabase,
        lock: asyncio.Lock | None = None,
        signal: Callable[[str], None] | None = None,
        handover: bool = False,
    ) -> None:
        self._db = db
        self._lock = lock or asyncio.Lock()
        self._signal = signal
        self._handover = handover
        self._topics: dict[str, None] = {}

    def wake(self, topic: str) -> None:
        self._topics[topic] = None

    async def __aenter__(self) -> Self:
        await self._lock.acquire()
        self._work = self._db.copy()
        self.conversations = MemoryConversationStore(self._work)
        self.drafts = MemoryDraftRepository(self._work)
        self.citizens = MemoryCitizenRepository(self._work)
        self.consents = MemoryConsentRepository(self._work)
        self.otp = MemoryOtpStore(self._work)
        self.dossiers = MemoryDossierRepository(self._work, self.wake)
        self.documents = MemoryDocumentRepository(self._work)
        self.payments = MemoryPaymentEvents(self._work)
        self.outbox = MemoryOutbox(self._work, self.wake)
        self.ratings = MemoryRatings(self._work)
        self.broadcasts = MemoryBroadcasts(self._work)
        self.chats = MemoryChatDirectory(self._work)
        self.cursors = MemoryCursors(self._work)
        self.talks = MemoryTalks(self._work)
        self.handovers = MemoryHandovers(self._work, self._handover)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._topics = {}
        self._lock.release()

    async def commit(self) -> None:
        self._work.commits = self._db.commits + 1
        self._db.__dict__.update(self._work.__dict__)
        topics, self._topics = list(self._topics), {}
        for topic in topics:
            if self._signal is not None:
                self._signal(topic)


class MemoryUnitOfWorkFactory:
    def __init__(
        self,
        db: MemoryDatabase | None = None,
        signal: Callable[[str], None] | None = None,
        handover: bool = False,
    ) -> None:
        self.db = db or MemoryDatabase()
        self._lock = asyncio.Lock()
        self.signal = signal
        self.handover = handover

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.db, self._lock, self.signal, self.handover)


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
        import secrets

        ref = "staging:" + secrets.token_hex(32)  # one per upload, as LocalStaging
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
