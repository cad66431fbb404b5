"""aggregator baseline: projections, review workspace, counters, clusters, staff accounts

Replaces the chain that started at 19e00b44608e; keeps its head's id (migrations/README.md).

Revision ID: 26f59804f98d
Revises:
Create Date: 2026-11-30 03:03:39.429265+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import common_tables as common
from migrations.common_tables import string, utc_datetime

revision: str = "26f59804f98d"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    _create_projections()
    if postgres:
        # Serves the search's LIKE '% word%' on the folded text (services/aggregator/search.py).
        op.create_index(
            "ix_aggregator_comments_folded_trgm",
            "aggregator_comments",
            ["folded_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"folded_text": "gin_trgm_ops"},
        )
    _create_review_workspace()
    _create_staff_accounts()
    common.create_outbox()
    common.create_processed_events()
    common.create_audit_log()
    common.create_staff_revocations()


def _create_projections() -> None:
    """The documents, sections and comments as the other services' events tell them."""
    op.create_table(
        "aggregator_comments",
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("section_id", sa.Uuid(), nullable=True),
        sa.Column("channel", string(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("display_name", string(200), nullable=True),
        sa.Column("organisation", string(300), nullable=True),
        sa.Column("status", string(20), nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", utc_datetime(), nullable=False),
        sa.Column("folded_text", sa.Text(), server_default="", nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    for name, columns in (
        ("ix_aggregator_comments_doc_section", ["document_id", "section_id"]),
        ("ix_aggregator_comments_cluster", ["document_id", "cluster_id"]),
        ("ix_aggregator_comments_doc_time", ["document_id", "submitted_at", "comment_id"]),
        (
            "ix_aggregator_comments_section_time",
            ["document_id", "section_id", "submitted_at", "comment_id"],
        ),
    ):
        op.create_index(name, "aggregator_comments", columns, unique=False)

    op.create_table(
        "aggregator_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", string(120), nullable=False),
        sa.Column("title", string(2000), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("event_at", utc_datetime(), nullable=False),
        sa.Column("closes_at", utc_datetime(), nullable=True),
        sa.Column("opens_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "aggregator_sections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("number", string(100), nullable=False),
        sa.Column("title", string(4000), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_aggregator_sections_document_id", "aggregator_sections", ["document_id"], unique=False
    )


def _create_review_workspace() -> None:
    """Counters by section and by day, near-duplicate clusters, reviews and assignments."""
    op.create_table(
        "aggregator_cluster_bands",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("band_hash", sa.BigInteger(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "band", "band_hash"),
    )
    op.create_table(
        "aggregator_daily_counts",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "day", "channel"),
    )
    op.create_table(
        "aggregator_section_counts",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("section_key", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "section_key", "channel"),
    )
    op.create_table(
        "aggregator_reviews",
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("disposition", string(20), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("updated_by", string(300), nullable=False),
        sa.Column("updated_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    op.create_index(
        "ix_aggregator_reviews_document", "aggregator_reviews", ["document_id"], unique=False
    )
    op.create_table(
        "aggregator_section_assignments",
        sa.Column("section_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer", string(200), nullable=False),
        sa.Column("reviewer_name", string(300), nullable=False),
        sa.PrimaryKeyConstraint("section_id"),
    )
    op.create_index(
        "ix_aggregator_section_assignments_document_id",
        "aggregator_section_assignments",
        ["document_id"],
        unique=False,
    )


def _create_staff_accounts() -> None:
    """Staff accounts (the aggregator keeps them), API tokens, sign-in failures, reviewers."""
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", string(320), nullable=False),
        sa.Column("display_name", string(200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("password_hash", string(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("setup_token_hash", string(64), nullable=True),
        sa.Column("setup_expires_at", utc_datetime(), nullable=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("oidc_issuer", string(500), nullable=True),
        sa.Column("oidc_subject", string(255), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_staff_accounts_oidc"),
        sa.UniqueConstraint("email"),
    )
    op.create_index(
        "ix_staff_accounts_setup_token_hash", "staff_accounts", ["setup_token_hash"], unique=False
    )
    op.create_table(
        "staff_api_tokens",
        sa.Column("id", string(64), nullable=False),
        sa.Column("name", string(200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("token_digest", string(64), nullable=False),
        sa.Column("created_by", string(200), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("expires_at", utc_datetime(), nullable=False),
        sa.Column("revoked_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_table(
        "staff_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", string(320), nullable=False),
        sa.Column("ip", string(64), nullable=False),
        sa.Column("failed_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_staff_login_failures_ip", "staff_login_failures", ["ip", "failed_at"], unique=False
    )
    op.create_index(
        "ix_staff_login_failures_username",
        "staff_login_failures",
        ["username", "failed_at"],
        unique=False,
    )
    op.create_table(
        "document_reviewers",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "account_id"),
    )


def downgrade() -> None:
    common.drop(
        "staff_revocations",
        "audit_log",
        "processed_events",
        "outbox",
        "document_reviewers",
        "staff_login_failures",
        "staff_api_tokens",
        "staff_accounts",
        "aggregator_section_assignments",
        "aggregator_reviews",
        "aggregator_section_counts",
        "aggregator_daily_counts",
        "aggregator_cluster_bands",
        "aggregator_sections",
        "aggregator_documents",
        "aggregator_comments",
    )
