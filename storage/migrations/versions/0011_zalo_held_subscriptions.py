"""zalo updates held until the user writes; chats subscribed after an idle logout

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-07 05:00:00

`zalo_held`: an update Zalo would not carry when it happened, delivered when the user next
writes (services.missed_updates). `citizen_chat.subscribed`: a chat logged out for being idle
keeps getting its citizen's status updates (without personal data).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zalo_held",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("dossier", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column(
            "message", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "event", name="uq_zalo_held_user_event"),
    )
    op.create_index("ix_zalo_held_user_state", "zalo_held", ["user_id", "state"], unique=False)
    with op.batch_alter_table("citizen_chat", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subscribed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("citizen_chat", schema=None) as batch_op:
        batch_op.drop_column("subscribed")
    op.drop_index("ix_zalo_held_user_state", table_name="zalo_held")
    op.drop_table("zalo_held")
