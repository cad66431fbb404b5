"""The tables that several services' databases hold alike, for those services' migrations.

FROZEN: add, never edit. A revision that has run must do the same thing on the next fresh
database, so a function here keeps the table as it was when revisions started calling it.
A later change to one of these tables is a new revision in each service that owns the table
(an ``op.add_column`` there, or a new function here that the new revision calls).

The plumbing tables of ``shared/``: ``outbox`` (``shared.outbox``), ``audit_log``
(``shared.audit``), ``staff_revocations`` (``shared.revocation``) and ``processed_events``
(``shared.idempotency``). ``drop(name)`` undoes any of them: a table takes its indexes along.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.db


def string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    """A bounded string column type, as SQLModel declares `str` fields with a max_length."""
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def utc_datetime() -> shared.db.UTCDateTime:
    """A timestamp column type stored as UTC (`shared.db.UTCDateTime`)."""
    return shared.db.UTCDateTime(timezone=True)


def create_outbox() -> None:
    """Events written in the caller's transaction, sent by the relay (``shared.outbox``)."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", string(200), nullable=False),
        sa.Column("key", string(200), nullable=False),
        sa.Column("event_type", string(100), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("sent_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["sent_at", "seq"], unique=False)


def create_audit_log() -> None:
    """Who did what to which object, as staff (``shared.audit``)."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("actor", string(200), nullable=False),
        sa.Column("actor_name", string(300), nullable=False),
        sa.Column("action", string(100), nullable=False),
        sa.Column("object_type", string(50), nullable=False),
        sa.Column("object_id", string(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"], unique=False)


def create_staff_revocations() -> None:
    """Sign-outs and revoked tokens kept across restarts (``shared.revocation``)."""
    op.create_table(
        "staff_revocations",
        sa.Column("kind", string(20), nullable=False),
        sa.Column("key", string(200), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("expires_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key"),
    )


def create_processed_events() -> None:
    """The events a consumer has applied, written in its transaction (``shared.idempotency``)."""
    op.create_table(
        "processed_events",
        sa.Column("consumer", string(100), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("processed_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def drop(*names: str) -> None:
    """Drop these tables in this order, each with its indexes."""
    for name in names:
        op.drop_table(name)
