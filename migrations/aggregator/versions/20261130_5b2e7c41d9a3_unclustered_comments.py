"""aggregator: the comments still waiting for their cluster, in arrival order

Counting stores a new comment with cluster_id NULL and the clusterer gives it one a moment
later (services.aggregator.clustering); this partial index is the clusterer's queue, and it
stays as small as the backlog. Every comment stored before this revision has its cluster.

Revision ID: 5b2e7c41d9a3
Revises: 859d0872c612
Create Date: 2026-11-30 09:50:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5b2e7c41d9a3'
down_revision: str | None = '859d0872c612'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCLUSTERED = sa.text("cluster_id IS NULL")


def upgrade() -> None:
    op.create_index(
        'ix_aggregator_comments_unclustered',
        'aggregator_comments',
        ['submitted_at', 'comment_id'],
        postgresql_where=UNCLUSTERED,
        sqlite_where=UNCLUSTERED,
    )


def downgrade() -> None:
    op.drop_index('ix_aggregator_comments_unclustered', table_name='aggregator_comments')
