"""Database plumbing: one async engine per service, sessions that commit once per unit of work."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, DateTime, TypeDecorator, any_, bindparam, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long a SQLite writer waits for another to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode, once: the mode is stored in the file.

    Asking for WAL when the file is already in it still wants a lock, and SQLite answers
    "database is locked" at once (no busy wait) while another connection writes; so read
    the mode first, and switch (the first connection to a new file) only when needed,
    retrying a moment later if another connection is switching it at the same time.
    """
    for attempt in range(50):
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.1)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine for the service's own database; SQLite gets WAL and a busy timeout."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, issue BEGIN: savepoints then work (SQLAlchemy's
            # documented recipe for pysqlite/aiosqlite), which group commit relies on.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            _use_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front, waiting (busy_timeout) for it. A plain
            # (deferred) BEGIN reads first and fails with "database is locked" at its first
            # write when another writer committed meanwhile: the busy handler cannot help.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: commit on success, roll back on error. Helpers inside never commit."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back an aware datetime, on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC values only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def one_of(session: AsyncSession, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY($1)`` with one array parameter.

    An IN list of a consumer batch's 2,000 ids is 2,000 parameters that SQLAlchemy renders
    into the statement on every call (about 6 µs of CPU per id, issue 15); one array is
    encoded by the driver in one go, and the statement is the same whatever its length.
    For primary-key look-ups: on another column PostgreSQL's generic plan for the array may
    not use the index (the clusterer's band look-up slowed tenfold as its table grew)."""
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)  # type: ignore[no-any-return]
    array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
    return column == any_(array)  # type: ignore[no-any-return]
