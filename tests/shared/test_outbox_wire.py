"""The relay publishes each stored event body as it is stored: serialize_event's bytes,
through a real database (PostgreSQL and SQLite) and the real broker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from shared import migrate, outbox
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import (
    CommentSubmitted,
    CommentSubmittedPayload,
    serialize_event,
    topics,
    utcnow,
)
from shared.events.topics import topic_name
from shared.kafka import KafkaProducerFactory


def _event(n: int) -> CommentSubmitted:
    return CommentSubmitted(
        producer="feedback",
        payload=CommentSubmittedPayload(
            comment_id=uuid.uuid4(),
            document_id=uuid.uuid4(),
            section_id=None,
            channel="web",
            text=f'Góp ý số {n}: “hạ tầng” & điều 5\nđề nghị bỏ \\ và "trích dẫn".',
            display_name="Nguyễn Văn A" if n % 2 else None,
            submitted_at=utcnow(),
            commenter_key="k" * 32,
        ),
    )


@pytest.fixture(params=["postgresql", "sqlite"])
def feedback_url(
    request: pytest.FixtureRequest, clean_databases: dict[str, str], tmp_path: Path
) -> str:
    if request.param == "postgresql":
        return clean_databases["feedback"]
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedback.db'}"
    migrate.upgrade("feedback", url)
    return url


async def test_published_bytes_are_serialize_event_s(
    feedback_url: str, broker: EmbeddedBroker, topic_prefix: str
) -> None:
    events = [_event(n) for n in range(5)]
    engine = create_engine(feedback_url)
    sessions = session_factory(engine)
    producers = KafkaProducerFactory(broker.bootstrap, [topics.COMMENTS], prefix=topic_prefix)
    consumer = AIOKafkaConsumer(
        topic_name(topics.COMMENTS, topic_prefix),
        bootstrap_servers=broker.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        async with unit_of_work(sessions) as session:
            outbox.stage(session, topics.COMMENTS, events[0])  # the intake's way
            for event in events[1:]:
                outbox.add(session, topics.COMMENTS, event)  # the ORM's way
        relay = outbox.OutboxRelay(
            sessions, producers, database_url=feedback_url, topic_prefix=topic_prefix
        )
        assert await relay.publish_pending() == len(events)
        await consumer.start()
        received: dict[bytes, bytes] = {}
        while len(received) < len(events):
            batches = await consumer.getmany(timeout_ms=10_000)
            assert batches, "the relay's events did not reach the broker"
            for records in batches.values():
                received.update((r.key, r.value) for r in records if r.key and r.value)
        assert received == {e.key.encode(): serialize_event(e) for e in events}
    finally:
        await consumer.stop()
        await producers.reset()
        await engine.dispose()
