"""Kafka plumbing that works on Apache Kafka and on the embedded Tansu broker alike.

Tansu forgets everything when it stops, and a producer's send re-creates a lost topic
with the wrong partition count, so topics are created explicitly before any producer or
consumer touches them, and whoever finds a topic missing is told (``on_created``) so it
can re-publish its history from the database, which is the truth.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder
from pydantic import ValidationError

from shared.events import AnyEvent, parse_event
from shared.events.topics import PARTITIONS, group_name, topic_name
from shared.storage_errors import storage_failure

log = logging.getLogger(__name__)
# How long a consumer applies the same batch again while its database is out of reach,
# staying in its group, before it gives up and is rebuilt (well under max_poll_interval).
APPLY_RETRY_SECONDS = 30.0

TopicsCreated = Callable[[set[str]], Awaitable[None]]
# A producer's record batch: messages a relay round sends to one partition travel in one
# (16 KB, the default, held ~18 comment events: a produce request per 18).
MAX_BATCH_BYTES = 512 * 1024


async def ensure_topics(
    bootstrap: str,
    topics: Sequence[str],
    prefix: str = "",
    *,
    recreate_mismatched: bool = False,
    admin: AIOKafkaAdminClient | None = None,
) -> set[str]:
    """Create the missing topics with their fixed partition counts; return the ones created.

    A topic with another partition count was made by a producer's send after the broker
    lost it (Tansu re-creates it with 4): with ``recreate_mismatched`` it is deleted and
    created again, and reported as created so its history is re-published.
    Only ``list_topics`` is used to test existence: naming a missing topic in a metadata
    request makes such a broker create it.
    """
    own = admin is None
    if admin is None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if topic_name(t, prefix) not in existing]
        if recreate_mismatched:
            mismatched = await _mismatched(admin, [t for t in topics if t not in missing], prefix)
            if mismatched:
                log.warning("topics %s have the wrong partition count: re-creating", mismatched)
                await admin.delete_topics([topic_name(t, prefix) for t in mismatched])
                missing += mismatched
        created: set[str] = set()
        for topic in missing:
            try:
                await admin.create_topics(
                    [NewTopic(topic_name(topic, prefix), PARTITIONS[topic], replication_factor=1)]
                )
                created.add(topic)
            except TopicAlreadyExistsError:
                pass  # another instance won the race; it re-publishes, not us
        return created
    finally:
        if own:
            await admin.close()


async def _mismatched(admin: AIOKafkaAdminClient, topics: list[str], prefix: str) -> list[str]:
    if not topics:
        return []
    described = await admin.describe_topics([topic_name(t, prefix) for t in topics])
    counts = {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}
    return [t for t in topics if counts.get(topic_name(t, prefix), PARTITIONS[t]) != PARTITIONS[t]]


class KafkaProducerFactory:
    """One lazily started producer (acks=all, never idempotent: Tansu refuses that).

    Every ``check_interval`` seconds ``get`` also checks the topics, so a broker that lost
    them while the producer stayed connected is noticed and the history re-published.
    """

    def __init__(
        self,
        bootstrap: str,
        topics: Sequence[str],
        *,
        prefix: str = "",
        on_created: TopicsCreated | None = None,
        recreate_mismatched: bool = False,
        check_interval: float = 1.0,
    ) -> None:
        self._bootstrap = bootstrap
        self._topics = list(topics)
        self._prefix = prefix
        self._on_created = on_created
        self._recreate = recreate_mismatched
        self._check_interval = check_interval
        self._checked_at = 0.0
        self._producer: AIOKafkaProducer | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._producer is not None

    async def get(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None or time.monotonic() - self._checked_at > self._check_interval:
                await self._check_topics()
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    acks="all",
                    enable_idempotence=False,
                    linger_ms=5,
                    request_timeout_ms=15_000,
                    max_batch_size=MAX_BATCH_BYTES,
                )
                await producer.start()
                self._producer = producer
            return self._producer

    async def _check_topics(self) -> None:
        if self._admin is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self._bootstrap, request_timeout_ms=10_000
            )
            await admin.start()
            self._admin = admin
        created = await ensure_topics(
            self._bootstrap,
            self._topics,
            self._prefix,
            recreate_mismatched=self._recreate,
            admin=self._admin,
        )
        self._checked_at = time.monotonic()
        if created and self._on_created is not None:
            await self._on_created(created)

    async def reset(self) -> None:
        """Drop the producer after an error; the next ``get`` re-checks the topics."""
        async with self._lock:
            producer, self._producer = self._producer, None
            admin, self._admin = self._admin, None
        stops = [c.stop() for c in (producer,) if c] + [a.close() for a in (admin,) if a]
        for stop in stops:
            try:
                await asyncio.wait_for(stop, 5)
            except Exception as exc:  # a dead broker may make stopping fail too
                log.debug("kafka client stop: %s", exc)


async def wait_for_topics(
    bootstrap: str, topics: Sequence[str], prefix: str, stop: asyncio.Event
) -> None:
    """Until every topic exists: a consumer never creates the topics it reads. Their producer
    does, and learns from creating them that the broker forgot its history, which it then
    publishes again; a consumer that created them first would hide that."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        wanted = {topic_name(t, prefix) for t in topics}
        while not stop.is_set() and not wanted <= set(await admin.list_topics()):
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


Message = tuple[str, bytes, bytes]  # topic, key, value


async def send_batched(
    producer: AIOKafkaProducer, messages: Sequence[Message]
) -> list[asyncio.Future[Any]]:
    """Queue ``messages`` as one record batch per partition (another when one is full), in
    their order within each partition; each future is done when the broker has its batch.

    A message goes to the partition ``producer.send`` would choose for its key (the default
    partitioner, over the partitions as the producer's metadata lists them), so a comment's
    events stay in one partition however they were sent. One ``send`` per message cost
    the relay ~21 µs of CPU each, a batch per partition ~8 (issue 15).
    """
    partitioner = DefaultPartitioner()
    partitions: dict[str, list[int]] = {}
    builders: dict[tuple[str, int], BatchBuilder] = {}
    futures: list[asyncio.Future[Any]] = []

    async def submit(topic: str, partition: int, builder: BatchBuilder) -> None:
        builder.close()  # nothing else joins it: its future is these messages' alone
        futures.append(await producer.send_batch(builder, topic, partition=partition))

    for topic, key, value in messages:
        if topic not in partitions:
            partitions[topic] = list(await producer.partitions_for(topic))
        partition = partitioner(key, partitions[topic], partitions[topic])
        builder = builders.get((topic, partition))
        if builder is not None and builder.append(key=key, value=value, timestamp=None) is not None:
            continue
        if builder is not None:  # full: it goes now, a new one takes the message
            await submit(topic, partition, builder)
        builder = builders[(topic, partition)] = producer.create_batch()
        builder.append(key=key, value=value, timestamp=None)  # an empty batch takes any
    for (topic, partition), builder in builders.items():
        await submit(topic, partition, builder)
    return futures


EventBatchHandler = Callable[[Any], Awaitable[None]]
# Turns a decoded batch into what the handler takes, without the database: run while the
# previous batch's transaction waits on it.
BatchPreparer = Callable[[list[AnyEvent]], Awaitable[Any]]
# Messages decoded between two turns of the event loop (see ``EventConsumer._consume``): the
# transaction under way sends its next statement only when the loop turns, and a batch's
# ~11 statements each waited out a 250-message slice (~3 ms): with 50, a 60,000-event
# backlog went from 21,155–21,695 to 21,928–25,757 events/s (issue 15).
DECODE_SLICE = 50


@dataclass
class _InFlight:
    """A batch whose transaction is under way, and the offsets to commit once it is done."""

    task: asyncio.Task[None] | None  # None: nothing in it could be read, nothing to apply
    offsets: dict[TopicPartition, int]
    events: int


class EventConsumer:
    """A consumer-group member that hands batches to a handler, committing offsets after.

    The handler applies the whole batch in one database transaction and records each
    event id there, so a redelivered batch changes nothing. Commits are bounded by a
    timeout; when one fires the consumer is rebuilt instead of hanging.

    Batches overlap by one stage: the next batch is fetched, decoded and ``prepare``-d
    (Python work) while the previous one's transaction waits on the database, a slice at a
    time so that transaction goes on between slices (issue 15). Transactions still run one
    after the other, in order, and a batch's offsets (its own, never those of the batch
    read ahead) are committed only after its transaction has.

    ``caught_up`` turns true, and stays true, once the group's committed offsets reach
    the topics' end offsets as read when this member first connected: from then on the
    database holds every event that existed at start-up (the readiness check).
    """

    def __init__(
        self,
        bootstrap: str,
        topics: Sequence[str],
        group_id: str,
        handler: EventBatchHandler,
        *,
        prefix: str = "",
        commit_timeout: float = 10.0,
        max_records: int = 500,
        prepare: BatchPreparer | None = None,
    ) -> None:
        self._bootstrap = bootstrap
        self._topics = list(topics)
        self._group_id = group_id
        self._handler = handler
        self._prepare = prepare
        self._prefix = prefix
        self._commit_timeout = commit_timeout
        self._max_records = max_records
        self.connected = False
        self.caught_up = False
        self.applied = 0
        self._targets: dict[TopicPartition, int] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            consumer: AIOKafkaConsumer | None = None
            try:
                await wait_for_topics(self._bootstrap, self._topics, self._prefix, stop)
                if stop.is_set():
                    break
                consumer = AIOKafkaConsumer(
                    *[topic_name(t, self._prefix) for t in self._topics],
                    bootstrap_servers=self._bootstrap,
                    group_id=group_name(self._group_id, self._prefix),
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    session_timeout_ms=10_000,
                    heartbeat_interval_ms=1_000,
                    max_poll_interval_ms=60_000,
                )
                await consumer.start()
                if self._targets is None:
                    self._targets = await self._end_offsets(consumer)
                self.connected = True
                backoff = 0.5
                await self._consume(consumer, stop)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer %s: %s; rebuilding in %.1fs", self._group_id, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                if consumer is not None:
                    await _close(consumer, joined=self.connected)
                self.connected = False

    async def _end_offsets(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
        """Every partition's end offset now: what "caught up" means for this process."""
        partitions = [
            TopicPartition(topic_name(t, self._prefix), p)
            for t in self._topics
            for p in range(PARTITIONS[t])
        ]
        offsets = await asyncio.wait_for(consumer.end_offsets(partitions), self._commit_timeout)
        return {tp: int(offset) for tp, offset in offsets.items()}

    async def _check_caught_up(self, consumer: AIOKafkaConsumer) -> None:
        """Compare the group's committed offsets (any member's) with the start-up targets."""
        for tp, target in (self._targets or {}).items():
            if target == 0:
                continue
            try:
                committed = await asyncio.wait_for(consumer.committed(tp), self._commit_timeout)
            except (TimeoutError, KafkaError) as exc:  # a rebalance: ask again next round
                log.debug("consumer %s: committed offsets unknown: %s", self._group_id, exc)
                return
            if committed is None or committed < target:
                return
        self.caught_up = True
        log.info("consumer %s caught up with the topics as of start-up", self._group_id)

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        previous: _InFlight | None = None
        try:
            while not stop.is_set():
                if not self.caught_up:
                    await self._check_caught_up(consumer)
                batches = await consumer.getmany(
                    timeout_ms=0 if previous else 500, max_records=self._max_records
                )
                records = [record for part in batches.values() for record in part]
                if not records:
                    if previous is not None:
                        await self._finish(consumer, previous)
                        previous = None
                    continue
                events = await _decode_all(records)
                work = await self._prepare(events) if self._prepare and events else events
                if previous is not None:
                    await self._finish(consumer, previous)
                task = asyncio.create_task(self._apply(work, stop)) if events else None
                offsets = {tp: part[-1].offset + 1 for tp, part in batches.items() if part}
                previous = _InFlight(task, offsets, len(events))
                # Only the task holds the batch now: the messages and the decoded events
                # (what ``prepare`` made of them stays) are freed before the next is read.
                del batches, records, events, work
            if previous is not None:
                await self._finish(consumer, previous)
                previous = None
        finally:
            if previous is not None and previous.task is not None:
                # a transaction still running is rolled back; its offsets were not committed,
                # so its events come again to the rebuilt consumer
                previous.task.cancel()
                await asyncio.gather(previous.task, return_exceptions=True)

    async def _finish(self, consumer: AIOKafkaConsumer, batch: _InFlight) -> None:
        """Wait for a batch's transaction, then commit its offsets."""
        if batch.task is not None:
            await batch.task
            self.applied += batch.events
        await asyncio.wait_for(consumer.commit(batch.offsets), timeout=self._commit_timeout)

    async def _apply(self, events: Any, stop: asyncio.Event) -> None:
        """Apply a batch; while the database is out of reach (a restart), apply the same batch
        again rather than leave the group: rejoining waits out a rebalance (seen: 20 s)."""
        deadline = time.monotonic() + APPLY_RETRY_SECONDS
        pause = 0.1
        while True:
            try:
                await self._handler(events)
                return
            except Exception as exc:
                failure = storage_failure(exc)
                if failure is None or stop.is_set() or time.monotonic() > deadline:
                    raise
                log.warning("consumer %s: database away (%s)", self._group_id, failure.reason)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


async def _close(consumer: AIOKafkaConsumer, *, joined: bool) -> None:
    """Leave the group. A member that never finished joining owns no partition and has
    committed nothing, so it is dropped at once: stopping it waits for the coordinator's
    rebalance to end (seconds), which would hold up every shutdown during start-up."""
    try:
        await asyncio.wait_for(consumer.stop(), timeout=5 if joined else 0.2)
    except Exception as exc:
        log.debug("consumer stop: %s", exc)


async def _decode_all(records: list[ConsumerRecord]) -> list[AnyEvent]:
    """The batch's readable events, a slice at a time (the loop turns between slices)."""
    events: list[AnyEvent] = []
    for start in range(0, len(records), DECODE_SLICE):
        if start:
            await asyncio.sleep(0)
        decoded = (_decode(r) for r in records[start : start + DECODE_SLICE])
        events.extend(e for e in decoded if e is not None)
    return events


def _decode(record: ConsumerRecord) -> AnyEvent | None:
    """Parse a message; one that no version of our contract can read is logged and skipped."""
    try:
        return parse_event(record.value)
    except ValidationError as exc:
        log.error(
            "skipping unreadable event at %s[%s]@%s: %s",
            record.topic,
            record.partition,
            record.offset,
            exc.errors()[:1],
        )
        return None
