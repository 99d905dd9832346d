"""otp sends counted per account (ID + phone) and per source

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:00:00

Sends were counted per phone; they are now counted per account (the keyed hash of ID number
+ phone), per chat and per source, so that a stranger typing someone's phone with another ID
number is never charged to the owner (see services.otp). Rows from before keep their phone
hash in `account`: they match no account any more and age out of the 24-hour window.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("otp_send", schema=None) as batch_op:
        batch_op.drop_index("ix_otp_send_phone")
        batch_op.alter_column(
            "phone_hash",
            new_column_name="account",
            existing_type=sa.String(length=64),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column(
                "source",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("otp_send", schema=None) as batch_op:
        batch_op.create_index("ix_otp_send_account", ["account", "sent_at"], unique=False)
        batch_op.create_index("ix_otp_send_source", ["source", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("otp_send", schema=None) as batch_op:
        batch_op.drop_index("ix_otp_send_source")
        batch_op.drop_index("ix_otp_send_account")
        batch_op.drop_column("source")
        batch_op.alter_column(
            "account",
            new_column_name="phone_hash",
            existing_type=sa.String(length=64),
            existing_nullable=False,
        )
    with op.batch_alter_table("otp_send", schema=None) as batch_op:
        batch_op.create_index("ix_otp_send_phone", ["phone_hash", "sent_at"], unique=False)
