"""Status changes made in a remote provincial one-stop system, read by cursor, applied here.

With DOSSIER_SYSTEM=http, officers work in the province's one-stop system (Hệ thống thông tin
giải quyết TTHC), not through our API. `ingest` reads that system's change log page by page
and applies each change to the local dossier with the same code: the status and a history
entry (actor `remote:<name>`), and an entry in the status-change log, from which the push job
(services.status_pushes) tells the citizen — exactly as for a change made by our own officers.

- Cursor: JobCursors keeps integer positions, so the protocol's cursor is numeric: `after` and
  `next` are non-negative decimal integers (the remote log's sequence number, say), "0" being
  the beginning. A page's changes and the next cursor are committed in one transaction: a
  crash part-way re-reads that page. The page is fetched before the transaction opens, so a
  slow remote system never holds the database.
- Idempotent: each applied change leaves its remote id in the dossier's history, and a change
  whose id is there already is skipped; so is a change to the status the dossier already has
  (the remote system's finer internal statuses map onto one national code).
- Unknown codes (no local dossier, or not a dossier code) are skipped and counted.
- The remote system is the authority: a status the national flow does not allow from the
  local one is applied anyway, and logged at WARNING (ids and codes of statuses only).
- Read promptly, without polling harder: besides the sweep (every STATUS_SYNC_SECONDS), the
  remote system may ping us when it has new changes (`POST /api/v1/one-stop/changes`,
  bot.web.one_stop_ping); the ping only wakes the reader (REMOTE_TOPIC), which then reads by
  cursor as always, at most about once a second however often it is pinged.
- Not carried over yet: due dates (the local due date stays), the components of a supplement
  request (the note says what is needed) and the result files (their names are read only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from services.clock import Clock
from services.dossier_codes import DossierStatus, TransitionError, check_transition, parse_code
from services.dossiers import Dossier, HistoryEntry, Phase, StatusChange
from services.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

REMOTE_TOPIC = "remote"  # the wake-up topic of "the remote system has new changes"
MAX_CURSOR = 2**63 - 1  # the job_cursor column is a 64-bit integer


class DossierSystemError(RuntimeError):
    """The remote dossier system could not be read; nothing of the failed page was applied."""


class DossierSystemUnavailable(DossierSystemError):
    """Network error, timeout, 5xx or 429: the job tries again at its next tick."""


class DossierSystemRefused(DossierSystemError):
    """The remote system refused our credentials (401/403): a configuration error."""


class MalformedPage(DossierSystemError):
    """A page that breaks the protocol (not JSON, a field missing or wrong): rejected whole."""


@dataclass(frozen=True, slots=True)
class RemoteChange:
    """One status change as the remote system reports it."""

    remote_id: str
    code: str  # the dossier code, as the remote system writes it
    status: DossierStatus
    at: datetime  # timezone-aware
    note: str = ""
    results: tuple[str, ...] = ()  # names of result files the remote system holds

    def __post_init__(self) -> None:
        if not self.remote_id:
            raise ValueError("a remote change needs its id")
        if self.at.tzinfo is None:
            raise ValueError("a remote change's time needs its UTC offset")


@dataclass(frozen=True, slots=True)
class ChangePage:
    """Changes after a cursor, oldest first, and the cursor to read the next page from."""

    changes: Sequence[RemoteChange]
    next_cursor: str


class DossierSystem(Protocol):
    """A remote dossier system's change log, read by cursor."""

    async def changes_after(self, cursor: str, limit: int) -> ChangePage:
        """At most `limit` changes after `cursor`; raises a DossierSystemError subclass."""
        ...


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one run of `ingest` did."""

    pages: int = 0
    applied: int = 0
    duplicates: int = 0  # applied before (their remote id is in the history)
    unchanged: int = 0  # the dossier already had that status
    unknown: int = 0  # no local dossier with that code
    unexpected: int = 0  # applied although the national flow does not allow it
    cursor: int = 0  # where the next run starts

    def __add__(self, other: IngestResult) -> IngestResult:
        return IngestResult(
            self.pages + other.pages,
            self.applied + other.applied,
            self.duplicates + other.duplicates,
            self.unchanged + other.unchanged,
            self.unknown + other.unknown,
            self.unexpected + other.unexpected,
            other.cursor,
        )


def cursor_key(name: str) -> str:
    """The JobCursors name under which the position in a remote system's log is kept."""
    return f"dossier-system:{name}"


def cursor_position(cursor: str) -> int:
    """A protocol cursor as a position; MalformedPage when it is not a decimal integer."""
    if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 19):
        raise MalformedPage("the next cursor is not a non-negative decimal integer")
    position = int(cursor)
    if position > MAX_CURSOR:
        raise MalformedPage("the next cursor is out of range")
    return position


async def ingest(
    uow_factory: UnitOfWorkFactory,
    system: DossierSystem,
    clock: Clock,
    name: str = "remote",
    page: int = 200,
    max_pages: int | None = None,
) -> IngestResult:
    """Read and apply the remote system's changes after the stored cursor, page by page, until
    the cursor stops moving. `name` is the remote system's short name (e.g. "igate"): the
    actor is `remote:<name>`, the cursor `dossier-system:<name>`. A DossierSystemError ends
    the run; the pages before it stay applied."""
    key, actor = cursor_key(name), f"remote:{name}"
    async with uow_factory() as uow:
        position = await uow.cursors.get(key)
    total = IngestResult(cursor=position)
    while max_pages is None or total.pages < max_pages:
        fetched = await system.changes_after(str(position), page)
        following = cursor_position(fetched.next_cursor)
        if following < position:
            raise MalformedPage("the next cursor is before the one asked for")
        async with uow_factory() as uow:
            stored = await uow.cursors.get(key)
            if stored != position:  # another run moved on meanwhile: read from there
                position = stored
                continue
            done = await _apply_page(uow, fetched.changes, actor)
            await uow.cursors.set(key, following, clock.now())
            await uow.commit()
        total = total + replace(done, pages=1, cursor=following)
        if following == position:
            break
        position = following
    return total


async def _apply_page(uow: UnitOfWork, changes: Sequence[RemoteChange], actor: str) -> IngestResult:
    applied = duplicates = unchanged = unknown = unexpected = 0
    for change in changes:
        parsed = parse_code(change.code)
        dossier = await uow.dossiers.by_code(parsed.text) if parsed else None
        if dossier is None:
            log.info(
                "%s change %s: no local dossier has its code; skipped", actor, change.remote_id
            )
            unknown += 1
        elif any(entry.remote_id == change.remote_id for entry in dossier.history):
            duplicates += 1
        elif dossier.status is change.status:
            unchanged += 1
        else:
            if not _allowed(dossier, change, actor):
                unexpected += 1
            await uow.dossiers.update(moved(dossier, change, actor))
            await uow.dossiers.record_change(
                StatusChange(0, dossier.id, int(change.status), change.at, actor, change.note)
            )
            applied += 1
    return IngestResult(0, applied, duplicates, unchanged, unknown, unexpected)


def _allowed(dossier: Dossier, change: RemoteChange, actor: str) -> bool:
    """Whether the national flow allows the change; a WARNING (no personal data) if not."""
    old = dossier.status
    try:
        if old is None:
            raise TransitionError("not_submitted")
        check_transition(old, change.status)
    except TransitionError as refused:
        log.warning(
            "%s change %s moves dossier %s from status %s to %s (%s in the national flow); "
            "applied, the remote system being the authority",
            actor, change.remote_id, dossier.id, int(old) if old else "none",
            int(change.status), refused.reason,
        )  # fmt: skip
        return False
    return True


def moved(dossier: Dossier, change: RemoteChange, actor: str) -> Dossier:
    """The dossier in the change's status, the change in its history (with its remote id)."""
    entry = HistoryEntry(int(change.status), change.at, actor, change.note, change.remote_id)
    updated = replace(dossier, status=change.status, history=(*dossier.history, entry))
    if dossier.phase is not Phase.SUBMITTED:  # the remote system has it: it was submitted
        updated = replace(
            updated, phase=Phase.SUBMITTED, submitted_at=dossier.submitted_at or change.at
        )
    if change.status is DossierStatus.SUPPLEMENT_REQUESTED:  # the reminders count from here
        return replace(updated, supplement=(), supplement_note=change.note, supplement_at=change.at)
    if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED:
        return replace(updated, supplement=(), supplement_note="", supplement_at=None)
    return updated
