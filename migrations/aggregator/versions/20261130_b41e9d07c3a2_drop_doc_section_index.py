"""aggregator: drop the (document_id, section_id) index that another index already begins with

ix_aggregator_comments_section_time is (document_id, section_id, submitted_at, comment_id),
so every look-up the shorter index served it serves too; the shorter one only cost each new
comment one more index entry (issue 15).

Revision ID: b41e9d07c3a2
Revises: 5b2e7c41d9a3
Create Date: 2026-11-30 10:40:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'b41e9d07c3a2'
down_revision: str | None = '5b2e7c41d9a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_aggregator_comments_doc_section', table_name='aggregator_comments')


def downgrade() -> None:
    op.create_index(
        'ix_aggregator_comments_doc_section',
        'aggregator_comments',
        ['document_id', 'section_id'],
    )
