"""documents baseline: drafts, their sections and revisions, outbox, audit log, revocations

Replaces the chain that started at 279b7914b7e5; keeps its head's id (migrations/README.md).

Revision ID: a7c3e91d2b40
Revises:
Create Date: 2026-11-30 03:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import common_tables as common
from migrations.common_tables import string, utc_datetime

revision: str = "a7c3e91d2b40"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", string(120), nullable=False),
        sa.Column("title", string(2000), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", string(64), nullable=False),
        sa.Column("source_name", string(300), nullable=False),
        sa.Column("opens_at", utc_datetime(), nullable=True),
        sa.Column("closes_at", utc_datetime(), nullable=True),
        sa.Column("stated_deadline", string(10), nullable=True),
        sa.Column("window_note", string(1000), nullable=False),
        sa.Column("doc_metadata", sa.JSON(), nullable=True),
        sa.Column("contacts", sa.JSON(), nullable=True),
        sa.Column("preamble", sa.JSON(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("required_fields", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_documents_content_hash", "documents", ["content_hash"], unique=False)
    op.create_index("ix_documents_slug", "documents", ["slug"], unique=True)

    op.create_table(
        "sections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("number", string(100), nullable=False),
        sa.Column("title", string(4000), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("anchor", string(200), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sections_document_position", "sections", ["document_id", "position"], unique=False
    )

    op.create_table(
        "document_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("source_name", string(300), nullable=False),
        sa.Column("content_hash", string(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_by", string(200), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )

    common.create_outbox()
    common.create_audit_log()
    common.create_staff_revocations()


def downgrade() -> None:
    common.drop(
        "staff_revocations", "audit_log", "outbox", "document_revisions", "sections", "documents"
    )
