"""The outbox relay in its own process: woken by commits, started again when it dies, gone
when its service is gone. Real PostgreSQL, the real broker, real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from services.feedback.config import FeedbackSettings
from shared import outbox
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import CommentStatusPayload, CommentWithdrawn, topics
from shared.outbox import OutboxMessage
from shared.relay_process import RelayProcess
from tests.helpers import eventually
from tests.stack import StackFactory

pytestmark = pytest.mark.usefixtures("clean_databases")


async def _store_events(url: str, n: int) -> None:
    engine = create_engine(url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            for _ in range(n):
                event = CommentWithdrawn(
                    producer="test",
                    payload=CommentStatusPayload(comment_id=uuid.uuid4(), document_id=uuid.uuid4()),
                )
                outbox.add(session, topics.COMMENTS, event)
    finally:
        await engine.dispose()


async def _unsent(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).select_from(OutboxMessage)
            query = query.where(col(OutboxMessage.sent_at).is_(None))
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


@pytest.fixture
async def relay(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AsyncIterator[RelayProcess]:
    """A relay child for the feedback database whose own timer (30 s) never fires in a test:
    only a wake-up, or a start, makes it publish."""
    settings = FeedbackSettings(
        database_url=clean_databases["feedback"],
        kafka_bootstrap_servers=broker.bootstrap,
        topic_prefix=topic_prefix,
        relay_interval_seconds=30.0,
    )
    process = RelayProcess(settings, [topics.COMMENTS])
    stop = asyncio.Event()
    runner = asyncio.create_task(process.run(stop))
    try:
        yield process
    finally:
        stop.set()
        await asyncio.wait_for(runner, 30)


async def _pid(relay: RelayProcess) -> int | None:
    return relay.pid


async def test_a_commit_wakes_the_relay_process_and_readiness_follows_it(
    relay: RelayProcess, clean_databases: dict[str, str]
) -> None:
    url = clean_databases["feedback"]

    async def ready() -> tuple[bool, bool]:
        return relay.backlog_sent, relay.connected

    await eventually(ready, lambda state: state == (True, True), timeout=30)
    await _store_events(url, 25)
    relay.notify()
    # well within the relay's own 30 s: it was woken
    assert await eventually(lambda: _unsent(url), lambda n: n == 0, timeout=10) == 0


async def test_a_killed_relay_process_is_started_again(
    relay: RelayProcess, clean_databases: dict[str, str]
) -> None:
    url = clean_databases["feedback"]
    first = await eventually(lambda: _pid(relay), lambda pid: pid is not None, timeout=30)
    assert first is not None
    os.kill(first, signal.SIGKILL)
    await _store_events(url, 10)  # stored while no relay runs
    await eventually(lambda: _pid(relay), lambda pid: pid not in (None, first), timeout=30)
    assert relay.started == 2
    # a relay publishes what it finds at its start
    assert await eventually(lambda: _unsent(url), lambda n: n == 0, timeout=30) == 0


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def test_the_relay_process_ends_with_its_service(make_stack: StackFactory) -> None:
    """SIGKILL of the feedback process alone (not its group): its relay stops by itself."""
    stack = make_stack().start("feedback")
    service = stack.processes["feedback"]
    assert service.process is not None
    parent = service.process.pid

    async def broker_seen() -> bool:
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"{stack.url('feedback')}/readyz", timeout=10)
        return bool(answer.json().get("broker"))

    # the service tells the relay's view of the broker (readiness) from the child's reports
    assert await eventually(broker_seen, bool, timeout=30)

    async def children() -> list[int]:
        return _children(parent)

    [child] = await eventually(children, lambda found: len(found) == 1, timeout=30)
    os.kill(parent, signal.SIGKILL)
    service.process.wait(10)

    async def alive() -> bool:
        return _alive(child)

    assert await eventually(alive, lambda running: not running, timeout=15) is False
    service.stop()
