"""aggregator documents: the consultation's closing time, the one retention cutoff

Display names are erased a fixed time after ``closes_at`` (as feedback does), no longer
after the time of the close event. Rows from before this revision get it from their next
document event, or at once from a rebuild (python -m services.aggregator rebuild).

Revision ID: a7c3e9d41b02
Revises: 5b1e0c7d9a21
Create Date: 2026-11-30 03:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = 'a7c3e9d41b02'
down_revision: str | None = '5b1e0c7d9a21'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('aggregator_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closes_at', shared.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('aggregator_documents', schema=None) as batch_op:
        batch_op.drop_column('closes_at')
