"""Tables of staff identity, owned by the aggregator and read by no other service."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime
from shared.events import utcnow


class StaffAccount(SQLModel, table=True):
    """A person who signs in; ``session_epoch`` rises to sign them out everywhere.

    ``oidc_issuer``/``oidc_subject`` link the account to one person at an OpenID Connect
    provider, so a later change of e-mail address there still finds the same account.
    """

    __tablename__ = "staff_accounts"
    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_staff_accounts_oidc"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(default="", max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    password_hash: str | None = Field(default=None, max_length=200)
    active: bool = True
    session_epoch: int = 1
    setup_token_hash: str | None = Field(default=None, max_length=64, index=True)
    oidc_issuer: str | None = Field(default=None, max_length=500)
    oidc_subject: str | None = Field(default=None, max_length=255)
    setup_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ApiToken(SQLModel, table=True):
    """A script's bearer token: only its digest is kept, so a leak of this table is harmless."""

    __tablename__ = "staff_api_tokens"

    id: str = Field(primary_key=True, max_length=64)  # the token's jti
    name: str = Field(max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    token_digest: str = Field(max_length=64, unique=True)
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, counted per account name and per address to slow guessing."""

    __tablename__ = "staff_login_failures"
    __table_args__ = (
        Index("ix_staff_login_failures_username", "username", "failed_at"),
        Index("ix_staff_login_failures_ip", "ip", "failed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=320)
    ip: str = Field(max_length=64)
    failed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class DocumentReviewer(SQLModel, table=True):
    """When a document has rows here, only these accounts (and admins) may review it."""

    __tablename__ = "document_reviewers"

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    account_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
