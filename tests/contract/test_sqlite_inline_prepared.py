"""The inline unit of work's fast path (statements marked with storage.prepared, run straight on
the sqlite3 cursor) gives what SQLAlchemy's own execution gives: the same rows, values (UTC
datetimes, NULLs, booleans, JSON), keys and row counts, and the same bytes in the file."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, StatementError

from storage import broadcasts, citizens, conversations, drafts, inbox, outbox
from storage.prepared import PREPARED
from storage.sqlite_inline import InlineConnection, InlineResult, InlineSqliteUnitOfWorkFactory
from tests.contract.conftest import KEYS

AT = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)
BATCH_AT = datetime(2026, 3, 1, 15, 30, tzinfo=UTC).astimezone()  # not UTC: stored as UTC


def _outbox(event: str, batch: str | None, recipient: str = "telegram:42") -> dict[str, Any]:
    return {
        "recipient": recipient,
        "platform": "telegram",
        "event": event,
        "batch": batch,
        "message": {"text": "Xin chào", "parts": [1, None, True]},
        "status": "pending",
        "attempts": 0,
        "priority": 0,
        "progress": 0,
        "error": "",
        "created_at": AT,
    }


def _draft(**changes: Any) -> dict[str, Any]:
    values = {
        "owner": "telegram:42",
        "citizen_id": None,
        "procedure_id": "1.001",
        "agency_id": "hcm",
        "answers": {"name": "Nguyễn Văn A", "age": 30, "ok": False},
        "cursor": "",
        "status": "filling",
        "attachments": None,
        "created_at": AT,
        "updated_at": AT,
        "version": 0,
        "dossier_id": None,
        "changed_by": "",
    }
    return values | changes


def _settle(item_id: int, status: str, error: str, retry_at: datetime | None) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "new_status": status,
        "at": LATER,
        "new_error": error,
        "retry_at": retry_at,
    }


def _inbox(update_id: str, chat_key: str, body: Any, at: datetime) -> dict[str, Any]:
    return {
        "platform": "telegram",
        "update_id": update_id,
        "chat_key": chat_key,
        "body": body,
        "status": "pending",
        "attempts": 0,
        "error": "",
        "received_at": at,
    }


def _processed(update_id: str, replies: Any, said: Any, at: datetime) -> dict[str, Any]:
    return {
        "chat_key": "telegram:42",
        "update_id": update_id,
        "replies": replies,
        "said": said,
        "created_at": at,
    }


def _save(state: Any, at: datetime) -> dict[str, Any]:
    return {"key": "telegram:42", "state": state, "updated_at": at}


def _write(draft_id: str, read: int, **changes: Any) -> dict[str, Any]:
    return {"draft_id": draft_id, "read_version": read, **_draft(**changes)}


# Every marked SQLite statement, with values a chat update gives it (and edge cases).
SCRIPT: list[tuple[Any, dict[str, Any]]] = [
    (outbox._ENQUEUE["sqlite"], _outbox("e1", None)),
    (outbox._ENQUEUE["sqlite"], _outbox("e1", None)),  # a duplicate: nothing inserted
    (outbox._ENQUEUE["sqlite"], _outbox("e2", "b1")),
    (outbox._ENQUEUE["sqlite"], _outbox("e3", None, "telegram:43")),
    (outbox._CLAIM_REACHABLE, {"item_id": 3, "at": LATER}),  # its chat is inactive: no row
    (outbox._CLAIM_REACHABLE, {"item_id": 2, "at": LATER}),
    (outbox._CLAIM_REACHABLE, {"item_id": 2, "at": LATER}),  # already claimed: no row
    (outbox._DUE, {"of": "telegram", "now": AT, "most": 200}),  # the chat's first row only
    (outbox._DUE, {"of": "zalo", "now": AT, "most": 200}),  # none
    (outbox._CLAIM, {"item_id": 1, "at": LATER}),
    (outbox._CLAIM, {"item_id": 1, "at": LATER}),  # already claimed: no row
    (outbox._DUE, {"of": "telegram", "now": LATER, "most": 1}),  # one being sent: none
    (outbox._SETTLE, _settle(1, "sent", "", None)),
    (outbox._SETTLE_PROGRESS, _settle(2, "pending", "429", BATCH_AT) | {"new_progress": 2}),
    (outbox._DUE, {"of": "telegram", "now": AT, "most": 5}),  # not before its retry time
    (outbox._DUE, {"of": "telegram", "now": LATER + timedelta(days=1), "most": 5}),
    (conversations._SELECT_BOTH, {"k": "telegram:42", "u": "7"}),  # neither row yet: NULLs
    (conversations._SQLITE_SAVE, _save({"step": "a", "n": [1.5]}, AT)),
    (conversations._SQLITE_SAVE, _save({"step": "b"}, LATER)),
    (conversations._INSERT_PROCESSED, _processed("7", [{"t": "ok"}], None, AT)),
    (conversations._INSERT_PROCESSED, _processed("8", [], {"x": 1}, BATCH_AT)),
    (conversations._SELECT_BOTH, {"k": "telegram:42", "u": "7"}),
    (conversations._SELECT_BOTH, {"k": "telegram:42", "u": "9"}),
    (inbox._RECORD["sqlite"], _inbox("100", "telegram:42", {"a": [1]}, AT)),
    (inbox._RECORD["sqlite"], _inbox("100", "telegram:42", {}, AT)),  # a duplicate
    (inbox._RECORD["sqlite"], _inbox("101", "telegram:43", {"b": None}, LATER)),
    (inbox._RECORDED, {"of": "telegram", "update_id": "100"}),
    (inbox._RECORDED, {"of": "telegram", "update_id": "999"}),  # no such row
    (inbox._PENDING, {"of": "telegram", "most": 200}),
    (inbox._APPLIED, {"item_id": 1, "at": LATER}),
    (inbox._PENDING, {"of": "telegram", "most": 1}),
    (drafts._GET, {"draft_id": "d1"}),  # none yet
    (drafts._EXISTS, {"draft_id": "d1"}),
    (drafts._UPDATE, _write("d1", 0)),  # no row to update
    (drafts._GET, {"draft_id": "d0"}),
    (
        drafts._UPDATE,
        _write("d0", 0, version=1, attachments=[{"id": "f"}], citizen_id="c1", updated_at=BATCH_AT),
    ),
    (drafts._UPDATE, _write("d0", 0, version=1)),  # a stale version: nothing written
    (drafts._GET, {"draft_id": "d0"}),
    (drafts._EXISTS, {"draft_id": "d0"}),
    (
        drafts._UPDATE,
        _write("d0", 1, version=2, status="submitted", dossier_id="x1", updated_at=LATER),
    ),
    (drafts._GET, {"draft_id": "d0"}),
    (drafts._DELETE, {"draft_id": "d0"}),
    (drafts._GET, {"draft_id": "d0"}),
    (broadcasts._IS_ACTIVE, {"chat_key": "telegram:42"}),
    (broadcasts._IS_ACTIVE, {"chat_key": "telegram:43"}),
    (broadcasts._IS_ACTIVE, {"chat_key": "telegram:44"}),
    (citizens._GET_CONSENT, {"k": "telegram:42"}),
    (citizens._GET_CONSENT, {"k": "telegram:43"}),
]

SEED = (  # rows only other statements write (a draft's insert, a chat's status, a consent)
    "INSERT INTO draft (id, owner, procedure_id, agency_id, answers, cursor, status,"
    " created_at, updated_at, version, changed_by) VALUES ('d0', 'telegram:42', '1.001', 'hcm',"
    " '{}', '', 'filling', '2026-03-01 08:30:15.123456', '2026-03-01 08:30:15.123456', 0, '')",
    "INSERT INTO chat_status (chat_key, active, reason, updated_at)"
    " VALUES ('telegram:42', 1, '', '2026-03-01 08:30:15')",
    "INSERT INTO chat_status (chat_key, active, reason, updated_at)"
    " VALUES ('telegram:43', 0, 'blocked', '2026-03-01 08:30:15.000001')",
    "INSERT INTO consent (chat_key, version, accepted, at, citizen_id)"
    " VALUES ('telegram:42', 'v1', 1, '2026-03-01 08:30:15.123456', NULL)",
)


@pytest.fixture
def databases(
    sqlite_template: Path, tmp_path: Path
) -> Iterator[list[InlineSqliteUnitOfWorkFactory]]:
    made = []
    for name in ("fast", "plain"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        with sqlite3.connect(path) as connection:
            for statement in SEED:
                connection.execute(statement)
        made.append(InlineSqliteUnitOfWorkFactory(f"sqlite+aiosqlite:///{path}", KEYS))
    yield made
    for factory in made:
        factory.dispose()


def _seen(result: Any, statement: Any) -> dict[str, Any]:
    """All a repository can read of a result."""
    seen: dict[str, Any] = {}
    if statement.is_select:
        rows = result.all()
        seen["rows"] = [tuple(row) for row in rows]
        seen["types"] = [[type(value) for value in row] for row in rows]
        seen["keys"] = [row._fields for row in rows]
        seen["attributes"] = [{key: getattr(row, key) for key in row._fields} for row in rows]
    else:
        seen["rowcount"] = result.rowcount
    return seen


def _dump(path: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }  # fmt: skip


async def test_every_marked_statement_gives_what_sqlalchemy_gives(
    databases: list[InlineSqliteUnitOfWorkFactory],
) -> None:
    fast_factory, plain_factory = databases
    fast_seen, plain_seen = [], []
    async with fast_factory() as fast_uow, plain_factory() as plain_uow:
        fast = InlineConnection(fast_factory.connection(), fast_factory.plans)
        plain: Connection = plain_factory.connection()
        for statement, values in SCRIPT:
            fast_result = await fast.execute(statement, dict(values))
            assert isinstance(fast_result, InlineResult), statement  # it took the fast path
            fast_seen.append(_seen(fast_result, statement))
            plain_seen.append(_seen(plain.execute(statement, dict(values)), statement))
        await fast_uow.commit()
        await plain_uow.commit()
    for step, (mine, theirs) in enumerate(zip(fast_seen, plain_seen, strict=True)):
        assert mine == theirs, (step, SCRIPT[step][0])
    marked = {id(statement) for statement in PREPARED.values()}
    ran = {id(statement) for statement, _ in SCRIPT}
    postgres_only = {id(outbox._ENQUEUE["postgresql"]), id(inbox._RECORD["postgresql"])}
    assert marked - postgres_only == ran  # a newly marked statement is added to SCRIPT
    # What reached the file is the same too (datetimes as text, JSON, booleans as 0/1).
    fast_dump = _dump(str(fast_factory.engine.url.database))
    assert fast_dump == _dump(str(plain_factory.engine.url.database))
    assert fast_dump["outbox"] and fast_dump["processed_update"] and fast_dump["inbox"]


async def test_a_refused_value_and_a_failed_statement_raise_as_sqlalchemy_does(
    databases: list[InlineSqliteUnitOfWorkFactory],
) -> None:
    factory = databases[0]
    values = {"chat_key": "telegram:42", "update_id": "7", "replies": [], "said": None}
    async with factory() as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.conversations._connection.execute(
                conversations._INSERT_PROCESSED, values | {"created_at": datetime(2026, 3, 1)}
            )
        await uow.conversations.record("telegram:42", "7", [], at=AT)
        with pytest.raises(IntegrityError):  # the same update recorded twice
            await uow.conversations.record("telegram:42", "7", [], at=AT)
        await uow.conversations.save("telegram:42", {"step": "after the error"})
        await uow.commit()
    async with factory() as uow:
        stored = await uow.conversations.load("telegram:42", "7")
        assert stored.replies == []
        assert stored.state == {"step": "after the error"}


async def test_outside_a_transaction_sqlalchemy_runs_the_statement(
    databases: list[InlineSqliteUnitOfWorkFactory],
) -> None:
    factory = databases[0]
    async with factory() as uow:
        await uow.commit()
        result = await uow.drafts._connection.execute(drafts._GET, {"draft_id": "d0"})
        assert not isinstance(result, InlineResult)  # SQLAlchemy began (and rolls back) its own


async def test_rolled_back_work_leaves_nothing(
    databases: list[InlineSqliteUnitOfWorkFactory],
) -> None:
    factory = databases[0]
    async with factory() as uow:
        await uow.conversations.save("telegram:42", {"step": "x"})
    async with factory() as uow:
        assert (await uow.conversations.load("telegram:42", "1")).state is None
        assert _dump(str(factory.engine.url.database))["conversation"] == []
