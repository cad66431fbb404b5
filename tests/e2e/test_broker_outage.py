"""With the broker down, citizens' comments are still accepted at once; when it returns,
every one reaches the aggregator exactly once (outbox, idempotent consumer)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from shared.broker import EmbeddedBroker, free_port, start_broker
from shared.db import create_engine
from tests.e2e._stack import Stack, start_stack
from tests.helpers import eventually


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[list[EmbeddedBroker]]:
    """A broker of this test's own, on a fixed port so it can be restarted in place."""
    brokers = [start_broker(free_port(), log_file=tmp_path / "broker.log")]
    yield brokers
    for broker in brokers:
        broker.stop()


@pytest.fixture
def stack(
    clean_databases: dict[str, str],
    own_broker: list[EmbeddedBroker],
    topic_prefix: str,
    tmp_path: Path,
) -> Iterator[Stack]:
    running = start_stack(clean_databases, own_broker[0].bootstrap, topic_prefix, tmp_path)
    yield running
    running.stop()


def _total(tallies: list[dict]) -> int:
    return sum(t["total"] for t in tallies if len(t["path"]) == 1)


async def _aggregated_comments(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(
                (await conn.execute(text("SELECT count(*) FROM aggregator_comments"))).scalar_one()
            )
    finally:
        await engine.dispose()


async def _unsent(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            query = text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_comments_are_accepted_while_the_broker_is_down_and_counted_once_after(
    stack: Stack, own_broker: list[EmbeddedBroker], clean_databases: dict[str, str]
) -> None:
    document = await stack.open_document()
    sections = [s for s in document["sections"] if s["level"] >= 2]
    async with httpx.AsyncClient(base_url=stack.feedback.url, timeout=10) as client:

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
        assert await _unsent(clean_databases["feedback"]) == 12

        async def broker_ready() -> bool:
            return bool((await client.get("/readyz")).json().get("broker"))

        # A real outage: the relay has noticed (its sends timed out and it dropped its
        # producer) before the broker returns, empty, on the same address.
        await eventually(broker_ready, lambda ready: not ready, timeout=60)
        own_broker.append(start_broker(port))
        await eventually(lambda: _unsent(clean_databases["feedback"]), lambda n: n == 0, 60)
        tallies = await eventually(
            lambda: stack.tallies(document["id"]), lambda t: _total(t) == 13, timeout=60
        )

    # Exactly once: the re-published history (the broker forgot it) was not counted again.
    assert await _aggregated_comments(clean_databases["aggregator"]) == 13
    assert _total(await stack.tallies(document["id"])) == 13
    by_id = {t["section_id"]: t["total"] for t in tallies}
    for section in sections:
        expected = sum(1 for n in range(13) if sections[n % len(sections)]["id"] == section["id"])
        if section["level"] == max(s["level"] for s in sections):
            assert by_id[section["id"]] == expected
