"""The consumer reads and prepares the next batch while the previous one's transaction runs,
and commits a batch's offsets only once that batch is applied (the real broker)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.broker import EmbeddedBroker
from shared.events import (
    AnyEvent,
    CommentSubmitted,
    CommentSubmittedPayload,
    serialize_event,
    topics,
    utcnow,
)
from shared.events.topics import group_name, topic_name
from shared.kafka import EventConsumer, ensure_topics
from tests.helpers import eventually

EVENTS = 12
BATCH = 3


async def _produce(bootstrap: str, prefix: str) -> list[uuid.UUID]:
    """``EVENTS`` comment events, all on one partition so the batches follow one order."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    ids = []
    try:
        document = uuid.uuid4()
        for n in range(EVENTS):
            event = CommentSubmitted(
                producer="test",
                payload=CommentSubmittedPayload(
                    comment_id=uuid.uuid4(),
                    document_id=document,
                    channel="web",
                    text=f"Góp ý số {n}",
                    submitted_at=utcnow(),
                ),
            )
            await producer.send_and_wait(
                topic_name(topics.COMMENTS, prefix), serialize_event(event), partition=0
            )
            ids.append(event.event_id)
    finally:
        await producer.stop()
    return ids


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    """The group's committed offset on partition 0 (asked as the group's members ask)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        return await reader.committed(TopicPartition(topic, 0)) or 0
    finally:
        await reader.stop()


class Recorder:
    """A handler and a preparer that note what they saw; one batch can be held or failed."""

    def __init__(self) -> None:
        self.prepared: list[list[uuid.UUID]] = []
        self.applied: list[list[uuid.UUID]] = []
        self.attempts = 0
        self.hold = asyncio.Event()
        self.hold.set()
        self.fail_attempt: int | None = None

    async def prepare(self, events: list[AnyEvent]) -> list[uuid.UUID]:
        ids = [e.event_id for e in events]
        self.prepared.append(ids)
        return ids

    async def handle(self, ids: Any) -> None:
        self.attempts += 1
        if self.attempts == 2:
            await self.hold.wait()  # the second transaction waits on its "database"
        if self.attempts == self.fail_attempt:
            raise RuntimeError("the transaction failed")
        self.applied.append(ids)


async def _run(broker: EmbeddedBroker, recorder: Recorder) -> tuple[str, str, list[uuid.UUID], Any]:
    prefix = f"pipe-{uuid.uuid4().hex[:6]}."
    group = "aggregator"
    await ensure_topics(broker.bootstrap, [topics.COMMENTS], prefix)
    ids = await _produce(broker.bootstrap, prefix)
    consumer = EventConsumer(
        broker.bootstrap,
        [topics.COMMENTS],
        group,
        recorder.handle,
        prefix=prefix,
        max_records=BATCH,
        prepare=recorder.prepare,
    )
    return group_name(group, prefix), topic_name(topics.COMMENTS, prefix), ids, consumer


async def test_the_next_batch_is_prepared_while_the_last_commits_first(
    broker: EmbeddedBroker,
) -> None:
    recorder = Recorder()
    recorder.hold.clear()
    group, topic, ids, consumer = await _run(broker, recorder)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        # the second transaction is held: the third batch is read and prepared meanwhile,
        # and only the first batch's offsets are committed
        await eventually(lambda: asyncio.sleep(0, len(recorder.prepared)), lambda n: n == 3)
        assert recorder.applied == [ids[:BATCH]]
        await eventually(lambda: _committed(broker.bootstrap, group, topic), lambda n: n == BATCH)
        await asyncio.sleep(1.0)  # nothing read ahead gets committed while it is held
        assert await _committed(broker.bootstrap, group, topic) == BATCH
        assert len(recorder.prepared) == 3  # and no more than one batch is read ahead

        recorder.hold.set()
        await eventually(lambda: _committed(broker.bootstrap, group, topic), lambda n: n == EVENTS)
        assert [i for batch in recorder.applied for i in batch] == ids  # in order, each once
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def test_a_failed_transaction_loses_neither_its_batch_nor_the_one_read_ahead(
    broker: EmbeddedBroker,
) -> None:
    recorder = Recorder()
    recorder.fail_attempt = 2  # the second batch's transaction fails once
    group, topic, ids, consumer = await _run(broker, recorder)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await eventually(
            lambda: _committed(broker.bootstrap, group, topic), lambda n: n == EVENTS, timeout=40
        )
        applied = [i for batch in recorder.applied for i in batch]
        assert applied == ids  # the failed batch again, then the rest, each applied once
        assert recorder.attempts == len(recorder.applied) + 1
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
