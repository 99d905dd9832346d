"""inbox: updates recorded before they are acknowledged

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 05:00:00

Telegram polling confirmed an update (the next getUpdates offset) and a Zalo webhook answered
200 before the update's work was durable: a crash then lost it. Every update is now recorded
here first (sealed, like other personal data), acknowledged, and applied from here
(services.inbox).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("update_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("chat_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "update_id", name="uq_inbox_platform_update"),
    )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_pending", ["platform", "status", "id"], unique=False)
        batch_op.create_index("ix_inbox_settled", ["status", "settled_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_settled")
        batch_op.drop_index("ix_inbox_pending")
    op.drop_table("inbox")
