"""review workspace: per-section and per-day counters, folded text, clusters, reviews

Revision ID: 26f59804f98d
Revises: c9e50b3f4d62
Create Date: 2026-11-30 03:03:39.429265+00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.db
from shared.text import LOCAL_TZ, fold


revision: str = '26f59804f98d'
down_revision: str | None = 'c9e50b3f4d62'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('aggregator_cluster_bands',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('band_hash', sa.BigInteger(), nullable=False),
    sa.Column('comment_id', sa.Uuid(), nullable=False),
    sa.Column('cluster_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('document_id', 'band', 'band_hash')
    )
    op.create_table('aggregator_daily_counts',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('document_id', 'day', 'channel')
    )
    op.create_table('aggregator_reviews',
    sa.Column('comment_id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('disposition', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('updated_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('comment_id')
    )
    with op.batch_alter_table('aggregator_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_aggregator_reviews_document', ['document_id'], unique=False)

    op.create_table('aggregator_section_assignments',
    sa.Column('section_id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reviewer_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.PrimaryKeyConstraint('section_id')
    )
    with op.batch_alter_table('aggregator_section_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aggregator_section_assignments_document_id'), ['document_id'], unique=False)

    op.create_table('aggregator_section_counts',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('section_key', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('document_id', 'section_key', 'channel')
    )
    with op.batch_alter_table('aggregator_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', shared.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('aggregator_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folded_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cluster_id', sa.Uuid(), nullable=True))
        batch_op.create_index('ix_aggregator_comments_cluster', ['document_id', 'cluster_id'], unique=False)
        batch_op.create_index('ix_aggregator_comments_doc_time', ['document_id', 'submitted_at', 'comment_id'], unique=False)
        batch_op.create_index('ix_aggregator_comments_section_time', ['document_id', 'section_id', 'submitted_at', 'comment_id'], unique=False)
    _backfill()
    if postgres:
        op.create_index('ix_aggregator_comments_folded_trgm', 'aggregator_comments', ['folded_text'], unique=False, postgresql_using='gin', postgresql_ops={'folded_text': 'gin_trgm_ops'})


NIL = "00000000-0000-0000-0000-000000000000"


def _backfill() -> None:
    """Folded text, singleton clusters and counters for comments applied before this revision."""
    bind = op.get_bind()
    comments = sa.table(
        "aggregator_comments",
        sa.column("comment_id", sa.Uuid()),
        sa.column("document_id", sa.Uuid()),
        sa.column("section_id", sa.Uuid()),
        sa.column("channel", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("status", sa.String()),
        sa.column("submitted_at", shared.db.UTCDateTime()),
        sa.column("folded_text", sa.Text()),
        sa.column("cluster_id", sa.Uuid()),
    )
    sections: dict[tuple, int] = {}
    days: dict[tuple, int] = {}
    rows = bind.execute(
        sa.select(comments.c.comment_id, comments.c.document_id, comments.c.section_id,
                  comments.c.channel, comments.c.text, comments.c.status, comments.c.submitted_at)
    ).all()
    for cid, doc, section, channel, text, status, at in rows:
        bind.execute(
            comments.update().where(comments.c.comment_id == cid)
            .values(folded_text=fold(text), cluster_id=cid)
        )
        if status == "active":
            key = (doc, section or uuid.UUID(NIL), channel)
            sections[key] = sections.get(key, 0) + 1
            dkey = (doc, at.astimezone(LOCAL_TZ).date(), channel)
            days[dkey] = days.get(dkey, 0) + 1
    section_counts = sa.table("aggregator_section_counts", sa.column("document_id", sa.Uuid()),
                              sa.column("section_key", sa.Uuid()), sa.column("channel", sa.Text()),
                              sa.column("comments", sa.Integer()))
    daily_counts = sa.table("aggregator_daily_counts", sa.column("document_id", sa.Uuid()),
                            sa.column("day", sa.Date()), sa.column("channel", sa.Text()),
                            sa.column("comments", sa.Integer()))
    if sections:
        op.bulk_insert(section_counts, [
            {"document_id": d, "section_key": s, "channel": c, "comments": n}
            for (d, s, c), n in sections.items()
        ])
    if days:
        op.bulk_insert(daily_counts, [
            {"document_id": d, "day": day, "channel": c, "comments": n}
            for (d, day, c), n in days.items()
        ])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_aggregator_comments_folded_trgm', table_name='aggregator_comments')
    with op.batch_alter_table('aggregator_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_aggregator_comments_section_time')
        batch_op.drop_index('ix_aggregator_comments_doc_time')
        batch_op.drop_index('ix_aggregator_comments_cluster')
        batch_op.drop_column('cluster_id')
        batch_op.drop_column('folded_text')

    with op.batch_alter_table('aggregator_documents', schema=None) as batch_op:
        batch_op.drop_column('opens_at')
    op.drop_table('aggregator_section_counts')
    with op.batch_alter_table('aggregator_section_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aggregator_section_assignments_document_id'))

    op.drop_table('aggregator_section_assignments')
    with op.batch_alter_table('aggregator_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_aggregator_reviews_document')

    op.drop_table('aggregator_reviews')
    op.drop_table('aggregator_daily_counts')
    op.drop_table('aggregator_cluster_bands')
    # ### end Alembic commands ###
