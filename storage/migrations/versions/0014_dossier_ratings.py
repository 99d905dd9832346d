"""citizens' ratings of the service, one per dossier

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:00:00

`dossier_rating`: the satisfaction level (4 very satisfied … 1 not satisfied) a citizen gave
once the dossier's processing ended, with the agency for the per-agency report, and the
optional comment sealed in `body` (`commented` says whether there is one, for counting).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dossier_rating",
        sa.Column("dossier_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("agency_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("commented", sa.Boolean(), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dossier_id"),
    )
    op.create_index("ix_dossier_rating_agency_id", "dossier_rating", ["agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossier_rating_agency_id", table_name="dossier_rating")
    op.drop_table("dossier_rating")
