"""web chat sessions the server issues; what the citizen's message showed, for the history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:45:00

`web_session`: a browser's session of the web chat (bot.web.sessions). Only a digest of the
cookie's token is kept; the chat it opens, whether an admin signed in, when it was last used.
`processed_update.said`: what the chat showed of the citizen's own message (the web chat's
history shows it with the replies already recorded there); null elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("chat_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_web_session_seen_at", "web_session", ["seen_at"], unique=False)
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "said", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
            )
        )
        batch_op.create_index(
            "ix_processed_update_chat_created", ["chat_key", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_update_chat_created")
        batch_op.drop_column("said")
    op.drop_index("ix_web_session_seen_at", table_name="web_session")
    op.drop_table("web_session")
