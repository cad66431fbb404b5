"""Transactional outbox: the event row is written in the caller's transaction.

A relay later publishes unsent rows (acks=all) and marks them sent only after the
broker has acknowledged them, so a broker outage delays events but never loses them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Dialect, Index, Text, TypeDecorator, cast, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel, col

from shared import bulk
from shared.db import UTCDateTime, is_sqlite
from shared.events import EnvelopeBase, serialize_body, utcnow
from shared.events.topics import topic_name
from shared.kafka import KafkaProducerFactory, send_batched

log = logging.getLogger(__name__)


class WireJSON(TypeDecorator[Any]):
    """A JSON column whose value is written as the text it is published as.

    An event's body is stored as ``model_dump_json`` gives it (compact UTF-8 JSON, the
    wire form of ``shared.events.serialize_body``), so the relay sends the stored text as
    it is instead of parsing it and writing it again (issue 15). A dict is written in that
    same form; reading the column gives a dict, as JSON does.
    """

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        def process(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value
            return serialize_body(value).decode("utf-8")

        return process


class OutboxMessage(SQLModel, table=True):
    """One event waiting to be published, in the owning service's own database."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "seq"),)

    seq: int | None = Field(default=None, primary_key=True)
    event_id: uuid.UUID = Field(unique=True)
    topic: str = Field(max_length=200)
    key: str = Field(max_length=200)
    event_type: str = Field(max_length=100)
    body: dict = Field(sa_column=Column(WireJSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


OUTBOX_TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]


def add(session: AsyncSession, topic: str, envelope: EnvelopeBase) -> OutboxMessage:
    """Queue an event in the caller's transaction; it is published after that commit."""
    row = OutboxMessage(
        event_id=envelope.event_id,
        topic=topic,
        key=envelope.key,
        event_type=envelope.type,
        body=envelope.model_dump_json(),  # type: ignore[arg-type]  # WireJSON: as published
    )
    session.add(row)
    return row


def stage(session: AsyncSession, topic: str, envelope: EnvelopeBase) -> None:
    """``add`` without an ORM object: the row goes out with the transaction's other staged
    rows in one statement (``shared.bulk``), at the latest when it commits."""
    bulk.stage(
        session,
        OUTBOX_TABLE,
        {
            "event_id": envelope.event_id,
            "topic": topic,
            "key": envelope.key,
            "event_type": envelope.type,
            "body": envelope.model_dump_json(),  # WireJSON: stored as it is published
            "created_at": utcnow(),
            "sent_at": None,
        },
    )


async def mark_all_unsent(session: AsyncSession, topic: str) -> int:
    """Re-queue a topic's whole history: the broker lost it, the database is the truth."""
    result = await session.execute(
        update(OutboxMessage).where(col(OutboxMessage.topic) == topic).values(sent_at=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class OutboxRelay:
    """Publishes unsent outbox rows in order; safe to run in several instances at once.

    ``backlog_sent`` turns true, and stays true, the first time the relay finds nothing
    left to send: every event owed at start-up is then on the broker (the readiness check).
    """

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        producers: KafkaProducerFactory,
        *,
        database_url: str,
        topic_prefix: str = "",
        batch_size: int = 500,
        interval: float = 0.2,
        linger: float = 0.05,
    ) -> None:
        self._factory = factory
        self._producers = producers
        self._skip_locked = not is_sqlite(database_url)
        self._prefix = topic_prefix
        self._batch_size = batch_size
        self._interval = interval
        self._linger = min(linger, interval)
        self._wakeup = asyncio.Event()
        self.published = 0
        self.backlog_sent = False

    def notify(self) -> None:
        """Called after a commit that added rows, so they go out without waiting a tick."""
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows went out."""
        # Before taking row locks: a missing topic makes get() re-queue the history
        # (on_created -> mark_all_unsent), which would wait forever on our own locks.
        producer = await self._producers.get()
        async with self._factory() as session, session.begin():
            # Columns, not ORM entities: no object and identity-map entry per row (issue 15).
            query = (
                select(
                    col(OutboxMessage.seq),
                    col(OutboxMessage.topic),
                    col(OutboxMessage.key),
                    cast(col(OutboxMessage.body), Text).label("body"),  # the text as stored
                )
                .where(col(OutboxMessage.sent_at).is_(None))
                .order_by(col(OutboxMessage.seq))
                .limit(self._batch_size)
            )
            if self._skip_locked:
                query = query.with_for_update(skip_locked=True)
            rows = (await session.execute(query)).all()
            if not rows:
                return 0
            messages = [
                (topic_name(row.topic, self._prefix), row.key.encode(), row.body.encode("utf-8"))
                for row in rows
            ]
            futures = await send_batched(producer, messages)
            await asyncio.gather(*futures)
            # One UPDATE for the batch, not one per row flushed by the unit of work: the relay
            # shares the intake's CPU (issue 15).
            await session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.seq).in_([row.seq for row in rows]))
                .values(sent_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        self.published += len(rows)
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until stopped: publish, and back off (up to 10 s) while the broker is away.

        Woken by each commit, a round starts at most every ``linger`` seconds: under load
        one round (a claim, its sends, one UPDATE) carries many groups' rows instead of a
        round per group, whose statements cost the intake's CPU (issue 15). A full batch
        means a backlog: the next round starts at once.
        """
        loop = asyncio.get_running_loop()
        backoff = self._interval
        while not stop.is_set():
            # Cleared before the claim: a commit during the round wakes the next one.
            self._wakeup.clear()
            started = loop.time()
            try:
                sent = await self.publish_pending()
                backoff = self._interval
                if sent >= self._batch_size:
                    continue
                if not sent:
                    self.backlog_sent = True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker away or database busy: retry, never crash
                log.warning("outbox relay: %s; retrying in %.1fs", exc, backoff)
                await self._producers.reset()
                # New comments must not cut the back-off short: each wake-up would be one
                # more connection attempt to an absent broker, taken from the intake's CPU.
                try:
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
                except TimeoutError:
                    pass
                backoff = min(backoff * 2, 10.0)
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=backoff)
            except TimeoutError:
                continue
            rest = started + self._linger - loop.time()
            if rest > 0:
                await asyncio.sleep(rest)
