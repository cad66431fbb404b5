"""Clustering behind counting: each new comment gets its cluster in a transaction of its own.

Counting (``service.apply_events``) must be exact and fresh, so it runs in the event's
transaction; finding near-copies (MinHash bands, rapidfuzz) costs more than counting and
may run a moment behind (issue 15). Counting stores a new comment with ``cluster_id``
NULL; ``cluster_pending`` takes the oldest such comments and clusters them as one batch
(``clusters.BatchClusters``). A comment with a cluster is done, so a chunk that fails or a
process that dies before its commit leaves its comments NULL for the next drain: nothing
is clustered twice and nothing is left out.

One clusterer at a time, so a comment always sees the bands of every comment clustered
before it, whichever aggregator instance counted them: PostgreSQL's transaction-level
advisory lock (an instance that cannot take it leaves the work to the one that holds it),
SQLite's ``BEGIN IMMEDIATE`` (every write transaction is alone). On PostgreSQL the chunk's
rows are locked as they are read, skipping any a counting transaction holds (a status
change), and the clusterer waits at most ``_LOCK_WAIT`` for any other lock, so it gives up
(and retries) before a deadlock could ever be resolved at counting's expense.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.aggregator.clusters import BatchClusters
from services.aggregator.models import AggregatedComment
from shared.db import unit_of_work

log = logging.getLogger(__name__)
CHUNK = 1000  # comments per clustering transaction (SQLite: the write lock held meanwhile)
_ADVISORY_KEY = 0x6A0C1B5  # "the aggregator's clusterer", for pg_try_advisory_xact_lock
_LOCK_WAIT = "500ms"  # under PostgreSQL's deadlock_timeout (1 s)


async def cluster_pending(session: AsyncSession, limit: int = CHUNK, *, wait: bool = False) -> int:
    """Cluster up to ``limit`` comments that have none yet, oldest first; how many it did.

    ``wait``: for the clusterer's lock (a rebuild, tests), else give up at once when another
    instance holds it."""
    if session.get_bind().dialect.name == "postgresql":
        if wait:
            await session.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))
        else:
            await session.execute(text(f"SET LOCAL lock_timeout = '{_LOCK_WAIT}'"))
            taken = await session.scalar(select(func.pg_try_advisory_xact_lock(_ADVISORY_KEY)))
            if not taken:
                return 0  # another instance is clustering; it drains what is committed
    rows = (
        await session.execute(
            select(
                col(AggregatedComment.document_id),
                col(AggregatedComment.comment_id),
                col(AggregatedComment.folded_text),
            )
            .where(col(AggregatedComment.cluster_id).is_(None))
            .order_by(col(AggregatedComment.submitted_at), col(AggregatedComment.comment_id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return 0
    comments = [(document, comment, folded.strip()) for document, comment, folded in rows]
    batch = await BatchClusters.load(session, comments)
    assigned = {c: batch.assign(document, c, words) for document, c, words in comments}
    await batch.save(session, assigned)
    return len(rows)


async def pending(session: AsyncSession) -> int:
    """How many comments wait for their cluster."""
    count = await session.scalar(
        select(func.count()).where(col(AggregatedComment.cluster_id).is_(None))
    )
    return int(count or 0)


async def drain(session: AsyncSession) -> int:
    """Cluster every waiting comment in this transaction (a rebuild, tests)."""
    done = 0
    while n := await cluster_pending(session, wait=True):
        done += n
    return done


class Clusterer:
    """The background loop: drains after each batch the consumer commits (``wake``) and every
    ``interval`` seconds (comments another instance counted, a chunk that failed)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], interval: float) -> None:
        self._sessions = sessions
        self._interval = interval
        self._wake = asyncio.Event()
        self.clustered = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                async with unit_of_work(self._sessions) as session:
                    done = await cluster_pending(session)
                self.clustered += done
                if done:
                    continue  # more may wait: a backlog is drained chunk after chunk
            except Exception as exc:  # a lock wait, a busy database: the comments stay NULL
                log.warning("clustering failed, retrying: %s", exc)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            except TimeoutError:
                pass
