"""Rows staged in a session and written as one executemany INSERT per table (issue 15).

The ORM's unit of work builds, validates and tracks an object per row; on the intake's hot
path that bookkeeping costs more than the database. ``stage`` keeps a plain dict instead,
and ``write_staged`` sends each table's rows in one statement, in the caller's
transaction. Commit never leaves staged rows behind: a ``before_commit`` hook writes what
is left (also when a savepoint is released), and any rollback drops what was staged, so
staged rows commit or vanish with the transaction exactly as ORM objects do.

Staged rows are not seen by queries before they are written (no autoflush); a savepoint
must not begin while rows are staged, since its rollback would drop them too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "bulk_staged_rows"


def _staged(session: Session) -> dict[Table, list[dict[str, Any]]]:
    return session.info.setdefault(_KEY, {})  # type: ignore[no-any-return]


def stage(session: AsyncSession | Session, table: Table, row: dict[str, Any]) -> None:
    """Queue ``row`` (every column of ``table`` that has no server default) for insertion."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    _staged(sync).setdefault(table, []).append(row)


def pending(session: AsyncSession | Session) -> int:
    """How many rows are staged and not written yet."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    return sum(len(rows) for rows in sync.info.get(_KEY, {}).values())


def _write(session: Session) -> None:
    staged: dict[Table, list[dict[str, Any]]] = session.info.pop(_KEY, {})
    for table, rows in staged.items():  # in the order tables were first staged
        session.execute(insert(table), rows)


async def write_staged(session: AsyncSession) -> None:
    """Send every staged row now, one statement per table, in the session's transaction."""
    if pending(session):
        await session.run_sync(_write)


def discard_staged(session: AsyncSession | Session) -> None:
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.pop(_KEY, None)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if session.info.get(_KEY):
        _write(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_create")
def _no_savepoint_over_staged_rows(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and session.info.get(_KEY):
        raise RuntimeError("write_staged() before beginning a savepoint: its rollback drops them")
