"""What the aggregator does: apply comment and document events, and tally per section.

Events are applied in one transaction per batch, with their ids recorded in the same
transaction (``processed_events``), so a redelivered event changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.clusters import assign_clusters, folded_words
from services.aggregator.counters import CountDeltas
from services.aggregator.models import (
    AggregatedComment,
    AggregatedDocument,
    AggregatedSection,
    SectionCount,
)
from shared.events import (
    CHANNELS,
    AnyEvent,
    CommentMarkedDuplicate,
    CommentMarkedSpam,
    CommentSubmitted,
    CommentWithdrawn,
    DocumentState,
    SectionReassigned,
)
from shared.idempotency import claim_new
from shared.web import NotFound

CONSUMER = "aggregator"
_STATUS_OF = {
    CommentMarkedSpam: "spam",
    CommentMarkedDuplicate: "duplicate",
    CommentWithdrawn: "withdrawn",
}


async def apply_events(session: AsyncSession, events: Sequence[AnyEvent]) -> int:
    """Apply a batch once; returns how many events were new."""
    fresh = await claim_new(session, CONSUMER, [e.event_id for e in events])
    deltas = CountDeltas()
    # One SELECT for the batch's comments instead of one per event, and no flush per event:
    # the rows go out together (issue 15: two round trips per event capped the consumer).
    submitted = [e.payload.comment_id for e in events if isinstance(e, CommentSubmitted)]
    known = set(
        (
            await session.execute(
                select(col(AggregatedComment.comment_id)).where(
                    col(AggregatedComment.comment_id).in_(submitted)
                )
            )
        ).scalars()
    )
    clusters = await _clusters_of(session, events, fresh, known)
    for event in events:
        if event.event_id not in fresh:
            continue
        if isinstance(event.payload, DocumentState):
            await _apply_document(session, event.payload, event.occurred_at)
        elif isinstance(event, CommentSubmitted):
            _apply_submitted(session, event, deltas, known, clusters)
        elif isinstance(event, SectionReassigned):
            comment = await session.get(AggregatedComment, event.payload.comment_id)
            if comment is not None and event.payload.state_version > comment.state_version:
                if comment.status == "active":
                    _count(deltas, comment, -1, daily=False)
                comment.section_id = event.payload.to_section_id
                if comment.status == "active":
                    _count(deltas, comment, +1, daily=False)
                comment.state_version = event.payload.state_version
        elif isinstance(event, CommentMarkedSpam | CommentMarkedDuplicate | CommentWithdrawn):
            comment = await session.get(AggregatedComment, event.payload.comment_id)
            if comment is not None and event.payload.state_version > comment.state_version:
                if comment.status == "active":
                    _count(deltas, comment, -1)
                comment.status = _STATUS_OF[type(event)]
                comment.state_version = event.payload.state_version
    await session.flush()
    await deltas.write(session)
    return len(fresh)


def _count(deltas: CountDeltas, comment: AggregatedComment, n: int, *, daily: bool = True) -> None:
    deltas.add(
        comment.document_id,
        comment.section_id,
        comment.channel,
        comment.submitted_at,
        n,
        daily=daily,
    )


async def _clusters_of(
    session: AsyncSession,
    events: Sequence[AnyEvent],
    fresh: set[uuid.UUID],
    known: set[uuid.UUID],
) -> dict[uuid.UUID, uuid.UUID]:
    """The cluster of each new comment of the batch, one look-up per document for them all
    (a look-up, a fetch and an insert per comment capped the consumer, issue 15)."""
    new: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    seen = set(known)
    for event in events:
        if event.event_id in fresh and isinstance(event, CommentSubmitted):
            p = event.payload
            if p.comment_id not in seen:
                seen.add(p.comment_id)
                new[p.document_id].append((p.comment_id, folded_words(p.text)))
    clusters: dict[uuid.UUID, uuid.UUID] = {}
    for document_id, comments in new.items():
        clusters.update(await assign_clusters(session, document_id, comments))
    return clusters


def _apply_submitted(
    session: AsyncSession,
    event: CommentSubmitted,
    deltas: CountDeltas,
    known: set[uuid.UUID],
    clusters: dict[uuid.UUID, uuid.UUID],
) -> None:
    p = event.payload
    if p.comment_id in known:
        return  # the same comment re-sent under a new event id is still one comment
    known.add(p.comment_id)
    words = folded_words(p.text)
    comment = AggregatedComment(
        comment_id=p.comment_id,
        document_id=p.document_id,
        section_id=p.section_id,
        channel=p.channel,
        text=p.text,
        display_name=p.display_name,
        organisation=p.organisation,
        state_version=p.state_version,
        submitted_at=p.submitted_at,
        folded_text=f" {words} ",
        cluster_id=clusters[p.comment_id],
    )
    session.add(comment)
    _count(deltas, comment, +1)


async def _apply_document(session: AsyncSession, state: DocumentState, at: datetime) -> None:
    document = await session.get(AggregatedDocument, state.document_id)
    if document is not None and document.event_at > at:
        return
    if document is None:
        document = AggregatedDocument(
            id=state.document_id,
            slug=state.slug,
            title=state.title,
            status=state.status,
            event_at=at,
        )
    document.slug, document.title, document.status, document.event_at = (
        state.slug,
        state.title,
        state.status,
        at,
    )
    document.opens_at, document.closes_at = state.opens_at, state.closes_at
    session.add(document)
    await session.execute(
        delete(AggregatedSection).where(AggregatedSection.document_id == state.document_id)  # type: ignore[arg-type]
    )
    await session.flush()
    session.add_all(
        AggregatedSection(
            id=s.id,
            document_id=state.document_id,
            parent_id=s.parent_id,
            position=s.position,
            level=s.level,
            number=s.number,
            title=s.title,
            path=list(s.path),
        )
        for s in state.sections
    )
    await session.flush()


@dataclass
class SectionTally:
    section_id: uuid.UUID
    path: list[str]
    number: str
    title: str
    level: int
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))


async def get_document(session: AsyncSession, document_id: uuid.UUID) -> AggregatedDocument:
    document = await session.get(AggregatedDocument, document_id)
    if document is None:
        raise NotFound("Không tìm thấy dự thảo.")
    return document


async def tallies(session: AsyncSession, document_id: uuid.UUID) -> list[SectionTally]:
    """Every section in order, zeros included; a section's count includes its subsections."""
    await get_document(session, document_id)
    sections = (
        (
            await session.execute(
                select(AggregatedSection)
                .where(col(AggregatedSection.document_id) == document_id)
                .order_by(col(AggregatedSection.position))
            )
        )
        .scalars()
        .all()
    )
    direct: dict[uuid.UUID | None, dict[str, int]] = defaultdict(dict)
    for key, channel, count in await _direct_counts(session, document_id):
        direct[key][channel] = count
    result = {s.id: SectionTally(s.id, list(s.path), s.number, s.title, s.level) for s in sections}
    parents = {s.id: s.parent_id for s in sections}
    for section_id, counts in direct.items():
        node = section_id
        while node is not None and node in result:  # roll each count up to every ancestor
            tally = result[node]
            for channel, count in counts.items():
                tally.by_channel[channel] = tally.by_channel.get(channel, 0) + count
                tally.total += count
            node = parents.get(node)
    return [result[s.id] for s in sections]


async def _direct_counts(
    session: AsyncSession, document_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, int]]:
    rows = await session.execute(
        select(
            col(SectionCount.section_key), col(SectionCount.channel), col(SectionCount.comments)
        ).where(col(SectionCount.document_id) == document_id)
    )
    return [(key, channel, int(count)) for key, channel, count in rows]


async def document_totals(session: AsyncSession, document_id: uuid.UUID) -> dict[str, int]:
    """Counts for the whole document (every active comment, including whole-document ones)."""
    totals = dict.fromkeys(CHANNELS, 0)
    for _key, channel, count in await _direct_counts(session, document_id):
        totals[channel] = totals.get(channel, 0) + count
    return totals


async def list_documents(session: AsyncSession) -> Sequence[AggregatedDocument]:
    return (await session.execute(select(AggregatedDocument))).scalars().all()
