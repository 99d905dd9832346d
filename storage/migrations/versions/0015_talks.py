"""hand-overs of a conversation to an agency's officers, and their messages

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00

`talk`: a citizen chat handed over to one agency's officers ("Gặp cán bộ"), open until
the citizen or an officer ends it. `talk_message`: its exchange, the text sealed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "talk",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("chat_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("agency_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("dossier_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("dossier_code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_talk_agency_state", "talk", ["agency_id", "state"], unique=False)
    op.create_index("ix_talk_chat_key", "talk", ["chat_key"], unique=False)
    op.create_index("ix_talk_dossier_id", "talk", ["dossier_id"], unique=False)
    op.create_table(
        "talk_message",
        sa.Column("talk_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("talk_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("talk_message")
    op.drop_index("ix_talk_dossier_id", table_name="talk")
    op.drop_index("ix_talk_chat_key", table_name="talk")
    op.drop_index("ix_talk_agency_state", table_name="talk")
    op.drop_table("talk")
