"""Consumer-group members that apply each batch of events in one transaction of the service's
database, recording the events there (``shared.idempotency``), before offsets are committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import unit_of_work
from shared.events import AnyEvent
from shared.kafka import BatchPreparer, EventConsumer
from shared.service_app import Runtime

ApplyBatch = Callable[[AsyncSession, Any], Awaitable[object]]


def transactional_consumer(
    runtime: Runtime,
    topics: Sequence[str],
    group_id: str,
    apply: ApplyBatch,
    *,
    after_commit: Callable[[], None] | None = None,
    max_records: int = 500,
    prepare: BatchPreparer | None = None,
) -> EventConsumer:
    """``apply`` each batch (up to ``max_records`` events) in one unit of work;
    ``after_commit`` (if any) once it committed. With ``prepare``, ``apply`` gets what it
    made of the events, made while the previous batch's transaction was under way."""

    async def handle(work: list[AnyEvent] | Any) -> None:
        async with unit_of_work(runtime.sessions) as session:
            await apply(session, work)
        if after_commit is not None:
            after_commit()

    settings = runtime.settings
    return EventConsumer(
        settings.kafka_bootstrap_servers,
        topics,
        group_id,
        handle,
        prefix=settings.topic_prefix,
        commit_timeout=settings.commit_timeout_seconds,
        max_records=max_records,
        prepare=prepare,
    )
