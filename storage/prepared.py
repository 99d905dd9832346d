"""Statements marked for the inline SQLite fast path (storage.sqlite_inline).

A statement of a chat update's hot path is built once, at import, its values bound at
execution. Marked here, the inline unit of work compiles it once and runs it straight on the
sqlite3 cursor instead of through SQLAlchemy's execution machinery (which cost several times
the statement itself). Every other connection (PostgreSQL, aiosqlite) runs it as it is.

Only module-level statements are marked: the mark is the object's identity, which must not
be reused by another statement.
"""

from __future__ import annotations

from typing import Any, TypeVar

S = TypeVar("S")

# id(statement) -> statement (kept, so that the id stays its own)
PREPARED: dict[int, Any] = {}


def prepared(statement: S) -> S:
    """Mark a statement built once at import as worth compiling once for the inline path."""
    PREPARED[id(statement)] = statement
    return statement
