"""The aggregator forgets display names on the same day as the feedback service: both count
from the consultation's closing time (``closes_at``), whenever the close event arrived."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.aggregator import service
from services.aggregator.config import AggregatorSettings
from services.aggregator.models import AggregatedComment
from services.aggregator.retention import erase_display_names
from services.feedback.config import FeedbackSettings
from shared import events as ev
from shared.db import create_engine, session_factory, unit_of_work
from tests.factories import document_state, submitted


async def test_names_go_a_fixed_time_after_the_window_closed_not_after_the_close_event(
    clean_databases: dict[str, str],
) -> None:
    engine = create_engine(clean_databases["aggregator"])
    factory = session_factory(engine)
    state = document_state()
    assert state.closes_at is not None
    # the close event is published three months late: the cutoff does not move with it
    closed = ev.ConsultationClosed(
        producer="documents",
        payload=state.model_copy(update={"status": "closed"}),
        occurred_at=state.closes_at + timedelta(days=90),
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
    cutoff_day = state.closes_at + timedelta(days=30 * ev.PERSONAL_DATA_MONTHS)
    async with unit_of_work(factory) as session:
        months = ev.PERSONAL_DATA_MONTHS
        assert await erase_display_names(session, cutoff_day - timedelta(days=1), months) == 0
        assert await erase_display_names(session, cutoff_day + timedelta(days=1), months) == 1
    async with unit_of_work(factory) as session:
        row = await session.get(AggregatedComment, comment.payload.comment_id)
        assert row is not None and row.display_name is None and row.organisation is None
        assert row.text and (await service.tallies(session, state.document_id))[0].total == 1
    await engine.dispose()


def test_both_services_read_one_retention_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAL_DATA_MONTHS", "7")
    assert FeedbackSettings().personal_data_months == 7
    assert AggregatorSettings().personal_data_months == 7
