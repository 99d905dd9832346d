"""draft version, dossier id and last writer: one application, one dossier

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:00:00

Every change to a draft raises `version`; writes are compare-and-set on it, so a chat acting
on an older copy of a draft cannot overwrite another chat's newer answers, and claiming a
draft for submission (status → submitted, `dossier_id` set) happens once. `changed_by` names
the chat that stored the last change (a chat's own changes never make its view stale).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("dossier_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "changed_by",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("changed_by")
        batch_op.drop_column("dossier_id")
        batch_op.drop_column("version")
