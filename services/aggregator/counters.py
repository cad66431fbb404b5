"""Per-section and per-day counters of active comments, kept in the consumer's transaction.

Each batch of events adds up its changes in memory (``CountDeltas``) and writes them with
one upsert per table (``comments = comments + delta``), in a fixed key order so two
aggregator instances touching the same rows never deadlock.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator.models import DailyCount, SectionCount
from shared.text import LOCAL_TZ

WHOLE_DOCUMENT = uuid.UUID(int=0)  # the section key of comments on the whole document


def local_day(at: datetime) -> date:
    """The day in Vietnam's calendar on which a comment arrived."""
    return at.astimezone(LOCAL_TZ).date()


@dataclass
class CountDeltas:
    """What one batch changes in the counters."""

    sections: dict[tuple[uuid.UUID, uuid.UUID, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    days: dict[tuple[uuid.UUID, date, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(
        self,
        document_id: uuid.UUID,
        section_id: uuid.UUID | None,
        channel: str,
        at: datetime,
        n: int,
        *,
        daily: bool = True,
    ) -> None:
        self.sections[(document_id, section_id or WHOLE_DOCUMENT, channel)] += n
        if daily:
            self.days[(document_id, local_day(at), channel)] += n

    async def write(self, session: AsyncSession) -> None:
        """Add the deltas to the stored counters (never commits)."""
        table_s: Table = SectionCount.__table__  # type: ignore[attr-defined]
        table_d: Table = DailyCount.__table__  # type: ignore[attr-defined]
        sections = [
            {"document_id": d, "section_key": s, "channel": c, "comments": n}
            for (d, s, c), n in sorted(self.sections.items(), key=lambda kv: sort_key(kv[0]))
            if n
        ]
        days = [
            {"document_id": d, "day": day, "channel": c, "comments": n}
            for (d, day, c), n in sorted(self.days.items(), key=lambda kv: sort_key(kv[0]))
            if n
        ]
        await add_to(session, table_s, sections, ["document_id", "section_key", "channel"])
        await add_to(session, table_d, days, ["document_id", "day", "channel"])
        self.sections.clear()
        self.days.clear()


def sort_key(key: tuple[Any, ...]) -> tuple[str, ...]:
    """The fixed order in which counter rows are written (two instances never deadlock)."""
    return tuple(str(part) for part in key)


def upsert_adding(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]], keys: list[str], column: str
) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET column = column + excluded.column``."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={column: table.c[column] + statement.excluded[column]},
    )


async def add_to(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    keys: list[str],
    column: str = "comments",
) -> None:
    """Add each row's ``column`` to the stored one (a new row starts from it)."""
    if rows:
        await session.execute(upsert_adding(session, table, rows, keys, column))
