"""End to end over real HTTP, the real broker and real PostgreSQL: comment in, tally out."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from shared import events as ev
from shared import form_tokens
from shared.broker import EmbeddedBroker, free_port, start_broker
from shared.events.topics import topic_name
from tests.helpers import eventually
from tests.stack import Stack, StackFactory, section_id


class TestCommentToTally:
    async def test_a_comment_raises_its_section_and_every_ancestor(self, stack: Stack) -> None:
        document = await stack.publish_draft()
        target = ("Phần thứ nhất", "I", "1", "1.2")
        await stack.comment(document["id"], section_id(document, *target))
        tallies = await eventually(
            lambda: stack.tallies(document["id"]), lambda t: t.get(target) == 1
        )
        assert tallies[("Phần thứ nhất", "I", "1")] == 1
        assert tallies[("Phần thứ nhất", "I")] == 1
        assert tallies[("Phần thứ nhất",)] == 1
        assert tallies[("Phần thứ hai",)] == 0
        assert len(tallies) == len(document["sections"])

    async def test_people_are_counted_once_and_each_section_shows_its_text(
        self, stack: Stack
    ) -> None:
        """One person writing twice (the e-mail in two spellings) is one commenter of the
        part; a comment without contact details is its own. The workspace shows the draft's
        own words beside the comments."""
        document = await stack.publish_draft()
        part = section_id(document, "Phần thứ nhất", "I", "1")
        farming = section_id(document, "Phần thứ nhất", "I", "1", "1.1")
        industry = section_id(document, "Phần thứ nhất", "I", "1", "1.2")
        for section, contact in (
            (farming, {"email": "Lan.Tran@Example.vn"}),
            (industry, {"email": "lan.tran@example.vn"}),
            (industry, {}),
        ):
            body = {"document_id": document["id"], "section_id": section, "text": "Góp ý"}
            answer = await stack.client.post(
                f"{stack.url('feedback')}/api/comments", json={**body, **contact}
            )
            assert answer.status_code == 201, answer.text
        path = ("Phần thứ nhất", "I", "1")
        await eventually(lambda: stack.tallies(document["id"]), lambda t: t.get(path) == 3)
        pages = f"{stack.url('aggregator')}/tong-hop/d/{document['id']}/muc"
        html = (await stack.client.get(f"{pages}/{part}", headers=stack.auth)).text
        assert "3 ý kiến hợp lệ của 2 người góp ý" in html
        html = (await stack.client.get(f"{pages}/{industry}", headers=stack.auth)).text
        assert "2 ý kiến hợp lệ của 2 người góp ý" in html
        assert "<p>Giá trị sản xuất công nghiệp tăng bình quân 8%/năm.</p>" in html

    async def test_the_html_form_gives_a_receipt_and_is_counted(self, stack: Stack) -> None:
        document = await stack.publish_draft()
        section = section_id(document, "Phần thứ hai", "I")
        page = await stack.client.post(
            f"{stack.url('feedback')}/comments",
            data={
                "document_id": document["id"],
                "section_id": section,
                "text": "Góp ý qua biểu mẫu",
                # what the reading page embeds: a signed token bound to this document
                "form_token": form_tokens.issue(
                    stack.settings("feedback").signing_keys, uuid.UUID(document["id"])
                ),
            },
            follow_redirects=True,
        )
        assert page.status_code == 200 and "Mã biên nhận" in page.text
        await eventually(
            lambda: stack.tallies(document["id"]), lambda t: t.get(("Phần thứ hai", "I")) == 1
        )

    async def test_a_comment_is_tallied_within_a_second_p95(self, stack: Stack) -> None:
        """The promise "counted within a second", measured: 20 comments after warm-up, each
        timed from the request until the aggregator's API shows it (bound generous for a
        shared 2-core CI machine; the benchmark reports the real figure)."""
        document = await stack.publish_draft()
        path = ("Phần thứ nhất", "II")
        section = section_id(document, *path)

        async def one() -> float:
            before = (await stack.tallies(document["id"])).get(path, 0)
            started = time.perf_counter()
            await stack.comment(document["id"], section)
            deadline = started + 20
            while (await stack.tallies(document["id"])).get(path, 0) != before + 1:
                assert time.perf_counter() < deadline, "a comment was not tallied in 20 s"
                await asyncio.sleep(0.01)
            return time.perf_counter() - started

        for _ in range(3):  # warm-up: connections, the consumer's first fetch
            await one()
        latencies = sorted([await one() for _ in range(20)])
        p95 = latencies[18]  # the 19th of 20
        print(f"comment->tally over 20: median {statistics.median(latencies):.3f}s p95 {p95:.3f}s")
        assert p95 < 2.5, latencies


class TestExactlyOnce:
    async def test_the_same_event_delivered_twice_is_counted_once(
        self, stack: Stack, broker: EmbeddedBroker
    ) -> None:
        document = await stack.publish_draft()
        path = ("Phần thứ nhất", "II")
        duplicate = ev.CommentSubmitted(
            producer="test",
            payload=ev.CommentSubmittedPayload(
                comment_id=uuid.uuid4(),
                document_id=uuid.UUID(document["id"]),
                section_id=uuid.UUID(section_id(document, *path)),
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
                    topic_name(ev.topics.COMMENTS, stack.env["KAFKA_TOPIC_PREFIX"]),
                    ev.serialize_event(duplicate),
                    key=duplicate.key.encode(),
                )
        finally:
            await producer.stop()
        # Both copies are behind the consumer's committed position before anything is read.
        await stack.wait_consumed()
        tallies = await stack.tallies(document["id"])
        assert tallies[path] == 1
        assert tallies[("Phần thứ nhất",)] == 1

    async def test_an_aggregator_killed_mid_stream_ends_with_exact_totals(
        self, stack: Stack
    ) -> None:
        document = await stack.publish_draft()
        path = ("Phần thứ nhất", "I", "2")
        section = section_id(document, *path)
        sent = 0
        killed = asyncio.Event()

        async def send_all() -> None:
            # Until the aggregator is killed, then 20 more: however fast the intake and the
            # counting are, some comments are counted, more sent, and more still to come.
            nonlocal sent
            after = 0
            while after < 20 and sent < 5000:
                await stack.comment(document["id"], section, f"Ý kiến số {sent}")
                sent += 1
                after += killed.is_set()

        sender = asyncio.create_task(send_all())
        try:
            # Kill at a checked point: some counted, more sent (and more still to come).
            counted = await eventually(
                lambda: stack.tallies(document["id"]),
                lambda t: 0 < t.get(path, 0) < sent and not sender.done(),
                timeout=60,
            )
            stack.stop("aggregator", kill=True)
            killed.set()
            await sender
        finally:
            sender.cancel()
        total = sent
        assert 0 < counted[path] < total
        stack.start("aggregator")
        await stack.wait_consumed()
        final = await stack.tallies(document["id"])
        assert final[path] == total
        assert final[("Phần thứ nhất", "I")] == total
        assert final[("Phần thứ nhất",)] == total
        assert final[("Phần thứ hai",)] == 0


async def _rebuilt_from_topic(stack: Stack, document_id: str) -> dict[tuple[str, ...], int]:
    """Stop the aggregator, rebuild its projection from the topics alone, start it again."""
    from services.aggregator.rebuild import rebuild

    stack.stop("aggregator")
    await rebuild(stack.settings("aggregator"), lambda done, total: None)
    stack.start("aggregator")
    return await stack.tallies(document_id)


class TestRestartEverything:
    async def test_a_broker_that_forgets_everything_gets_every_event_again(
        self, make_stack: StackFactory
    ) -> None:
        """After the broker forgot every topic, the services publish their history again:
        a projection rebuilt from the topic alone holds the comments sent before."""
        port = free_port()
        broker = start_broker(port)
        stack = make_stack(broker.bootstrap).start()
        try:
            document = await stack.publish_draft()
            first = ("Phần thứ nhất", "I", "1", "1.1")
            for _ in range(3):
                await stack.comment(document["id"], section_id(document, *first))
            await eventually(lambda: stack.tallies(document["id"]), lambda t: t.get(first) == 3)
            stack.stop()
            broker.stop()  # Tansu forgets every topic, message and committed offset
            broker = start_broker(port)
            stack.start()
            second = ("Phần thứ hai", "I")
            await stack.comment(document["id"], section_id(document, second[0], second[1]))
            await eventually(lambda: stack.tallies(document["id"]), lambda t: t.get(second) == 1)
            # The aggregator's database still remembers the first three; the topic must too.
            rebuilt: dict[tuple[str, ...], Any] = await eventually(
                lambda: _rebuilt_from_topic(stack, document["id"]),
                lambda t: t.get(first) == 3 and t.get(second) == 1,
                timeout=60,
            )
            assert rebuilt[("Phần thứ nhất",)] == 3
            listed = (await stack.client.get(f"{stack.url('documents')}/api/documents")).json()
            assert [d["id"] for d in listed] == [document["id"]]
        finally:
            stack.stop()
            broker.stop()


class TestBrokerBlip:
    async def test_events_lost_in_a_restart_the_relay_never_saw_are_published_again(
        self, make_stack: StackFactory
    ) -> None:
        """The broker restarts between two relay batches: no send fails, yet it lost them."""
        port = free_port()
        broker = start_broker(port)
        stack = make_stack(broker.bootstrap).start()
        path = ("Phần thứ hai", "I")
        try:
            document = await stack.publish_draft()
            section = section_id(document, *path)
            await stack.comment(document["id"], section)
            await eventually(lambda: stack.tallies(document["id"]), lambda t: t.get(path) == 1)
            stack.stop("aggregator")  # what follows stays unconsumed on the broker
            for n in range(5):
                await stack.comment(document["id"], section, f"Trước sự cố {n}")
            # published (acked by the broker) before it goes: it is now on the topic only
            await eventually(stack.consumer_lag, lambda lag: lag == 5)
            broker.stop()
            broker = start_broker(port)  # back at once, empty
            await stack.comment(document["id"], section, "Ngay sau sự cố")
            stack.start("aggregator")
            await eventually(
                lambda: stack.tallies(document["id"]), lambda t: t.get(path) == 7, timeout=60
            )
            await stack.wait_consumed()
            rebuilt = await _rebuilt_from_topic(stack, document["id"])
            assert rebuilt[path] == 7
        finally:
            stack.stop()
            broker.stop()
