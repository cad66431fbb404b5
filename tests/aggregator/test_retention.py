"""The aggregator forgets display names on the same schedule as the feedback service."""

from __future__ import annotations

from datetime import timedelta

from services.aggregator import service
from services.aggregator.models import AggregatedComment
from services.aggregator.retention import erase_display_names
from shared import events as ev
from shared.db import create_engine, session_factory, unit_of_work
from tests.factories import document_state, submitted


async def test_names_on_a_long_closed_document_are_erased(clean_databases: dict[str, str]) -> None:
    engine = create_engine(clean_databases["aggregator"])
    factory = session_factory(engine)
    state = document_state()
    closed = ev.ConsultationClosed(
        producer="documents", payload=state.model_copy(update={"status": "closed"})
    )
    comment = submitted(state, 0)
    comment = comment.model_copy(
        update={
            "payload": comment.payload.model_copy(
                update={"display_name": "Lò Văn Hùng", "organisation": "Chi bộ 2"}
            )
        }
    )
    async with unit_of_work(factory) as session:
        await service.apply_events(session, [closed, comment])
    async with unit_of_work(factory) as session:
        year = timedelta(days=360)
        assert (
            await erase_display_names(session, closed.occurred_at + timedelta(days=10), year) == 0
        )
        assert (
            await erase_display_names(session, closed.occurred_at + timedelta(days=361), year) == 1
        )
    async with unit_of_work(factory) as session:
        row = await session.get(AggregatedComment, comment.payload.comment_id)
        assert row is not None and row.display_name is None and row.organisation is None
        assert row.text and (await service.tallies(session, state.document_id))[0].total == 1
    await engine.dispose()
