"""The counters kept with each event equal a count over the comments themselves."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator import service
from services.aggregator.counters import WHOLE_DOCUMENT, local_day
from services.aggregator.models import AggregatedComment, DailyCount, SectionCount
from shared import events as ev
from shared.db import create_engine, session_factory, unit_of_work
from tests.aggregator.builders import comment, days_ago, reassigned, status_change
from tests.aggregator.campaigns import CAMPAIGNS, variant
from tests.factories import document_state, published

WORDS = (
    "đề nghị bổ sung làm rõ số liệu kinh tế xã hội giáo dục y tế giao thông nông nghiệp "
    "rừng nước sạch môi trường dân số lao động việc làm đầu tư công ngân sách thuế đất đai "
    "nhà ở văn hóa thể thao du lịch an ninh quốc phòng cải cách hành chính chuyển đổi số "
    "doanh nghiệp hợp tác xã thủy lợi điện năng lượng khoáng sản biển đảo"
).split()
STATUS_EVENTS = (ev.CommentMarkedSpam, ev.CommentMarkedDuplicate, ev.CommentWithdrawn)


def mixed_history(state: ev.DocumentState, n: int, seed: int) -> list[ev.AnyEvent]:
    """Comments on every section and the whole document, then moderation of some of them."""
    rng = random.Random(seed)
    people = random.Random(seed + 1)  # a dozen people write more than once; a quarter no one
    sections = [None, *range(len(state.sections))]
    texts = [
        # two circulated texts with their copies, and comments of people's own words
        variant(CAMPAIGNS[i % 2], rng) if i % 3 == 0 else " ".join(rng.sample(WORDS, 12))
        for i in range(n)
    ]
    submitted = [
        comment(
            state,
            rng.choice(sections),
            texts[i],
            rng.choice(["web", "email", "post"]),
            at=days_ago(rng.random() * 6),
            commenter=None if people.random() < 0.25 else f"nguoi-{people.randrange(12)}",
        )
        for i in range(n)
    ]
    later: list[ev.AnyEvent] = []
    for c in rng.sample(submitted, n // 3):
        if rng.random() < 0.5:
            later.append(status_change(rng.choice(STATUS_EVENTS), c))
        else:
            target = rng.choice(sections)
            later.append(reassigned(c, state.sections[target].id if target is not None else None))
            if rng.random() < 0.5:
                later.append(status_change(ev.CommentWithdrawn, c, version=3))
    return [published(state), *submitted, *later]


async def counters_of(session: AsyncSession, document_id: uuid.UUID) -> tuple[Counter, Counter]:
    sections = Counter(
        {
            (row.section_key, row.channel): row.comments
            for row in (
                await session.execute(
                    select(SectionCount).where(col(SectionCount.document_id) == document_id)
                )
            ).scalars()
            if row.comments
        }
    )
    days = Counter(
        {
            (row.day, row.channel): row.comments
            for row in (
                await session.execute(
                    select(DailyCount).where(col(DailyCount.document_id) == document_id)
                )
            ).scalars()
            if row.comments
        }
    )
    return sections, days


async def counted_from_comments(
    session: AsyncSession, document_id: uuid.UUID
) -> tuple[Counter, Counter]:
    rows = (
        await session.execute(
            select(AggregatedComment).where(
                col(AggregatedComment.document_id) == document_id,
                col(AggregatedComment.status) == "active",
            )
        )
    ).scalars()
    sections: Counter = Counter()
    days: Counter = Counter()
    for c in rows:
        sections[(c.section_id or WHOLE_DOCUMENT, c.channel)] += 1
        days[(local_day(c.submitted_at), c.channel)] += 1
    return sections, days


@pytest.fixture
async def factory(clean_databases: dict[str, str]) -> AsyncIterator[object]:
    engine = create_engine(clean_databases["aggregator"])
    yield session_factory(engine)
    await engine.dispose()


class TestCounters:
    async def test_counters_equal_a_count_of_the_comments(self, factory: object) -> None:
        state = document_state(sections=6)
        history = mixed_history(state, 120, seed=5)
        for start in range(0, len(history), 17):  # batches as the consumer gets them
            async with unit_of_work(factory) as session:  # type: ignore[arg-type]
                await service.apply_events(session, history[start : start + 17])
        async with unit_of_work(factory) as session:  # type: ignore[arg-type]
            kept = await counters_of(session, state.document_id)
            truth = await counted_from_comments(session, state.document_id)
            assert kept == truth
            assert sum(kept[0].values()) < 120  # moderation did take some out
            totals = await service.document_totals(session, state.document_id)
            assert sum(totals.values()) == sum(truth[0].values())
            rows = await service.tallies(session, state.document_id)
            direct = {k[0] for k in truth[0]}
            leaf = state.sections[2].id
            assert rows[2].total == sum(n for (s, _c), n in truth[0].items() if s == leaf)
            assert direct  # every key is a section or the whole document
            assert {k for k in direct} <= {s.id for s in state.sections} | {WHOLE_DOCUMENT}
        # the whole history again, as after a rebalance, changes nothing
        async with unit_of_work(factory) as session:  # type: ignore[arg-type]
            assert await service.apply_events(session, history) == 0
            assert await counters_of(session, state.document_id) == kept

    async def test_a_moderated_comment_leaves_its_day_and_a_moved_one_keeps_it(
        self, factory: object
    ) -> None:
        state = document_state(sections=4)
        early = comment(state, 2, "Hôm trước", "email", at=days_ago(3))
        moved = comment(state, 2, "Chuyển mục", "web", at=days_ago(3))
        async with unit_of_work(factory) as session:  # type: ignore[arg-type]
            await service.apply_events(session, [published(state), early, moved])
            await service.apply_events(
                session,
                [
                    status_change(ev.CommentMarkedSpam, early),
                    reassigned(moved, state.sections[3].id),
                ],
            )
            sections, days = await counters_of(session, state.document_id)
        day = local_day(early.payload.submitted_at)
        assert days == Counter({(day, "web"): 1})
        assert sections == Counter({(state.sections[3].id, "web"): 1})

    async def test_counting_by_hand_agrees(self, factory: object) -> None:
        """A guard on the guard: the comparison above sees a broken counter."""
        state = document_state()
        async with unit_of_work(factory) as session:  # type: ignore[arg-type]
            await service.apply_events(session, [published(state), comment(state, 0, "Một")])
            session.add(
                SectionCount(
                    document_id=state.document_id,
                    section_key=state.sections[1].id,
                    channel="web",
                    comments=1,
                )
            )
            await session.flush()
            assert await counters_of(session, state.document_id) != await counted_from_comments(
                session, state.document_id
            )
            count = await session.scalar(select(func.count()).select_from(AggregatedComment))
            assert count == 1
