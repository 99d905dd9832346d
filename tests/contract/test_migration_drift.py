"""The migrations build the schema the models describe, on SQLite and on PostgreSQL.

A column, index, constraint, type or nullability added to storage/tables.py without a
migration (or a migration that builds something the models do not say) fails here.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

# The only difference allowed, each named: a NOT NULL column added by a later migration to a
# table that may already hold rows carries a server default there, to fill those rows; the
# model gives every new row its value in Python and declares no server default.
BACKFILL_DEFAULTS = {
    ("citizen", "ward_code"),  # 0005
    ("citizen_chat", "subscribed"),  # 0005
    ("dossier", "overdue"),  # 0005
    ("otp_send", "source"),  # 0007
    ("outbox", "platform"),  # 0005
    ("outbox", "error"),  # 0005
}


def _is_backfill_default(diff: Any) -> bool:
    """A column default the migration set and the model leaves to Python, on a named column."""
    if not isinstance(diff, list) or len(diff) != 1:
        return False
    (change,) = diff
    kind, _schema, table, column, _existing, _database_default, model_default = change
    return (
        kind == "modify_default" and model_default is None and (table, column) in BACKFILL_DEFAULTS
    )


def _is_same_default_written_twice(diff: Any) -> bool:
    """Alembic (1.20) reports SQLite's reflected `DEFAULT ''` (the SQL text `('')`) as unlike the
    model's `server_default=""` (draft.changed_by): the same default, quoted once. Allowed
    only when the database's text is exactly the model's value as an SQL string literal."""
    if not isinstance(diff, list) or len(diff) != 1:
        return False
    (change,) = diff
    kind, _schema, _table, _column, _existing, database_default, model_default = change
    if kind != "modify_default" or database_default is None or model_default is None:
        return False
    database_text = getattr(database_default.arg, "text", database_default.arg)
    model_value = model_default.arg
    if not isinstance(database_text, str) or not isinstance(model_value, str):
        return False
    literal = "'" + model_value.replace("'", "''") + "'"
    return database_text in (literal, f"({literal})")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, SQLModel.metadata))


async def test_the_migrated_schema_is_the_one_the_models_describe(
    sql_engine: AsyncEngine,
) -> None:
    async with sql_engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    unexplained = [
        d
        for d in differences
        if not _is_backfill_default(d) and not _is_same_default_written_twice(d)
    ]
    assert not unexplained, "\n".join(map(repr, unexplained))
