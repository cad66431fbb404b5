"""End to end over real HTTP, the real broker and real PostgreSQL: comment in, tally out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared import events as ev
from shared import form_tokens
from shared.broker import EmbeddedBroker, free_port, start_broker
from shared.config import ServiceSettings
from shared.events.topics import topic_name
from tests.e2e.stack import Stack, stack_env
from tests.helpers import eventually


@pytest.fixture
def stack(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> Iterator[Stack]:
    running = Stack(stack_env(clean_databases, broker.bootstrap, topic_prefix), tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as c:
        yield c


def _section(document: dict, *path: str) -> str:
    return next(s["id"] for s in document["sections"] if tuple(s["path"]) == path)


class TestCommentToTally:
    async def test_a_comment_raises_its_section_and_every_ancestor(
        self, stack: Stack, client: httpx.AsyncClient
    ) -> None:
        document = await stack.publish_draft(client)
        target = ("Phần thứ nhất", "I", "1", "1.2")
        await stack.comment(client, document["id"], _section(document, *target))
        tallies = await eventually(
            lambda: stack.tallies(client, document["id"]), lambda t: t.get(target) == 1
        )
        assert tallies[("Phần thứ nhất", "I", "1")] == 1
        assert tallies[("Phần thứ nhất", "I")] == 1
        assert tallies[("Phần thứ nhất",)] == 1
        assert tallies[("Phần thứ hai",)] == 0
        assert len(tallies) == len(document["sections"])

    async def test_the_html_form_gives_a_receipt_and_is_counted(
        self, stack: Stack, client: httpx.AsyncClient
    ) -> None:
        document = await stack.publish_draft(client)
        section = _section(document, "Phần thứ hai", "I")
        await stack.comment(client, document["id"], None)  # waits until feedback knows the draft
        page = await client.post(
            f"{stack.url('feedback')}/comments",
            data={
                "document_id": document["id"],
                "section_id": section,
                "text": "Góp ý qua biểu mẫu",
                # what the reading page embeds: a signed token bound to this document
                "form_token": form_tokens.issue(
                    ServiceSettings().signing_keys, uuid.UUID(document["id"])
                ),
            },
            follow_redirects=True,
        )
        assert page.status_code == 200 and "Mã biên nhận" in page.text
        await eventually(
            lambda: stack.tallies(client, document["id"]),
            lambda t: t.get(("Phần thứ hai", "I")) == 1,
        )


class TestExactlyOnce:
    async def test_the_same_event_delivered_twice_is_counted_once(
        self, stack: Stack, client: httpx.AsyncClient, broker: EmbeddedBroker, topic_prefix: str
    ) -> None:
        document = await stack.publish_draft(client)
        state = ev.DocumentState(document_id=document["id"], slug="x", title="x", status="open")
        section = _section(document, "Phần thứ nhất", "II")
        duplicate = ev.CommentSubmitted(
            producer="test",
            payload=ev.CommentSubmittedPayload(
                comment_id=__import__("uuid").uuid4(),
                document_id=state.document_id,
                section_id=section,
                channel="email",
                text="Gửi hai lần",
                submitted_at=ev.utcnow(),
            ),
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=broker.bootstrap, acks="all", enable_idempotence=False
        )
        await producer.start()
        try:
            for _ in range(2):
                await producer.send_and_wait(
                    topic_name(ev.topics.COMMENTS, topic_prefix),
                    ev.serialize_event(duplicate),
                    key=duplicate.key.encode(),
                )
        finally:
            await producer.stop()
        await stack.comment(
            client, document["id"], _section(document, "Phần thứ hai")
        )  # a later marker
        tallies = await eventually(
            lambda: stack.tallies(client, document["id"]), lambda t: t.get(("Phần thứ hai",)) == 1
        )
        assert tallies[("Phần thứ nhất", "II")] == 1

    async def test_an_aggregator_killed_mid_stream_ends_with_exact_totals(
        self, stack: Stack, client: httpx.AsyncClient
    ) -> None:
        document = await stack.publish_draft(client)
        section = _section(document, "Phần thứ nhất", "I", "2")
        for n in range(15):
            await stack.comment(client, document["id"], section, f"Ý kiến số {n}")
        stack.stop("aggregator", kill=True)
        for n in range(15, 30):
            await stack.comment(client, document["id"], section, f"Ý kiến số {n}")
        stack.start("aggregator")
        await eventually(
            lambda: stack.tallies(client, document["id"]),
            lambda t: t.get(("Phần thứ nhất", "I", "2")) == 30,
            timeout=40,
        )
        await stack.comment(client, document["id"], None)  # a marker after everything else
        final = await eventually(
            lambda: stack.tallies(client, document["id"]), lambda t: sum(t.values()) >= 0
        )
        assert final[("Phần thứ nhất", "I", "2")] == 30
        assert final[("Phần thứ nhất",)] == 30


class TestRestartEverything:
    async def test_a_broker_that_forgets_everything_loses_no_document_comment_or_tally(
        self,
        clean_databases: dict[str, str],
        topic_prefix: str,
        tmp_path: Path,
        client: httpx.AsyncClient,
    ) -> None:
        port = free_port()
        broker = start_broker(port)
        stack = Stack(stack_env(clean_databases, broker.bootstrap, topic_prefix), tmp_path).start()
        try:
            document = await stack.publish_draft(client)
            first = _section(document, "Phần thứ nhất", "I", "1", "1.1")
            for _ in range(3):
                await stack.comment(client, document["id"], first)
            await eventually(
                lambda: stack.tallies(client, document["id"]),
                lambda t: t.get(("Phần thứ nhất", "I", "1", "1.1")) == 3,
            )
            stack.stop()
            broker.stop()  # Tansu forgets every topic, message and committed offset
            broker = start_broker(port)
            stack.start()
            second = _section(document, "Phần thứ hai", "I")
            await stack.comment(client, document["id"], second)
            tallies = await eventually(
                lambda: stack.tallies(client, document["id"]),
                lambda t: t.get(("Phần thứ hai", "I")) == 1,
                timeout=40,
            )
            assert tallies[("Phần thứ nhất", "I", "1", "1.1")] == 3
            listed = (await client.get(f"{stack.url('documents')}/api/documents")).json()
            assert [d["id"] for d in listed] == [document["id"]]
        finally:
            stack.stop()
            broker.stop()


class TestBrokerBlip:
    async def test_events_lost_in_a_restart_the_relay_never_saw_are_published_again(
        self,
        clean_databases: dict[str, str],
        topic_prefix: str,
        tmp_path: Path,
        client: httpx.AsyncClient,
    ) -> None:
        """The broker restarts between two relay batches: no send fails, yet it lost them."""
        from sqlalchemy import func, select

        from shared.db import create_engine
        from shared.outbox import OutboxMessage

        port = free_port()
        broker = start_broker(port)
        stack = Stack(stack_env(clean_databases, broker.bootstrap, topic_prefix), tmp_path).start()
        engine = create_engine(clean_databases["feedback"])

        async def unsent() -> int:
            async with engine.connect() as conn:
                query = (
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        OutboxMessage.sent_at.is_(None)  # type: ignore[union-attr]
                    )
                )
                return int((await conn.execute(query)).scalar_one())

        try:
            document = await stack.publish_draft(client)
            section = _section(document, "Phần thứ hai", "I")
            await stack.comment(client, document["id"], section)
            await eventually(
                lambda: stack.tallies(client, document["id"]),
                lambda t: t.get(("Phần thứ hai", "I")) == 1,
            )
            stack.stop("aggregator")  # what follows stays unconsumed on the broker
            for n in range(5):
                await stack.comment(client, document["id"], section, f"Trước sự cố {n}")
            await eventually(unsent, lambda count: count == 0)
            broker.stop()
            broker = start_broker(port)  # back at once, empty
            await stack.comment(client, document["id"], section, "Ngay sau sự cố")
            stack.start("aggregator")
            await eventually(
                lambda: stack.tallies(client, document["id"]),
                lambda t: t.get(("Phần thứ hai", "I")) == 7,
                timeout=60,
            )
        finally:
            await engine.dispose()
            stack.stop()
            broker.stop()
