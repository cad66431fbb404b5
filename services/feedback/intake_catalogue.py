"""The catalogue as the intake checks it: a document's window and sections, kept in memory.

Every comment is checked against its document's window and section. Read from the
database per comment, that was two round trips on the hot path (issue 15); the catalogue
is small and changes rarely, so each instance keeps what it read for ``max_age`` seconds.
The instance's own catalogue consumer forgets it as soon as it applies a ``documents.v1``
event; another instance's consumer (the topic's partitions are shared between instances)
is seen within ``max_age``. Deadlines themselves are exact: the window is compared with
the comment's own time, only an early close by an administrator can lag.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.feedback.models import CatalogueDocument, CatalogueSection


@dataclass(frozen=True)
class DocumentWindow:
    """What the intake needs of a catalogued document."""

    id: uuid.UUID
    title: str
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    required_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionEntry:
    """What the intake needs of a catalogued section: its place, to file and cite it."""

    id: uuid.UUID
    document_id: uuid.UUID
    number: str
    title: str
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueView:
    """One document as read at ``read_at`` (``document`` None: not in the catalogue)."""

    document: DocumentWindow | None
    sections: dict[uuid.UUID, SectionEntry] = field(default_factory=dict)
    read_at: float = 0.0


async def read_view(session: AsyncSession, document_id: uuid.UUID, now: float) -> CatalogueView:
    """The document and its sections, in two statements, without ORM objects."""
    d = CatalogueDocument
    row = (
        await session.execute(
            select(
                col(d.id),
                col(d.title),
                col(d.status),
                col(d.opens_at),
                col(d.closes_at),
                col(d.required_fields),
            ).where(col(d.id) == document_id)
        )
    ).first()
    if row is None:
        return CatalogueView(None, read_at=now)
    document = DocumentWindow(
        row.id, row.title, row.status, row.opens_at, row.closes_at, tuple(row.required_fields or ())
    )
    s = CatalogueSection
    rows = await session.execute(
        select(col(s.id), col(s.number), col(s.title), col(s.path)).where(
            col(s.document_id) == document_id
        )
    )
    sections = {
        r.id: SectionEntry(r.id, document_id, r.number, r.title, tuple(r.path or ())) for r in rows
    }
    return CatalogueView(document, sections, now)


class CatalogueCache:
    """Documents read at most once per ``max_age`` seconds (``math.inf``: once, ever)."""

    def __init__(self, max_age: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._views: dict[uuid.UUID, CatalogueView] = {}

    async def view(self, session: AsyncSession, document_id: uuid.UUID) -> CatalogueView:
        now = self._clock()
        cached = self._views.get(document_id)
        if cached is not None and now - cached.read_at <= self.max_age:
            return cached
        if len(self._views) > 10_000:  # ids that name no document must not pile up
            self._views.clear()
        fresh = await read_view(session, document_id, now)
        self._views[document_id] = fresh
        return fresh

    def forget(self) -> None:
        """Read everything again on next use: the catalogue has just changed."""
        self._views.clear()


def of_transaction(session: AsyncSession) -> CatalogueCache:
    """A cache living as long as the session: each document read once per transaction."""
    cache: CatalogueCache = session.info.setdefault("intake_catalogue", CatalogueCache(math.inf))
    return cache
