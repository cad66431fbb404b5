"""aggregator: distinct commenters per section node, the commenter key, the section's text

Comments applied before this revision carry no commenter key (their events had none): each
counts as its own commenter, as a rebuild from the topics counts them. Section texts arrive
with the next document event, or at once from a rebuild (python -m services.aggregator rebuild).

Revision ID: fc799cc8c7eb
Revises: 26f59804f98d
Create Date: 2026-11-30 06:40:00.000000+00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'fc799cc8c7eb'
down_revision: str | None = '26f59804f98d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVERYTHING = uuid.UUID(int=0)


def upgrade() -> None:
    op.create_table('aggregator_commenter_counts',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('node_key', sa.Uuid(), nullable=False),
    sa.Column('commenter_key', sa.Text(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('document_id', 'node_key', 'commenter_key')
    )
    op.create_table('aggregator_section_commenters',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('node_key', sa.Uuid(), nullable=False),
    sa.Column('commenters', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('document_id', 'node_key')
    )
    with op.batch_alter_table('aggregator_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commenter_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table('aggregator_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), server_default='', nullable=False))
    _backfill()


def _backfill() -> None:
    """Every active comment so far is its own commenter, in its section and each ancestor."""
    bind = op.get_bind()
    sections = sa.table("aggregator_sections", sa.column("id", sa.Uuid()),
                        sa.column("document_id", sa.Uuid()), sa.column("parent_id", sa.Uuid()))
    comments = sa.table("aggregator_comments", sa.column("document_id", sa.Uuid()),
                        sa.column("section_id", sa.Uuid()), sa.column("status", sa.String()))
    parents: dict[uuid.UUID, dict[uuid.UUID, uuid.UUID | None]] = {}
    for section, document, parent in bind.execute(
        sa.select(sections.c.id, sections.c.document_id, sections.c.parent_id)
    ):
        parents.setdefault(document, {})[section] = parent
    people: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for document, section, n in bind.execute(
        sa.select(comments.c.document_id, comments.c.section_id, sa.func.count())
        .where(comments.c.status == "active")
        .group_by(comments.c.document_id, comments.c.section_id)
    ):
        nodes, node = [EVERYTHING], section
        while node is not None and node not in nodes:
            nodes.append(node)
            node = parents.get(document, {}).get(node)
        for node in nodes:
            people[(document, node)] = people.get((document, node), 0) + n
    if not people:
        return
    op.bulk_insert(
        sa.table("aggregator_commenter_counts", sa.column("document_id", sa.Uuid()),
                 sa.column("node_key", sa.Uuid()), sa.column("commenter_key", sa.Text()),
                 sa.column("comments", sa.Integer())),
        [{"document_id": d, "node_key": node, "commenter_key": "", "comments": n}
         for (d, node), n in people.items()],
    )
    op.bulk_insert(
        sa.table("aggregator_section_commenters", sa.column("document_id", sa.Uuid()),
                 sa.column("node_key", sa.Uuid()), sa.column("commenters", sa.Integer())),
        [{"document_id": d, "node_key": node, "commenters": n} for (d, node), n in people.items()],
    )


def downgrade() -> None:
    with op.batch_alter_table('aggregator_sections', schema=None) as batch_op:
        batch_op.drop_column('text')
    with op.batch_alter_table('aggregator_comments', schema=None) as batch_op:
        batch_op.drop_column('commenter_key')
    op.drop_table('aggregator_section_commenters')
    op.drop_table('aggregator_commenter_counts')
