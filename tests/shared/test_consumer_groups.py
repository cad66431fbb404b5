"""Deployments sharing a cluster under a topic prefix keep their consumer groups apart."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka.admin import AIOKafkaAdminClient

from shared.broker import EmbeddedBroker
from shared.events import AnyEvent, topics
from shared.kafka import EventConsumer, ensure_topics
from tests.helpers import eventually


async def _members(bootstrap: str, group: str) -> int:
    """How many consumers are in ``group`` now (describe, which every broker answers)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        return sum(len(described[5]) for described in response.groups)
    finally:
        await admin.close()


async def test_a_consumer_joins_the_group_of_its_own_prefix(broker: EmbeddedBroker) -> None:
    prefix = f"tinh-{uuid.uuid4().hex[:6]}."
    group = f"catalogue-{uuid.uuid4().hex[:6]}"

    async def ignore(events: list[AnyEvent]) -> None:
        del events

    await ensure_topics(broker.bootstrap, [topics.DOCUMENTS], prefix)  # its producer's part
    consumer = EventConsumer(broker.bootstrap, [topics.DOCUMENTS], group, ignore, prefix=prefix)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await eventually(lambda: _members(broker.bootstrap, prefix + group), lambda n: n == 1)
        assert await _members(broker.bootstrap, group) == 0
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
