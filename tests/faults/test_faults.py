"""Faults under a steady load, with real processes and real kills (DESIGN.md section 3):
every comment that got a receipt is stored once and counted exactly once, soon after."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text

from shared.broker import free_port, start_broker
from shared.db import create_engine, is_sqlite
from shared.events import topics
from shared.events.topics import group_name, topic_name
from tests.faults.conftest import smtp_env
from tests.faults.load import Load, Reckoning, reckon
from tests.helpers import eventually
from tests.service_process import ServiceProcess
from tests.stack import Stack, StackFactory, end_offsets

WITHIN = 60  # seconds after the fault ends until the totals must be exact


async def _loaded(stack: Stack) -> Load:
    document = await stack.publish_draft()
    load = Load(stack, document).start()
    await load.until_receipts(30)
    return load


def _check(result: Reckoning, record: list[Reckoning]) -> None:
    record.append(result)
    assert result.lost == 0 and result.duplicated == 0, result
    assert result.stored == result.receipts, result
    assert result.receipts <= result.counted <= result.receipts + result.unanswered, result
    assert result.seconds_to_exact < WITHIN, result


async def test_the_broker_killed_and_restarted_mid_load(
    make_stack: StackFactory, record: list[Reckoning]
) -> None:
    """Tansu forgets everything when it stops: recovery re-publishes from the databases."""
    port = free_port()
    broker = start_broker(port)
    stack = make_stack(broker.bootstrap, **smtp_env()).start()
    try:
        load = await _loaded(stack)
        broker.process.kill()
        broker.process.wait()
        await asyncio.sleep(2)  # the outage itself, as measured on `make run`
        broker = start_broker(port)
        back = time.monotonic()
        await load.until_receipts(30)
        await load.stop()
        _check(await reckon("broker SIGKILL, back empty 2 s later", load, back, WITHIN), record)
    finally:
        stack.stop()
        broker.stop()


async def test_the_aggregator_killed_mid_batch_and_restarted(
    stack: Stack, record: list[Reckoning]
) -> None:
    load = await _loaded(stack)

    def mid_stream(tallies: dict[tuple[str, ...], int]) -> bool:
        counted = sum(n for path, n in tallies.items() if len(path) == 1)
        return 0 < counted < load.given

    # killed at a checked point: some counted, more receipted (and more still coming)
    await eventually(lambda: stack.tallies(load.document["id"]), mid_stream)
    stack.stop("aggregator", kill=True)
    await load.until_receipts(30)  # comments keep coming while it is dead
    stack.start("aggregator")
    back = time.monotonic()
    await load.until_receipts(30)
    await load.stop()
    _check(await reckon("aggregator SIGKILL mid-stream, restarted", load, back, WITHIN), record)


MARK_SLOWLY = """CREATE OR REPLACE FUNCTION gopy_mark_slowly() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$"""
MARK_TRIGGER = """CREATE TRIGGER gopy_mark_slowly BEFORE UPDATE ON outbox FOR EACH ROW
WHEN (OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL) EXECUTE FUNCTION gopy_mark_slowly()"""
MARKING = """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
AND state = 'active' AND query ILIKE 'UPDATE outbox%'"""


@pytest.fixture
async def feedback_db(stack: Stack) -> AsyncIterator[object]:
    url = stack.env["FEEDBACK_DATABASE_URL"]
    assert not is_sqlite(url), "this fault is injected with PostgreSQL triggers (as CI runs)"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    async with engine.connect() as conn:
        await conn.execute(text("DROP TRIGGER IF EXISTS gopy_mark_slowly ON outbox"))
    await engine.dispose()


async def test_the_relay_killed_between_publish_and_mark_as_sent(
    stack: Stack, feedback_db: object, record: list[Reckoning]
) -> None:
    """The feedback process dies after the broker acknowledged a batch and before the rows
    were marked sent: on restart it publishes them again, and the aggregator absorbs that."""
    engine = feedback_db
    load = await _loaded(stack)
    async with engine.connect() as conn:  # type: ignore[attr-defined]
        await conn.execute(text(MARK_SLOWLY))
        await conn.execute(text(MARK_TRIGGER))

        async def marking() -> list[int]:
            return [r[0] for r in await conn.execute(text(MARKING))]

        # the relay has published its batch and now waits in "mark as sent"
        [pid] = await eventually(marking, lambda pids: len(pids) == 1, timeout=30)
        stack.stop("feedback", kill=True)
        # ended before the trigger is dropped: DROP TRIGGER would wait 30 s for each row
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await conn.execute(text("DROP TRIGGER gopy_mark_slowly ON outbox"))
    stack.start("feedback")
    back = time.monotonic()
    await load.until_receipts(30)
    await load.stop()
    await stack.wait_consumed()
    # the killed batch really went out twice: the topic holds more events than comments
    name = topic_name(topics.COMMENTS, stack.env["KAFKA_TOPIC_PREFIX"])
    partitions = [TopicPartition(name, p) for p in range(topics.PARTITIONS[topics.COMMENTS])]
    published = sum((await end_offsets(stack.env["KAFKA_BOOTSTRAP_SERVERS"], partitions)).values())
    assert published > load.given, (published, load.given)
    _check(
        await reckon("relay SIGKILL between publish and mark-as-sent", load, back, WITHIN), record
    )


async def test_the_feedback_service_killed_mid_request(
    stack: Stack, record: list[Reckoning]
) -> None:
    """Killed while requests are in flight: those may or may not be stored (nobody was told
    either way), everything receipted is stored, nothing is counted twice."""
    load = await _loaded(stack)

    async def in_flight() -> int:
        return load.in_flight

    await eventually(in_flight, lambda n: n > 0)
    stack.stop("feedback", kill=True)
    errors = load.errors
    await eventually(lambda: _value(load.errors), lambda n: n >= errors + 10)  # it is gone
    stack.start("feedback")
    back = time.monotonic()
    await load.until_receipts(30)
    await load.stop()
    _check(await reckon("feedback SIGKILL mid-request, restarted", load, back, WITHIN), record)


async def _value(value: int) -> int:
    return value


async def group_members(stack: Stack) -> int:
    """How many aggregators the broker counts in their consumer group (Tansu 0.6 answers
    DescribeGroups without the members' assignments, so only the number is asked)."""
    prefix = stack.env["KAFKA_TOPIC_PREFIX"]
    group = group_name(stack.env["AGGREGATOR_CONSUMER_GROUP"], prefix)
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.env["KAFKA_BOOTSTRAP_SERVERS"])
    await admin.start()
    try:
        [description] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    return len(description.to_object()["groups"][0]["members"])


async def test_one_of_two_aggregators_killed(
    stack: Stack, tmp_path: Path, record: list[Reckoning]
) -> None:
    """Two aggregators share the consumer group; one dies mid-stream and the other takes its
    partitions over (a rebalance): the totals end exact."""
    second = ServiceProcess("aggregator", stack.env, tmp_path).start()
    try:
        load = await _loaded(stack)
        # both share the work: two members of one group, six partitions between them
        await eventually(lambda: group_members(stack), lambda n: n == 2, timeout=30)

        def mid_stream(tallies: dict[tuple[str, ...], int]) -> bool:
            counted = sum(n for path, n in tallies.items() if len(path) == 1)
            return 0 < counted < load.given

        await eventually(lambda: stack.tallies(load.document["id"]), mid_stream)
        second.stop(kill=True)
        back = time.monotonic()
        await load.until_receipts(30)
        await load.stop()
        result = await reckon("one of two aggregators SIGKILL (rebalance)", load, back, WITHIN)
        _check(result, record)
        assert await group_members(stack) == 1  # the dead one left the group: a rebalance
    finally:
        second.stop()
