"""Rebuild the aggregator's projection from the topics (DESIGN.md section 3).

The tallies are a projection: this empties it and re-applies every event still on
``documents.v1`` and ``comments.v1`` from the first offset to the end offsets seen at the
start, in one transaction, so readers see the old tallies until the new ones are complete.
On SQLite the search index (FTS5) is re-read from the rebuilt comments in that transaction.
The counters (of comments and of commenters) and clusters are part of the projection; the
reviews are not, and stay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import delete
from sqlmodel import col

from services.aggregator import clustering, search, service
from services.aggregator.config import AggregatorSettings
from services.aggregator.models import (
    AggregatedComment,
    AggregatedDocument,
    AggregatedSection,
    ClusterBand,
    CommenterCount,
    CommentWords,
    DailyCount,
    SectionCommenters,
    SectionCount,
)
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import AnyEvent, parse_event, topics
from shared.events.topics import topic_name
from shared.idempotency import ProcessedEvent

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


async def _read_all(settings: AggregatorSettings, progress: Progress) -> list[AnyEvent]:
    names = [topic_name(t, settings.topic_prefix) for t in (topics.DOCUMENTS, topics.COMMENTS)]
    # A missing topic is read as empty, never created: creating it is its producer's cue
    # that the broker forgot the history it must publish again.
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        names = [n for n in names if n in set(await admin.list_topics())]
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(n, p)
            for n in names
            for p in sorted(consumer.partitions_for_topic(n) or set())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        total = sum(ends.values())
        events: list[AnyEvent] = []
        read = 0
        remaining = {tp for tp in partitions if ends[tp] > 0}
        fetched: set[TopicPartition] = set()
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=1000)
            for tp, records in batch.items():
                if tp not in fetched:
                    # Tansu answers ListOffsets with its last batch's base offset + 1, short
                    # of the real end; the first fetch's high watermark is the truth.
                    fetched.add(tp)
                    grown = max(ends[tp], consumer.highwater(tp) or 0) - ends[tp]
                    ends[tp] += grown
                    total += grown
                for record in records:
                    if record.offset < ends[tp]:
                        read += 1
                        try:
                            events.append(parse_event(record.value))
                        except ValueError as exc:
                            log.error("skipping unreadable event %s@%s: %s", tp, record.offset, exc)
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
            progress(read, total)
        # Documents first: a comment's section must exist before it is tallied.
        events.sort(key=lambda e: 0 if e.type.startswith("document.") else 1)
        return events
    finally:
        await consumer.stop()


async def rebuild(settings: AggregatorSettings, progress: Progress) -> int:
    """Replace the projection with one rebuilt from the topics; return events applied."""
    events = await _read_all(settings, progress)
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            projection = (
                SectionCount,
                CommenterCount,
                SectionCommenters,
                DailyCount,
                ClusterBand,
                CommentWords,
                AggregatedComment,
                AggregatedSection,
                AggregatedDocument,
            )
            for model in projection:  # reviews and assignments are people's work: kept
                await session.execute(delete(model))
            await session.execute(
                delete(ProcessedEvent).where(col(ProcessedEvent.consumer) == service.CONSUMER)
            )
            applied = 0
            for start in range(0, len(events), 500):
                applied += await service.apply_events(session, events[start : start + 500])
            # clusters too, as the live clusterer gives them: oldest comment first
            await clustering.drain(session)
            # triggers kept the SQLite FTS5 index current; re-reading it also repairs drift
            await search.rebuild_fts(session)
        return applied
    finally:
        await engine.dispose()
