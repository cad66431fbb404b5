"""The aggregator's projection: applied once, rolled up the tree, zeros included."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator import service
from shared import events as ev
from shared.db import create_engine, session_factory, unit_of_work
from tests.factories import document_state, published, submitted


async def _apply(session: AsyncSession, events: list[ev.AnyEvent]) -> None:
    await service.apply_events(session, events)
    await session.commit()


class TestTallies:
    async def test_every_section_is_listed_with_zeros(self, session: AsyncSession) -> None:
        state = document_state(sections=5)
        await _apply(session, [published(state)])
        rows = await service.tallies(session, state.document_id)
        assert [r.path for r in rows] == [s.path for s in state.sections]
        assert all(r.total == 0 and r.by_channel == {"web": 0, "email": 0, "post": 0} for r in rows)

    async def test_a_comment_counts_for_its_section_and_every_ancestor(
        self, session: AsyncSession
    ) -> None:
        state = document_state(sections=4)
        await _apply(session, [published(state), submitted(state, 2), submitted(state, 1, "email")])
        totals = {
            tuple(r.path): (r.total, r.by_channel)
            for r in await service.tallies(session, state.document_id)
        }
        assert totals[("I", "1", "1.1")] == (1, {"web": 1, "email": 0, "post": 0})
        assert totals[("I", "1")] == (2, {"web": 1, "email": 1, "post": 0})
        assert totals[("I",)] == (2, {"web": 1, "email": 1, "post": 0})
        assert totals[("P3",)][0] == 0

    async def test_a_whole_document_comment_counts_in_no_section(
        self, session: AsyncSession
    ) -> None:
        state = document_state()
        await _apply(session, [published(state), submitted(state, None)])
        assert all(r.total == 0 for r in await service.tallies(session, state.document_id))
        assert (await service.document_totals(session, state.document_id))["web"] == 1


class TestIdempotency:
    async def test_the_same_event_delivered_twice_counts_once(self, session: AsyncSession) -> None:
        state = document_state()
        event = submitted(state, 0)
        await _apply(session, [published(state), event])
        await _apply(session, [event])
        await _apply(session, [event, event])
        assert (await service.tallies(session, state.document_id))[0].total == 1

    async def test_the_same_comment_under_a_new_event_id_counts_once(
        self, session: AsyncSession
    ) -> None:
        state = document_state()
        first = submitted(state, 0)
        again = submitted(state, 0, comment_id=first.payload.comment_id)
        await _apply(session, [published(state), first, again])
        assert (await service.tallies(session, state.document_id))[0].total == 1

    async def test_a_failed_batch_leaves_nothing_behind(
        self, clean_databases: dict[str, str]
    ) -> None:
        engine = create_engine(clean_databases["aggregator"])
        factory = session_factory(engine)
        state = document_state()
        async with unit_of_work(factory) as s:
            await service.apply_events(s, [published(state)])
        event = submitted(state, 0)
        with pytest.raises(RuntimeError):
            async with unit_of_work(factory) as s:
                await service.apply_events(s, [event])
                raise RuntimeError("crash before commit")
        async with unit_of_work(factory) as s:
            assert await service.apply_events(s, [event]) == 1
            assert (await service.tallies(s, state.document_id))[0].total == 1
        await engine.dispose()


class TestModeration:
    async def test_spam_and_withdrawn_comments_stop_counting(self, session: AsyncSession) -> None:
        state = document_state()
        a, b = submitted(state, 0), submitted(state, 0)
        await _apply(session, [published(state), a, b])
        for event_class, target in ((ev.CommentMarkedSpam, a), (ev.CommentWithdrawn, b)):
            await _apply(
                session,
                [
                    event_class(
                        producer="feedback",
                        payload=ev.CommentStatusPayload(
                            comment_id=target.payload.comment_id,
                            document_id=state.document_id,
                            state_version=2,
                        ),
                    )
                ],
            )
        assert (await service.tallies(session, state.document_id))[0].total == 0

    async def test_a_reassigned_comment_moves_to_its_new_section(
        self, session: AsyncSession
    ) -> None:
        state = document_state(sections=4)
        a = submitted(state, 2)
        await _apply(session, [published(state), a])
        await _apply(
            session,
            [
                ev.SectionReassigned(
                    producer="feedback",
                    payload=ev.SectionReassignedPayload(
                        comment_id=a.payload.comment_id,
                        document_id=state.document_id,
                        state_version=2,
                        from_section_id=state.sections[2].id,
                        to_section_id=state.sections[3].id,
                    ),
                )
            ],
        )
        totals = {tuple(r.path): r.total for r in await service.tallies(session, state.document_id)}
        assert totals[("I",)] == 0 and totals[("P3",)] == 1
