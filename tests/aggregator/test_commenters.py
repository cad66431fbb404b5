"""How many people commented: kept with each event, distinct over a section's subtree, equal
to a count over the comments themselves, on PostgreSQL and on SQLite."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.aggregator import service
from services.aggregator.commenters import EVERYTHING, section_commenters
from services.aggregator.models import AggregatedComment
from shared import events as ev
from shared.db import unit_of_work
from tests.aggregator.builders import comment, reassigned, status_change
from tests.aggregator.test_counters import mixed_history
from tests.factories import document_state, published

Sessions = async_sessionmaker[AsyncSession]


async def apply(sessions: Sessions, *batches: list[ev.AnyEvent]) -> None:
    for batch in batches:
        async with unit_of_work(sessions) as session:
            await service.apply_events(session, batch)


async def people(sessions: Sessions, state: ev.DocumentState) -> dict[str, int]:
    """People per section number ("" for the whole document), as the projection keeps them."""
    async with sessions() as session:
        kept = await section_commenters(session, state.document_id)
    paths = {s.id: s.number for s in state.sections} | {EVERYTHING: ""}
    return {paths[node]: n for node, n in kept.items() if n}


async def people_by_hand(sessions: Sessions, state: ev.DocumentState) -> dict[str, int]:
    """The same figure from the comments: distinct keys (or comment ids) over each subtree."""
    parents = {s.id: s.parent_id for s in state.sections}
    paths = {s.id: s.number for s in state.sections}
    found: dict[str, set[str]] = {}
    async with sessions() as session:
        rows = await session.execute(
            select(AggregatedComment).where(
                col(AggregatedComment.document_id) == state.document_id,
                col(AggregatedComment.status) == "active",
            )
        )
        for c in rows.scalars():
            who = c.commenter_key or str(c.comment_id)
            found.setdefault("", set()).add(who)
            node = c.section_id
            while node is not None:
                found.setdefault(paths[node], set()).add(who)
                node = parents[node]
    return {path: len(keys) for path, keys in found.items()}


class TestDistinctCommenters:
    async def test_the_kept_figures_equal_a_count_over_the_comments(
        self, sessions: Sessions
    ) -> None:
        state = document_state(sections=6)
        history = mixed_history(state, 150, seed=7)
        await apply(sessions, *(history[i : i + 19] for i in range(0, len(history), 19)))
        kept = await people(sessions, state)
        assert kept == await people_by_hand(sessions, state)
        assert 12 < kept[""] < 150  # people wrote more than once, and nobody is lost
        async with sessions() as session:
            rows = {r.section_id: r for r in await service.tallies(session, state.document_id)}
            assert await service.document_commenters(session, state.document_id) == kept[""]
        assert {r.number: r.commenters for r in rows.values() if r.commenters} == {
            k: v for k, v in kept.items() if k
        }
        # the whole history again, as after a rebalance, changes nothing
        await apply(sessions, history)
        assert await people(sessions, state) == kept

    async def test_a_part_counts_each_person_once_over_its_subtree(
        self, sessions: Sessions
    ) -> None:
        state = document_state(sections=4)
        part, item, leaf, other = state.sections
        lan, minh = "khoa-cua-lan", "khoa-cua-minh"
        await apply(
            sessions,
            [
                published(state),
                comment(state, 2, "Về nông nghiệp", commenter=lan),
                comment(state, 1, "Về kinh tế", "email", commenter=lan),
                comment(state, 0, "Về phần I", commenter=minh),
                comment(state, 3, "Về phần 3", "post", commenter=lan),
                comment(state, None, "Không ghi liên hệ"),
                comment(state, 2, "Cũng không ghi"),
            ],
        )
        assert await people(sessions, state) == {"": 4, "I": 3, "1": 2, "1.1": 2, "P3": 1}
        async with sessions() as session:
            rows = {r.section_id: r for r in await service.tallies(session, state.document_id)}
        assert (rows[part.id].total, rows[part.id].commenters) == (4, 3)
        assert (rows[leaf.id].total, rows[item.id].total, rows[other.id].commenters) == (2, 3, 1)

    async def test_moderation_and_moves_change_who_is_counted_where(
        self, sessions: Sessions
    ) -> None:
        state = document_state(sections=4)
        twice = [comment(state, 2, f"Ý kiến {n}", commenter="khoa-cua-lan") for n in (1, 2)]
        moved = comment(state, 2, "Nhầm mục", commenter="khoa-cua-minh")
        await apply(sessions, [published(state), *twice, moved])
        assert await people(sessions, state) == {"": 2, "I": 2, "1": 2, "1.1": 2}

        await apply(sessions, [status_change(ev.CommentMarkedSpam, twice[0])])
        assert await people(sessions, state) == {"": 2, "I": 2, "1": 2, "1.1": 2}
        await apply(sessions, [status_change(ev.CommentWithdrawn, twice[1])])
        assert await people(sessions, state) == {"": 1, "I": 1, "1": 1, "1.1": 1}

        await apply(sessions, [reassigned(moved, state.sections[3].id)])
        assert await people(sessions, state) == {"": 1, "P3": 1}
        await apply(sessions, [status_change(ev.CommentMarkedDuplicate, moved, version=3)])
        assert await people(sessions, state) == {}

    async def test_a_new_tree_or_a_late_document_is_counted_again(self, sessions: Sessions) -> None:
        state = document_state(sections=4)
        early = [
            comment(state, 2, "Trước khi có dự thảo", commenter="khoa-cua-lan"),
            comment(state, 3, "Phần 3", commenter="khoa-cua-lan"),
        ]
        await apply(sessions, early)  # comments.v1 may run ahead of documents.v1
        await apply(sessions, [published(state)])
        assert await people(sessions, state) == await people_by_hand(sessions, state)
        assert await people(sessions, state) == {"": 1, "I": 1, "1": 1, "1.1": 1, "P3": 1}

        # version 2 moves P3 under I: Lan is still one person there
        moved = state.sections[3].model_copy(update={"parent_id": state.sections[0].id})
        v2 = state.model_copy(update={"version": 2, "sections": [*state.sections[:3], moved]})
        await apply(
            sessions,
            [
                comment(v2, 1, "Cùng đợt với bản mới", commenter="khoa-cua-minh"),
                ev.DocumentUpdated(producer="documents", payload=v2),
                comment(v2, 3, "Sau bản mới", commenter="khoa-cua-nam"),
            ],
        )
        assert await people(sessions, v2) == await people_by_hand(sessions, v2)
        assert await people(sessions, v2) == {"": 3, "I": 3, "1": 2, "1.1": 1, "P3": 2}

    async def test_events_without_a_key_count_each_comment_once(self, sessions: Sessions) -> None:
        state = document_state(sections=3)
        old = [comment(state, 2, f"Ý kiến cũ {n}") for n in range(3)]
        await apply(sessions, [published(state), *old])
        await apply(sessions, [status_change(ev.CommentWithdrawn, old[0])])
        assert await people(sessions, state) == {"": 2, "I": 2, "1": 2, "1.1": 2}
