"""Events onto the broker as documents and feedback would publish them, for the aggregator."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from shared import events as ev
from shared.events.topics import topic_name


async def send_events(bootstrap: str, prefix: str, events: Sequence[ev.AnyEvent]) -> None:
    """Each event on its topic (documents.v1 or comments.v1) under its key, acknowledged."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for event in events:
            topic = (
                ev.topics.DOCUMENTS if event.type.startswith("document.") else ev.topics.COMMENTS
            )
            await producer.send_and_wait(
                topic_name(topic, prefix), ev.serialize_event(event), key=event.key.encode()
            )
    finally:
        await producer.stop()
