"""The relay's sends, a record batch per partition, land where ``producer.send`` would put
them, in order, each once (the real broker)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.broker import EmbeddedBroker
from shared.events import topics
from shared.events.topics import PARTITIONS, topic_name
from shared.kafka import ensure_topics, send_batched

MESSAGES = 300


async def _read_all(bootstrap: str, topic: str, count: int) -> dict[int, list[tuple[bytes, bytes]]]:
    """Every partition's (key, value) pairs, in offset order."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS[topics.COMMENTS])]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        found: dict[int, list[tuple[bytes, bytes]]] = defaultdict(list)
        while sum(map(len, found.values())) < count:
            batches = await reader.getmany(timeout_ms=2000)
            assert batches, "the broker holds fewer messages than were acknowledged"
            for tp, records in batches.items():
                found[tp.partition].extend((r.key, r.value) for r in records)
        return found
    finally:
        await reader.stop()


async def test_a_batch_per_partition_keeps_each_keys_partition_and_order(
    broker: EmbeddedBroker,
) -> None:
    prefixes = [f"t{uuid.uuid4().hex[:8]}." for _ in range(2)]
    for prefix in prefixes:
        await ensure_topics(broker.bootstrap, [topics.COMMENTS], prefix)
    # the same partitions twice: sent in batches, and (the reference) one message at a time
    batched, one_by_one = (topic_name(topics.COMMENTS, prefix) for prefix in prefixes)
    # A 2 KB batch holds a few of these messages: each partition's share fills several.
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, max_batch_size=2048)
    await producer.start()
    try:
        keys = [str(uuid.uuid4()).encode() for _ in range(MESSAGES // 3)]
        messages = [
            (batched, keys[n % len(keys)], f"{n:05d}".encode() * 60) for n in range(MESSAGES)
        ]
        futures = await send_batched(producer, messages)
        for future in futures:
            await future
        assert len(futures) > PARTITIONS[topics.COMMENTS]  # some partitions' batches filled
        reference = [await producer.send(one_by_one, key=key) for key in keys]
        where = {key: (await done).partition for key, done in zip(keys, reference, strict=True)}
    finally:
        await producer.stop()

    found = await _read_all(broker.bootstrap, batched, MESSAGES)
    assert sum(map(len, found.values())) == MESSAGES  # each once
    for partition, pairs in found.items():
        assert all(where[key] == partition for key, _value in pairs)
        numbers = [int(value[:5]) for _key, value in pairs]
        assert numbers == sorted(numbers)  # in the order they were given
