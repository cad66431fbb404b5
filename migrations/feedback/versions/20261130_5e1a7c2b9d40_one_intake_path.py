"""one intake path: idempotency key, channel reference, who entered a comment

Revision ID: 5e1a7c2b9d40
Revises: 11b9c270737c
Create Date: 2026-11-30 03:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e1a7c2b9d40"
down_revision: str | None = "11b9c270737c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "comments",
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "comments",
        sa.Column("source_ref", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    )
    op.add_column(
        "comments",
        sa.Column("entered_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    )
    op.create_index(
        "ix_comments_idempotency_key", "comments", ["idempotency_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_comments_idempotency_key", table_name="comments")
    op.drop_column("comments", "entered_by")
    op.drop_column("comments", "source_ref")
    op.drop_column("comments", "idempotency_key")
