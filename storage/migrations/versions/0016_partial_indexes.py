"""partial indexes: reply rows and unsettled inbox rows leave the indexes they never use

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 02:30:00

`ix_outbox_batch` serves a broadcast's counts and its cancel (`batch = …`); a reply or a
status push has no batch, yet each of its rows was kept there, and moved in it at every
change of status (claimed, then settled): pages written for nothing on each message sent.
`ix_inbox_settled` serves the purge of settled rows (`settled_at < …`); a row just received
is not settled. `ix_inbox_pending` serves the applier's reads and retention's look at chats
with updates pending; an applied row was kept there for good, and moved in it when applied.
Each index now holds only the rows its queries can ask for: a comparison on the column
implies it is not NULL, and the pending reads name 'pending' in their SQL, so SQLite's and
PostgreSQL's planners still use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, columns, the rows it keeps)
_PARTIAL = (
    ("ix_outbox_batch", "outbox", ["batch", "status"], "batch IS NOT NULL"),
    ("ix_inbox_pending", "inbox", ["platform", "status", "id"], "status = 'pending'"),
    ("ix_inbox_settled", "inbox", ["status", "settled_at"], "settled_at IS NOT NULL"),
)


def upgrade() -> None:
    for name, table, columns, kept in _PARTIAL:
        op.drop_index(name, table_name=table)
        where = sa.text(kept)
        op.create_index(
            name, table, columns, unique=False, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for name, table, columns, _kept in reversed(_PARTIAL):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
