"""outbox priority and progress: replies go first, a long message is never sent twice

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 05:00:00

Replies now go through the outbox too (priority 0, before pushes 1 and broadcasts 2); the
sender's query reads the due rows by (priority, id), hence the index. `progress` counts the
parts of a message already delivered, so that a message split in several calls resumes
after the last part sent instead of sending it again (or dropping the rest).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("progress", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index(
            "ix_outbox_due", ["platform", "status", "priority", "id"], unique=False
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("priority", server_default=None)
        batch_op.alter_column("progress", server_default=None)
    op.execute("UPDATE outbox SET priority = 2 WHERE batch IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index("ix_outbox_due", ["platform", "status", "id"], unique=False)
        batch_op.drop_column("progress")
        batch_op.drop_column("priority")
