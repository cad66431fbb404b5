"""The lifecycle every service shares: engine, outbox relay, consumers, started in lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared import outbox
from shared.config import ServiceSettings
from shared.db import create_engine, is_sqlite, session_factory, unit_of_work
from shared.kafka import EventConsumer, KafkaProducerFactory
from shared.relay_process import RelayProcess
from shared.revocation import RevocationFeed, RevocationList, load_revocations
from shared.stuck import reported_if_slow
from shared.web import database_ready

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a running service holds; kept on ``app.state.runtime``."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    relay: outbox.OutboxRelay | RelayProcess | None = None
    producers: KafkaProducerFactory | None = None
    consumers: list[EventConsumer] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    revocations: RevocationList = field(default_factory=RevocationList)
    revocation_feed: RevocationFeed | None = None
    # For loops that retry a failed unit themselves (the outbox relay, feedback's group
    # committer): no ping before each checkout. ``sessions`` when not built by build_runtime.
    worker_sessions: async_sessionmaker[AsyncSession] | None = None
    worker_engine: AsyncEngine | None = None

    async def ready(self) -> dict[str, bool]:
        """What ``/readyz`` reports; ``shared.web.READY_GATES`` decide its status.

        Ready means able to serve users: the database answers, the consumers hold every
        event that existed when the service started, and the events it owed then are
        published (so a draft that documents shows is one feedback and the aggregator can
        learn). The last two stay true once reached: a later broker outage never turns
        public pages away.
        """
        checks = {
            "database": await database_ready(self.engine),
            "caught_up": all(c.caught_up for c in self.consumers),
            "published": self.relay is None or self.relay.backlog_sent,
        }
        if isinstance(self.relay, RelayProcess):
            checks["broker"] = self.relay.connected
        elif self.producers is not None:
            checks["broker"] = self.producers.connected or self.relay is None
        if self.consumers:
            checks["consumers"] = all(c.connected for c in self.consumers)
        return checks


def build_runtime(settings: ServiceSettings, produces: Sequence[str] = ()) -> Runtime:
    """Engine and, for a service that publishes, an outbox relay re-publishing lost topics."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    runtime = Runtime(settings=settings, engine=engine, sessions=sessions)
    runtime.worker_sessions = sessions
    if not is_sqlite(settings.database_url):
        # The pool's ping is three round trips (BEGIN, ";", ROLLBACK) per checkout, about 7 %
        # of a comment when the relay and the committer check out a connection per group
        # (issue 15). Both retry a failed unit: a connection the database dropped fails that
        # unit's first statement, the pool is invalidated, and the retry gets a new one.
        runtime.worker_engine = create_engine(
            settings.database_url, pool_pre_ping=False, pool_size=2, max_overflow=2
        )
        runtime.worker_sessions = session_factory(runtime.worker_engine)
    # every service refuses revoked staff tokens; the aggregator publishes them on staff.v1
    # kept out of ``consumers`` so a broker outage never makes public pages "not ready"
    runtime.revocation_feed = RevocationFeed(settings, runtime.revocations, sessions)
    if produces and settings.relay_in_own_process and not is_sqlite(settings.database_url):
        runtime.relay = RelayProcess(settings, produces)
    elif produces:
        runtime.producers, runtime.relay = outbox_relay(settings, runtime.worker_sessions, produces)
    return runtime


def outbox_relay(
    settings: ServiceSettings,
    sessions: async_sessionmaker[AsyncSession],
    produces: Sequence[str],
) -> tuple[KafkaProducerFactory, outbox.OutboxRelay]:
    """The producers and the relay publishing ``produces``' outbox rows (in this process or,
    ``shared.relay_process``, in the relay's own); a topic the broker lost is re-published."""

    async def republish(created: set[str]) -> None:
        async with unit_of_work(sessions) as session:
            for topic in created:
                count = await outbox.mark_all_unsent(session, topic)
                log.warning("topic %s was missing: re-publishing %d events", topic, count)

    producers = KafkaProducerFactory(
        settings.kafka_bootstrap_servers,
        produces,
        prefix=settings.topic_prefix,
        on_created=republish,
        recreate_mismatched=settings.kafka_recreate_mismatched_topics,
    )
    relay = outbox.OutboxRelay(
        sessions,
        producers,
        database_url=settings.database_url,
        topic_prefix=settings.topic_prefix,
        interval=settings.relay_interval_seconds,
        linger=settings.relay_linger_seconds,
    )
    return producers, relay


# The cyclic garbage collector's thresholds while a service runs (Python's: 700, 10, 10).
SERVING_GC_THRESHOLDS = (10_000, 50, 20)


@contextlib.contextmanager
def collected_rarely() -> Iterator[None]:
    """While serving: start-up's objects frozen, cycles collected less often.

    The collector took 7–9 % of the feedback service's CPU under load (issue 15), most of
    it walking objects that start-up made and that live as long as the process (modules,
    the ORM's metadata, templates), and a young generation of 700 objects was collected
    several times per comment although nearly all of them are freed by their reference
    counts first. ``gc.freeze`` moves what exists now out of the collector's sight; at
    10,000 allocations a young collection is rare and finds the few cycles all the same.
    Undone on exit, so tests that start and stop apps leave the collector as they found it.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SERVING_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


@contextlib.asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[Runtime]:
    """Start the relay and consumers as background tasks; stop them cleanly on exit."""
    # revocations learnt before a restart apply from the first request on
    await load_revocations(runtime.sessions, runtime.revocations)
    if runtime.relay is not None:
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(runtime.stop)))
    for consumer in runtime.consumers:
        runtime.tasks.append(asyncio.create_task(consumer.run(runtime.stop)))
    if runtime.revocation_feed is not None:
        runtime.tasks.append(asyncio.create_task(runtime.revocation_feed.run(runtime.stop)))
    try:
        with collected_rarely():
            yield runtime
    finally:
        with reported_if_slow("stopping the background tasks"):
            runtime.stop.set()
            for task in runtime.tasks:
                task.cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)
            if runtime.producers is not None:
                await runtime.producers.reset()
            await runtime.engine.dispose()
            if runtime.worker_engine is not None:
                await runtime.worker_engine.dispose()


Job = Callable[[AsyncSession], Awaitable[int]]


async def run_periodically(runtime: Runtime, name: str, interval: float, job: Job) -> None:
    """Run ``job`` in its own transaction now and every ``interval`` seconds until stopped."""
    while not runtime.stop.is_set():
        try:
            async with unit_of_work(runtime.sessions) as session:
                changed = await job(session)
            if changed:
                log.info("%s: %d rows changed", name, changed)
        except Exception as exc:  # a busy database delays the job; it never stops the service
            log.warning("%s failed: %s", name, exc)
        try:
            await asyncio.wait_for(runtime.stop.wait(), timeout=interval)
        except TimeoutError:
            pass


def start_periodic(runtime: Runtime, name: str, interval: float, job: Job) -> None:
    runtime.tasks.append(asyncio.create_task(run_periodically(runtime, name, interval, job)))
