"""Who did what to which object, and when: kept by the service that owns the fact.

Each service has its own ``audit_log`` table (same shape, own database); a line is
added in the caller's transaction, so an action and its trace commit or fail together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from shared.auth import Staff
from shared.db import UTCDateTime
from shared.events import utcnow


class AuditEntry(SQLModel, table=True):
    """One staff action: the actor's subject and name, the action, the object it touched."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_object", "object_type", "object_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=200)
    actor_name: str = Field(default="", max_length=300)
    action: str = Field(max_length=100)
    object_type: str = Field(max_length=50)
    object_id: str = Field(default="", max_length=200)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def record(
    session: AsyncSession,
    actor: Staff | str,
    action: str,
    object_type: str,
    object_id: object = "",
    **detail: Any,
) -> AuditEntry:
    """Add an audit line in the caller's transaction (never commits)."""
    subject, name = (actor.subject, actor.name) if isinstance(actor, Staff) else (actor, "")
    entry = AuditEntry(
        actor=subject,
        actor_name=name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail={k: v for k, v in detail.items() if v is not None},
    )
    session.add(entry)
    return entry


async def recent(session: AsyncSession, limit: int = 200) -> list[AuditEntry]:
    """The newest lines first, for the staff page that shows them."""
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    return list((await session.execute(query)).scalars())
