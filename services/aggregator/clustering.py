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
import time

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.aggregator import search
from services.aggregator.clusters import BatchClusters
from services.aggregator.models import AggregatedComment
from shared.db import unit_of_work

log = logging.getLogger(__name__)
CHUNK = 500  # comments per clustering transaction (~0.1 s of CPU; SQLite: its write lock)
# a consumer batch this full means a backlog (a live stream comes in batches of a few)
BACKLOG_BATCH = 200
# While counting works through a backlog, one chunk per this many intervals: enough that
# clusters never stop, little enough to leave counting ~15 % more of the CPU (issue 15).
BACKLOG_PATIENCE = 10
# Woken by a counted batch, the clusterer first lets a chunk gather: clustering 50 comments
# costs nearly what 500 cost (a lock, two look-ups, three writes, a commit), and a cluster
# may come a moment after the count (issue 15).
LINGER_SECONDS = 0.25
_ADVISORY_KEY = 0x6A0C1B5  # "the aggregator's clusterer", for pg_try_advisory_xact_lock
_LOCK_WAIT = "500ms"  # under PostgreSQL's deadlock_timeout (1 s)


async def cluster_pending(session: AsyncSession, limit: int = CHUNK, *, wait: bool = False) -> int:
    """Cluster up to ``limit`` comments that have none yet, oldest first; how many it did.

    ``wait``: for the clusterer's lock (a rebuild, tests), else give up at once when another
    instance holds it."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
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
    if postgresql:  # into the search index with its cluster: it leaves the queue now
        await search.index_words(session, [(comment, folded) for _d, comment, folded in rows])
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
    """The background loop: drains after each batch the consumer commits and every
    ``interval`` seconds (comments another instance counted, a chunk that failed).

    Counting goes first: while the consumer works through a backlog (its batches come back
    full), the clusterer takes one chunk per ``patience`` intervals and leaves the event
    loop and the database to counting; once the consumer keeps up, it drains what waits
    chunk after chunk.
    Woken by a batch, it waits ``linger`` seconds first, so that under a steady stream of
    small batches it clusters a chunk's worth at a time. Draining a queue while comments
    keep arriving, it rests as long as each chunk took: a chunk holds the event loop that
    counting shares (a 60,000-comment queue drained beside 370 comments a second put the
    counts' p99 at 0.76 s instead of 0.4 s, issue 15).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        interval: float,
        *,
        backlog_batch: int = BACKLOG_BATCH,
        chunk: int = CHUNK,
        linger: float = LINGER_SECONDS,
        patience: int = BACKLOG_PATIENCE,
    ) -> None:
        self._sessions = sessions
        self._interval = interval
        self._linger = linger
        self._patience = patience
        self._chunk_at = -float("inf")
        self._backlog_batch = backlog_batch
        self._chunk = chunk
        self._wake = asyncio.Event()
        self._full_batch = False
        self._counted_at = 0.0
        self.clustered = 0

    def counted(self, events: int) -> None:
        """Told after each batch the consumer committed, with its number of events."""
        self._full_batch = events >= self._backlog_batch
        self._counted_at = time.monotonic()
        if not self._full_batch:
            self._wake.set()

    @property
    def behind(self) -> bool:
        """Whether counting works through a backlog: its last batch was full and recent (a
        consumer that has nothing more to count commits nothing more)."""
        return self._full_batch and time.monotonic() - self._counted_at < self._interval

    @property
    def live(self) -> bool:
        """Whether comments are being counted as they come (a batch in the last interval)."""
        return time.monotonic() - self._counted_at < self._interval

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            if self.behind and time.monotonic() - self._chunk_at < self._interval * self._patience:
                await _first_of(self._wake, stop, timeout=self._interval)
                continue
            try:
                self._chunk_at = time.monotonic()
                # comments arriving, no backlog: shorter holds of the event loop
                chunk = self._chunk // 4 if self.live and not self.behind else self._chunk
                async with unit_of_work(self._sessions) as session:
                    done = await cluster_pending(session, chunk)
                self.clustered += done
                if done and not self.behind:
                    if self.live:  # comments arriving: half the time left to counting them
                        await _first_of(stop, timeout=time.monotonic() - self._chunk_at)
                    continue  # more may wait: drained chunk after chunk
            except Exception as exc:  # a lock wait, a busy database: the comments stay NULL
                log.warning("clustering failed, retrying: %s", exc)
            await _first_of(self._wake, stop, timeout=self._interval)
            if self._wake.is_set() and self._linger:
                await _first_of(stop, timeout=self._linger)


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    """Until one of ``events`` is set, or ``timeout`` seconds."""
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
