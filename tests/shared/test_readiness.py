"""A consumer is "caught up" once its group has applied every event that existed when it
started (the /readyz gate), whichever member of the group applied them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer

from shared import events as ev
from shared.broker import EmbeddedBroker
from shared.events import AnyEvent, topics
from shared.events.topics import topic_name
from shared.kafka import EventConsumer, ensure_topics
from tests.helpers import eventually


def _published(n: int) -> ev.DocumentPublished:
    state = ev.DocumentState(
        document_id=uuid.uuid4(), slug=f"du-thao-{n}", title=f"Dự thảo {n}", status="open"
    )
    return ev.DocumentPublished(producer="documents", payload=state)


@pytest.fixture
async def five_drafts(broker: EmbeddedBroker, topic_prefix: str) -> AsyncIterator[str]:
    """documents.v1 under this test's prefix, holding five events before any consumer starts."""
    await ensure_topics(broker.bootstrap, [topics.DOCUMENTS], topic_prefix)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(5):
            event = _published(n)
            await producer.send_and_wait(
                topic_name(topics.DOCUMENTS, topic_prefix),
                ev.serialize_event(event),
                key=event.key.encode(),
            )
    finally:
        await producer.stop()
    yield topic_prefix


class Member:
    """One running consumer whose handler waits for ``release`` before applying a batch."""

    def __init__(self, bootstrap: str, prefix: str, group: str) -> None:
        self.applied: list[AnyEvent] = []
        self.release = asyncio.Event()
        self.stop = asyncio.Event()
        self.consumer = EventConsumer(
            bootstrap, [topics.DOCUMENTS], group, self._apply, prefix=prefix
        )
        self.task = asyncio.create_task(self.consumer.run(self.stop))

    async def _apply(self, events: list[AnyEvent]) -> None:
        await self.release.wait()
        self.applied += events

    async def close(self) -> None:
        self.stop.set()
        self.release.set()
        await asyncio.wait_for(self.task, timeout=20)


async def _flag(consumer: EventConsumer) -> bool:
    return consumer.caught_up


async def _connected(consumer: EventConsumer) -> bool:
    return consumer.connected


async def test_caught_up_waits_for_the_events_present_at_start_up(
    broker: EmbeddedBroker, five_drafts: str
) -> None:
    member = Member(broker.bootstrap, five_drafts, f"g-{uuid.uuid4().hex[:6]}")
    try:
        await eventually(lambda: _connected(member.consumer), bool, timeout=30)
        # connected, but holding the first batch unapplied: not caught up
        assert not member.consumer.caught_up
        member.release.set()
        await eventually(lambda: _flag(member.consumer), bool, timeout=30)
        assert len(member.applied) == 5
    finally:
        await member.close()


async def test_a_member_joining_a_group_that_applied_everything_is_caught_up_at_once(
    broker: EmbeddedBroker, five_drafts: str
) -> None:
    """A second instance (``--scale``) shares the first one's database and progress."""
    group = f"g-{uuid.uuid4().hex[:6]}"
    first = Member(broker.bootstrap, five_drafts, group)
    first.release.set()
    try:
        await eventually(lambda: _flag(first.consumer), bool, timeout=30)
    finally:
        await first.close()
    second = Member(broker.bootstrap, five_drafts, group)
    try:
        await eventually(lambda: _flag(second.consumer), bool, timeout=30)
        assert second.applied == []
    finally:
        await second.close()


async def test_an_empty_topic_is_caught_up_as_soon_as_the_consumer_connects(
    broker: EmbeddedBroker, topic_prefix: str
) -> None:
    # the producer creates the topic (consumers never create what they read); nothing in it
    await ensure_topics(broker.bootstrap, [topics.DOCUMENTS], topic_prefix)
    member = Member(broker.bootstrap, topic_prefix, f"g-{uuid.uuid4().hex[:6]}")
    try:
        await eventually(lambda: _flag(member.consumer), bool, timeout=30)
        assert member.applied == []
    finally:
        await member.close()
