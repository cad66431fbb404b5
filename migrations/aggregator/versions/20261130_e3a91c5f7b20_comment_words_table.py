"""aggregator: PostgreSQL's trigram search index in its own table, written by the clusterer

The trigram index on aggregator_comments.folded_text cost each comment about 400 index
entries when it was counted and again when the clusterer set its cluster_id (a change of an
indexed column is never a HOT update): 64 + 63 µs of PostgreSQL per comment, measured.
aggregator_comment_words holds a clustered comment's folded text under that index instead;
the clusterer writes it with the cluster (issue 15). On SQLite the table stays empty (search
there uses FTS5).

Revision ID: e3a91c5f7b20
Revises: b41e9d07c3a2
Create Date: 2026-11-30 12:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e3a91c5f7b20'
down_revision: str | None = 'b41e9d07c3a2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _trigram_index(name: str, table: str) -> None:
    op.create_index(
        name,
        table,
        ['folded_text'],
        postgresql_using='gin',
        postgresql_ops={'folded_text': 'gin_trgm_ops'},
    )


def upgrade() -> None:
    op.create_table(
        'aggregator_comment_words',
        sa.Column('comment_id', sa.Uuid(), nullable=False),
        sa.Column('folded_text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('comment_id'),
    )
    if _postgresql():
        op.execute(
            'INSERT INTO aggregator_comment_words (comment_id, folded_text) '
            'SELECT comment_id, folded_text FROM aggregator_comments '
            'WHERE cluster_id IS NOT NULL'
        )
        _trigram_index('ix_aggregator_comment_words_trgm', 'aggregator_comment_words')
        op.drop_index('ix_aggregator_comments_folded_trgm', table_name='aggregator_comments')


def downgrade() -> None:
    if _postgresql():
        _trigram_index('ix_aggregator_comments_folded_trgm', 'aggregator_comments')
    op.drop_table('aggregator_comment_words')
