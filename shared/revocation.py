"""Each service's local list of revoked staff sessions and tokens, fed by ``staff.v1``.

Every instance of every service reads the whole (small) topic from the start, without
a consumer group, so it learns every revocation without reading the aggregator's
tables and without a network call per request. What it learns is also kept in its own
database (``staff_revocations``) and loaded at start, so a broker that forgot the topic
(the embedded one forgets everything when it stops) never brings a revoked cookie back.
The feed never creates ``staff.v1`` itself: the aggregator does, and on finding it
missing re-publishes its whole history from its outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel

from shared.auth import Staff
from shared.config import ServiceSettings
from shared.db import UTCDateTime, unit_of_work
from shared.events import AnyEvent, StaffSessionsRevoked, StaffTokenRevoked, topics
from shared.events.topics import PARTITIONS, topic_name
from shared.kafka import EventConsumer, _decode, wait_for_topics

log = logging.getLogger(__name__)

SESSIONS, TOKEN = "sessions", "token"


class StaffRevocation(SQLModel, table=True):
    """What this service has learnt from ``staff.v1``: a subject's lowest valid session
    epoch (kind "sessions"), or one revoked token id (kind "token")."""

    __tablename__ = "staff_revocations"

    kind: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=200)
    session_epoch: int = 0
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class RevocationList:
    """Per subject the lowest session epoch still valid, and the revoked token ids."""

    def __init__(self) -> None:
        self._min_epoch: dict[str, int] = {}
        self._revoked: dict[str, float] = {}  # token id -> when it would have expired
        self.applied = 0

    def revoke_sessions(self, subject: str, session_epoch: int) -> None:
        """Refuse every token of ``subject`` issued under an epoch below ``session_epoch``."""
        self._min_epoch[subject] = max(self._min_epoch.get(subject, 0), session_epoch)
        self.applied += 1

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        """Refuse one token until it would have expired anyway."""
        self._revoked[token_id] = expires_at.timestamp()
        self.applied += 1
        self._forget_expired()

    def is_revoked(self, staff: Staff) -> bool:
        if staff.token_id in self._revoked:
            return True
        return staff.epoch < self._min_epoch.get(staff.subject, 0)

    def apply(self, events: list[AnyEvent]) -> None:
        """Apply staff events; replaying them is harmless (max epoch, set membership)."""
        for event in events:
            if isinstance(event, StaffSessionsRevoked):
                self.revoke_sessions(event.payload.subject, event.payload.session_epoch)
            elif isinstance(event, StaffTokenRevoked):
                self.revoke_token(event.payload.token_id, event.payload.expires_at)

    def load(self, rows: list[StaffRevocation]) -> None:
        """Take back what an earlier run of this service had learnt."""
        for row in rows:
            if row.kind == SESSIONS:
                self.revoke_sessions(row.key, row.session_epoch)
            elif row.kind == TOKEN and row.expires_at is not None:
                self.revoke_token(row.key, row.expires_at)

    def _forget_expired(self) -> None:
        now = time.time()
        for token_id in [t for t, exp in self._revoked.items() if exp < now]:
            del self._revoked[token_id]


class RevocationFeed(EventConsumer):
    """Reads ``staff.v1`` from the start with no consumer group and no commits.

    Every instance must see every revocation, so there is nothing to share or to
    remember: a restarted instance simply reads the (small) topic again.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        revocations: RevocationList,
        sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        async def apply(events: list[AnyEvent]) -> None:
            # kept first, applied after: what this service refuses, it has also remembered
            if sessions is not None:
                async with unit_of_work(sessions) as session:
                    await remember(session, events)
            revocations.apply(events)

        self.waiting_for_topic = False
        super().__init__(
            settings.kafka_bootstrap_servers,
            [topics.STAFF],
            "",
            apply,
            prefix=settings.topic_prefix,
        )

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            consumer: AIOKafkaConsumer | None = None
            try:
                self.waiting_for_topic = True  # the aggregator creates staff.v1, never we
                try:
                    await wait_for_topics(self._bootstrap, self._topics, self._prefix, stop)
                finally:
                    self.waiting_for_topic = False
                if stop.is_set():
                    break
                consumer = AIOKafkaConsumer(
                    bootstrap_servers=self._bootstrap,
                    group_id=None,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                )
                await consumer.start()
                # Every partition, named: a subscription without a group learns a new
                # topic's partitions from metadata, which may lag its creation by minutes.
                consumer.assign(
                    [
                        TopicPartition(topic_name(t, self._prefix), p)
                        for t in self._topics
                        for p in range(PARTITIONS[t])
                    ]
                )
                self.connected, backoff = True, 0.5
                while not stop.is_set():
                    batches = await consumer.getmany(timeout_ms=500, max_records=1000)
                    records = [r for part in batches.values() for r in part]
                    events = [e for e in (_decode(r) for r in records) if e is not None]
                    if events:
                        await self._handler(events)
                        self.applied += len(events)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("revocation feed: %s; rebuilding in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.connected = False
                if consumer is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(consumer.stop(), timeout=5)


async def load_revocations(
    sessions: async_sessionmaker[AsyncSession], revocations: RevocationList
) -> int:
    """Fill the in-memory list from this service's database; returns how many rows."""
    async with sessions() as session:
        rows = list((await session.execute(select(StaffRevocation))).scalars().all())
    revocations.load(rows)
    return len(rows)


async def remember(session: AsyncSession, events: list[AnyEvent]) -> None:
    """Keep revocations in the caller's transaction; a replay changes nothing."""
    for event in events:
        if isinstance(event, StaffSessionsRevoked):
            key = (SESSIONS, event.payload.subject)
            row = await session.get(StaffRevocation, key)
            if row is None:
                row = StaffRevocation(kind=SESSIONS, key=event.payload.subject)
            row.session_epoch = max(row.session_epoch, event.payload.session_epoch)
            session.add(row)
        elif isinstance(event, StaffTokenRevoked):
            key = (TOKEN, event.payload.token_id)
            if await session.get(StaffRevocation, key) is None:
                session.add(
                    StaffRevocation(
                        kind=TOKEN, key=event.payload.token_id, expires_at=event.payload.expires_at
                    )
                )
        await session.flush()
