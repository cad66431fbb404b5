"""feedback baseline: comments, the documents they answer, intake by web, mail and post

Replaces the chain that started at 153d08befe83; keeps its head's id (migrations/README.md).

Revision ID: 9d492f629bd2
Revises:
Create Date: 2026-11-30 04:01:56.444184+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import common_tables as common
from migrations.common_tables import string, utc_datetime

revision: str = "9d492f629bd2"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("receipt", string(20), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("section_id", sa.Uuid(), nullable=True),
        sa.Column("channel", string(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", string(200), nullable=True),
        sa.Column("organisation", string(300), nullable=True),
        sa.Column("email", string(254), nullable=True),
        sa.Column("phone", string(40), nullable=True),
        sa.Column("address", string(500), nullable=True),
        sa.Column("status", string(20), nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        sa.Column("received_at", utc_datetime(), nullable=False),
        sa.Column("client_key", string(64), nullable=True),
        sa.Column("idempotency_key", string(64), nullable=True),
        sa.Column("source_ref", string(500), nullable=True),
        sa.Column("entered_by", string(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt"),
    )
    op.create_index(
        "ix_comments_document_section", "comments", ["document_id", "section_id"], unique=False
    )
    op.create_index(
        "ix_comments_client_received", "comments", ["client_key", "received_at"], unique=False
    )
    op.create_index("ix_comments_idempotency_key", "comments", ["idempotency_key"], unique=True)

    op.create_table(
        "feedback_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", string(120), nullable=False),
        sa.Column("title", string(2000), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opens_at", utc_datetime(), nullable=True),
        sa.Column("closes_at", utc_datetime(), nullable=True),
        sa.Column("event_at", utc_datetime(), nullable=False),
        sa.Column("required_fields", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("contact_emails", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("postal_addresses", sa.JSON(), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "feedback_sections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("number", string(100), nullable=False),
        sa.Column("title", string(4000), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_feedback_sections_document_id", "feedback_sections", ["document_id"], unique=False
    )

    op.create_table(
        "mail_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=True),
        sa.Column("to_address", string(254), nullable=False),
        sa.Column("subject", string(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("last_error", string(1000), nullable=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("next_attempt_at", utc_datetime(), nullable=False),
        sa.Column("sent_at", utc_datetime(), nullable=True),
        sa.Column("from_address", string(254), nullable=True),
        sa.Column("in_reply_to", string(998), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_queue_due", "mail_queue", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "imap_cursors",
        sa.Column("mailbox", string(500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("mailbox"),
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", string(10), nullable=False),
        sa.Column("source_ref", string(500), nullable=True),
        sa.Column("envelope_from", string(500), nullable=True),
        sa.Column("envelope_to", sa.JSON(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("message_id", string(998), nullable=True),
        sa.Column("sha256", string(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", utc_datetime(), nullable=False),
        sa.Column("status", string(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("sender_email", string(254), nullable=True),
        sa.Column("sender_name", string(200), nullable=True),
        sa.Column("content_key", string(64), nullable=True),
        sa.Column("comment_ids", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", utc_datetime(), nullable=True),
        sa.Column("handled_by", string(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, columns in (
        ("ix_inbound_messages_content_key", ["content_key"]),
        ("ix_inbound_messages_message_id", ["message_id"]),
        ("ix_inbound_messages_status", ["status", "received_at"]),
    ):
        op.create_index(name, "inbound_messages", columns, unique=False)

    op.create_table(
        "letter_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", string(64), nullable=False),
        sa.Column("content_type", string(50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original_name", string(255), nullable=True),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", string(200), nullable=True),
        sa.Column("uploaded_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_letter_scans_comment_id", "letter_scans", ["comment_id"], unique=False)

    common.create_outbox()
    common.create_processed_events()
    common.create_audit_log()
    common.create_staff_revocations()


def downgrade() -> None:
    common.drop(
        "staff_revocations",
        "audit_log",
        "processed_events",
        "outbox",
        "letter_scans",
        "inbound_messages",
        "imap_cursors",
        "mail_queue",
        "feedback_sections",
        "feedback_documents",
        "comments",
    )
