"""With the broker down, citizens' comments are still accepted at once; when it returns,
every one reaches the aggregator exactly once (outbox, idempotent consumer)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.broker import EmbeddedBroker, free_port, start_broker
from tests.helpers import eventually
from tests.stack import Stack, StackFactory


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[list[EmbeddedBroker]]:
    """A broker of this test's own, on a fixed port so it can be restarted in place."""
    brokers = [start_broker(free_port(), log_file=tmp_path / "broker.log")]
    yield brokers
    for broker in brokers:
        broker.stop()


@pytest.fixture
def stack(make_stack: StackFactory, own_broker: list[EmbeddedBroker]) -> Stack:
    return make_stack(own_broker[0].bootstrap).start()


def _total(tallies: dict[tuple[str, ...], int]) -> int:
    return sum(total for path, total in tallies.items() if len(path) == 1)


async def test_comments_are_accepted_while_the_broker_is_down_and_counted_once_after(
    stack: Stack, own_broker: list[EmbeddedBroker]
) -> None:
    document = await stack.publish_draft()
    sections = [s for s in document["sections"] if s["level"] >= 2]
    async with httpx.AsyncClient(base_url=stack.url("feedback"), timeout=10) as client:

        async def comment(n: int) -> httpx.Response:
            section = sections[n % len(sections)]
            body = {
                "document_id": document["id"],
                "section_id": section["id"],
                "text": f"Ý kiến số {n} về mục {section['number']}",
            }
            return await client.post("/api/comments", json=body)

        assert (await comment(0)).status_code == 201
        await eventually(lambda: stack.tallies(document["id"]), lambda t: _total(t) == 1, 60)

        port = own_broker[0].port
        own_broker[0].stop()
        latencies = []
        for n in range(1, 13):
            started = time.perf_counter()
            response = await comment(n)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
        # The outage never slows a citizen down: no request waited on the broker.
        assert max(latencies) < 2.0, latencies
        assert (await client.get("/healthz")).status_code == 200

        async def broker_ready() -> bool:
            return bool((await client.get("/readyz")).json().get("broker"))

        # A real outage: the relay has noticed (its sends timed out and it dropped its
        # producer) before the broker returns, empty, on the same address.
        await eventually(broker_ready, lambda ready: not ready, timeout=60)
        own_broker.append(start_broker(port))
        await eventually(lambda: stack.tallies(document["id"]), lambda t: _total(t) == 13, 60)

    # Exactly once: once the consumer has read to the end of the topic, which holds the whole
    # history again (the broker forgot it), nothing was counted twice.
    await stack.wait_consumed()
    rows = await stack.tally_rows(document["id"])
    assert sum(row["total"] for row in rows if len(row["path"]) == 1) == 13
    by_id = {row["section_id"]: row["total"] for row in rows}
    deepest = max(s["level"] for s in sections)
    for section in sections:
        expected = sum(1 for n in range(13) if sections[n % len(sections)]["id"] == section["id"])
        if section["level"] == deepest:
            assert by_id[section["id"]] == expected
