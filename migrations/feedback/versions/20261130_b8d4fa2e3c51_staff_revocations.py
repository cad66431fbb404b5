"""staff revocations kept across restarts

Revision ID: b8d4fa2e3c51
Revises: 5e1a7c2b9d40
Create Date: 2026-11-30 03:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.db


revision: str = 'b8d4fa2e3c51'
down_revision: str | None = '5e1a7c2b9d40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_revocations',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('expires_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'key')
    )


def downgrade() -> None:
    op.drop_table('staff_revocations')
