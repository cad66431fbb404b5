"""Clustering follows counting in transactions of its own: counts exact at once, clusters
exact once it caught up, whatever fails or runs in between."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.aggregator import clustering, service
from services.aggregator.models import AggregatedComment
from shared import events as ev
from shared.db import unit_of_work
from tests.aggregator.builders import comment
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published
from tests.helpers import eventually

Sessions = async_sessionmaker[AsyncSession]
CIRCULATED = (
    "Đề nghị giữ nguyên điểm trường ở thôn Bản Lầy vì học sinh lớp một phải đi bộ năm cây "
    "số qua suối, mùa mưa không thể đến trường được."
)


def history(state: ev.DocumentState) -> tuple[list[ev.CommentSubmitted], list[ev.CommentSubmitted]]:
    """Twelve copies of one circulated text (greetings, closings) and five distinct comments."""
    copies = [
        comment(state, i % 2, f"{greeting}{CIRCULATED}{closing}")
        for i, (greeting, closing) in enumerate(
            (g, c)
            for g in ("", "Kính gửi Ban soạn thảo. ", "Xin chào. ")
            for c in ("", " Trân trọng.", " Xin cảm ơn.", " Rất mong được xem xét.")
        )
    ]
    distinct = [
        comment(state, 0, "Cần bổ sung quy định về phí trông giữ xe tại bệnh viện tuyến huyện."),
        comment(state, 1, "Thời hạn chuyển tiếp sáu tháng là quá ngắn cho hợp tác xã."),
        comment(state, 0, "Nên công khai danh sách nhà thầu trên cổng thông tin của tỉnh."),
        comment(state, 1, "Đề nghị tăng mức hỗ trợ học bổng cho học sinh dân tộc thiểu số."),
        comment(state, 0, ""),
    ]
    return copies, distinct


async def counted(
    sessions: Sessions,
) -> tuple[ev.DocumentState, list[ev.CommentSubmitted], list[ev.CommentSubmitted]]:
    """The draft and its history, counted in one batch and not clustered yet."""
    state = document_state(sections=2)
    copies, distinct = history(state)
    async with unit_of_work(sessions) as session:
        await service.apply_events(session, [published(state), *copies, *distinct])
    return state, copies, distinct


async def clusters_of(sessions: Sessions) -> dict[object, object]:
    async with sessions() as session:
        rows = await session.execute(
            select(AggregatedComment.comment_id, AggregatedComment.cluster_id)  # type: ignore[call-overload]
        )
        return dict(rows.all())


async def totals(sessions: Sessions, state: ev.DocumentState) -> dict[str, int]:
    async with unit_of_work(sessions) as session:
        return await service.document_totals(session, state.document_id)


def assert_exact(
    cluster_of: dict[object, object],
    copies: list[ev.CommentSubmitted],
    distinct: list[ev.CommentSubmitted],
) -> None:
    campaign = Counter(cluster_of[e.payload.comment_id] for e in copies)
    assert list(campaign.values()) == [len(copies)] and None not in campaign
    loners = [cluster_of[e.payload.comment_id] for e in distinct]
    assert loners == [e.payload.comment_id for e in distinct]  # each its own cluster


class TestClusteringFollowsCounting:
    async def test_counts_are_exact_before_any_cluster_and_clusters_exact_after(
        self, sessions: Sessions
    ) -> None:
        state, copies, distinct = await counted(sessions)
        assert await totals(sessions, state) == {"web": 17, "email": 0, "post": 0}
        assert set((await clusters_of(sessions)).values()) == {None}
        async with sessions() as session:
            assert await clustering.pending(session) == 17

        async with unit_of_work(sessions) as session:
            assert await clustering.drain(session) == 17
        assert_exact(await clusters_of(sessions), copies, distinct)
        async with sessions() as session:
            assert await clustering.pending(session) == 0
        assert await totals(sessions, state) == {"web": 17, "email": 0, "post": 0}

    async def test_comments_counted_later_join_the_clusters_already_made(
        self, sessions: Sessions
    ) -> None:
        state = document_state(sections=2)
        copies, distinct = history(state)
        async with unit_of_work(sessions) as session:
            await service.apply_events(session, [published(state), *copies[:5], *distinct[:2]])
        async with unit_of_work(sessions) as session:
            await clustering.drain(session)
        async with unit_of_work(sessions) as session:
            await service.apply_events(session, [*copies[5:], *distinct[2:]])
        async with unit_of_work(sessions) as session:  # in small chunks, as a backlog drains
            while await clustering.cluster_pending(session, limit=3, wait=True):
                pass
        assert_exact(await clusters_of(sessions), copies, distinct)


class TestCrashBetweenCountingAndClustering:
    async def test_a_clustering_that_dies_before_its_commit_leaves_the_work_for_the_next(
        self, sessions: Sessions
    ) -> None:
        state, copies, distinct = await counted(sessions)
        with pytest.raises(RuntimeError):
            async with unit_of_work(sessions) as session:
                assert await clustering.cluster_pending(session, limit=10) == 10
                raise RuntimeError("the process died here")
        assert set((await clusters_of(sessions)).values()) == {None}

        async with unit_of_work(sessions) as session:
            assert await clustering.drain(session) == 17
        assert_exact(await clusters_of(sessions), copies, distinct)

        before = await clusters_of(sessions)
        async with unit_of_work(sessions) as session:  # the comments redelivered
            assert await service.apply_events(session, [*copies, *distinct]) == 0
        async with unit_of_work(sessions) as session:
            assert await clustering.drain(session) == 0
        assert await clusters_of(sessions) == before
        assert await totals(sessions, state) == {"web": 17, "email": 0, "post": 0}

    async def test_two_clusterers_at_once_cluster_each_comment_once(
        self, sessions: Sessions
    ) -> None:
        _state, copies, distinct = await counted(sessions)

        async def clusterer() -> int:
            done = 0
            while True:
                async with unit_of_work(sessions) as session:
                    n = await clustering.cluster_pending(session, limit=2)
                done += n
                async with sessions() as session:
                    if not await clustering.pending(session):
                        return done

        assert sum(await asyncio.gather(clusterer(), clusterer())) == 17
        assert_exact(await clusters_of(sessions), copies, distinct)


class TestTheServiceClustersByItself:
    async def test_comments_counted_by_the_consumer_get_their_cluster(
        self, workspace: Workspace
    ) -> None:
        state = document_state(sections=2)
        copies, distinct = history(state)
        async with unit_of_work(workspace.sessions) as session:  # counting only, no drain
            await service.apply_events(session, [published(state), *copies, *distinct])

        async def pending() -> int:
            async with workspace.sessions() as session:
                return await clustering.pending(session)

        await eventually(pending, lambda n: n == 0, timeout=30)
        assert_exact(await clusters_of(workspace.sessions), copies, distinct)


async def waiting(sessions: Sessions) -> int:
    """How many comments wait for their cluster."""
    async with sessions() as session:
        return await clustering.pending(session)


class TestCountingGoesFirst:
    async def test_during_a_backlog_one_chunk_now_and_then_all_once_caught_up(
        self, sessions: Sessions
    ) -> None:
        await counted(sessions)  # 17 comments waiting
        clusterer = clustering.Clusterer(sessions, interval=600, backlog_batch=100, chunk=5)
        clusterer.counted(100)  # the consumer's batches come back full

        stop = asyncio.Event()
        task = asyncio.create_task(clusterer.run(stop))
        try:
            assert (
                await eventually(lambda: waiting(sessions), lambda n: n < 17) == 12
            )  # one chunk, then it waits
            assert clusterer.behind
            clusterer.counted(3)  # a short batch: counting keeps up
            await eventually(lambda: waiting(sessions), lambda n: n == 0)
            assert clusterer.clustered == 17
        finally:
            stop.set()
            await task


class TestCountingStaysFresh:
    async def test_while_comments_arrive_a_drain_takes_short_chunks(
        self, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each chunk holds the event loop counting shares: a quarter of one at a time."""
        await counted(sessions)  # 17 comments waiting
        limits: list[int] = []
        cluster_pending = clustering.cluster_pending

        async def recorded(session: AsyncSession, limit: int = clustering.CHUNK) -> int:
            limits.append(limit)
            return await cluster_pending(session, limit)

        monkeypatch.setattr(clustering, "cluster_pending", recorded)
        clusterer = clustering.Clusterer(sessions, interval=600, chunk=8, linger=0)
        clusterer.counted(3)  # a live stream's batch: no backlog

        stop = asyncio.Event()
        task = asyncio.create_task(clusterer.run(stop))
        try:
            assert clusterer.live and not clusterer.behind
            await eventually(lambda: waiting(sessions), lambda n: n == 0)
            assert clusterer.clustered == 17
            assert set(limits) == {2}  # 8 // 4, never the whole chunk
        finally:
            stop.set()
            await task
