"""followers: when each was last seen (stale followers expire)

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-07 05:00:00

A follower expires when it has not followed or looked the dossier up for a long time
(services.following). Rows from before count as seen when they started following.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_follower", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE dossier_follower SET seen_at = created_at")
    with op.batch_alter_table("dossier_follower", schema=None) as batch_op:
        batch_op.alter_column("seen_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_follower", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
