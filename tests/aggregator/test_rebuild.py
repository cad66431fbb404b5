"""The projection can be rebuilt from the topics alone, with progress, to exact totals."""

from __future__ import annotations

from sqlalchemy import select

from services.aggregator import clustering, service
from services.aggregator.commenters import EVERYTHING, section_commenters
from services.aggregator.config import AggregatorSettings
from services.aggregator.models import AggregatedComment, CommenterCount
from services.aggregator.rebuild import rebuild
from shared import events as ev
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work
from shared.kafka import ensure_topics
from tests.aggregator.publishing import send_events
from tests.aggregator.test_counters import counters_of, mixed_history
from tests.factories import document_state, published, submitted


async def test_rebuild_replaces_a_wrong_projection_with_the_topics_truth(
    aggregator_settings: AggregatorSettings, broker: EmbeddedBroker, topic_prefix: str
) -> None:
    settings = aggregator_settings
    state = document_state(sections=4)
    comments = [submitted(state, 2), submitted(state, 2, "email"), submitted(state, 3, "post")]
    spam = ev.CommentMarkedSpam(
        producer="feedback",
        payload=ev.CommentStatusPayload(
            comment_id=comments[0].payload.comment_id,
            document_id=state.document_id,
            state_version=2,
        ),
    )
    history: list[ev.EnvelopeBase] = [published(state), *comments, spam]
    await ensure_topics(broker.bootstrap, [ev.topics.DOCUMENTS, ev.topics.COMMENTS], topic_prefix)
    await send_events(broker.bootstrap, topic_prefix, history)

    engine = create_engine(settings.database_url)
    factory = session_factory(engine)
    async with unit_of_work(
        factory
    ) as session:  # a projection that drifted: one comment twice over
        await service.apply_events(session, [published(state), comments[1], submitted(state, 0)])

    seen: list[tuple[int, int]] = []
    applied = await rebuild(settings, lambda done, total: seen.append((done, total)))

    assert applied == len(history)
    assert seen and seen[-1] == (len(history), len(history))
    async with unit_of_work(factory) as session:
        totals = {
            tuple(t.path): (t.total, t.by_channel)
            for t in await service.tallies(session, state.document_id)
        }
    await engine.dispose()
    assert totals[("I", "1", "1.1")] == (1, {"web": 0, "email": 1, "post": 0})
    assert totals[("I",)][0] == 1
    assert totals[("P3",)] == (1, {"web": 0, "email": 0, "post": 1})


async def _snapshot(factory: object, document_id: object) -> tuple[object, ...]:
    async with unit_of_work(factory) as session:  # type: ignore[arg-type]
        tallies = [
            (t.section_id, t.total, t.by_channel, t.commenters)
            for t in await service.tallies(session, document_id)
        ]  # type: ignore[arg-type]
        counters = await counters_of(session, document_id)  # type: ignore[arg-type]
        people = await section_commenters(session, document_id)  # type: ignore[arg-type]
        per_key = sorted(
            (str(r.node_key), r.commenter_key, r.comments)
            for r in (await session.execute(select(CommenterCount))).scalars()
            if r.comments
        )
        comments = (await session.execute(select(AggregatedComment))).scalars().all()
        rows = sorted((str(c.comment_id), c.section_id, c.status, c.folded_text) for c in comments)
        groups: dict[object, set[str]] = {}
        for c in comments:
            groups.setdefault(c.cluster_id, set()).add(str(c.comment_id))
        clusters = sorted(sorted(g) for g in groups.values())
    return tallies, counters, rows, clusters, people, per_key


async def test_rebuild_equals_the_live_projection(
    aggregator_settings: AggregatorSettings, broker: EmbeddedBroker, topic_prefix: str
) -> None:
    settings = aggregator_settings
    state = document_state(sections=6)
    history = mixed_history(state, 90, seed=11)
    await ensure_topics(broker.bootstrap, [ev.topics.DOCUMENTS, ev.topics.COMMENTS], topic_prefix)
    await send_events(broker.bootstrap, topic_prefix, history)
    engine = create_engine(settings.database_url)
    factory = session_factory(engine)
    for start in range(0, len(history), 25):
        async with unit_of_work(factory) as session:
            await service.apply_events(session, history[start : start + 25])
        async with unit_of_work(factory) as session:  # as the clusterer follows counting
            await clustering.drain(session)
    live = await _snapshot(factory, state.document_id)

    assert await rebuild(settings, lambda done, total: None) == len(history)
    rebuilt = await _snapshot(factory, state.document_id)
    await engine.dispose()
    assert rebuilt == live
    assert sum(t[1] for t in live[0]) > 0  # type: ignore[index]
    assert max(len(g) for g in live[3]) >= 10  # type: ignore[attr-defined]  # the campaigns
    assert 0 < live[4][EVERYTHING] < sum(t[1] for t in live[0])  # type: ignore[index]
