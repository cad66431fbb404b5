"""What the aggregator does: apply comment and document events, and tally per section.

Events are applied in one transaction per batch, with their ids recorded in the same
transaction (``processed_events``), so a redelivered event changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator import commenters
from services.aggregator.clusters import folded_words
from services.aggregator.commenters import CommenterDeltas
from services.aggregator.counters import CountDeltas
from services.aggregator.models import (
    AggregatedComment,
    AggregatedDocument,
    AggregatedSection,
    SectionCount,
)
from shared import bulk
from shared.db import one_of
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


class ReadyComment(NamedTuple):
    """A ``comment.submitted`` made ready to count: its event id and its comment's row."""

    event_id: uuid.UUID
    row: dict[str, Any]


@dataclass
class CountingBatch:
    """A batch of events made ready to count: the Python work of counting, done before the
    transaction (``prepare``) or at its start (``apply_events``). Each new comment is kept
    as its row alone: its pydantic event (~3.4 KB) was most of a batch's memory, and the
    consumer holds two batches at once (one applied, one read ahead)."""

    events: Sequence[AnyEvent | ReadyComment]

    @classmethod
    def of(cls, events: Sequence[AnyEvent]) -> CountingBatch:
        return cls(_ready(events))


# Comments made ready between two turns of the event loop (see ``prepare``; short for the
# reason ``shared.kafka.DECODE_SLICE`` is).
PREPARE_SLICE = 50


async def prepare(events: list[AnyEvent]) -> CountingBatch:
    """``CountingBatch.of(events)``, a slice at a time: the consumer runs it while the
    previous batch's transaction waits on the database, which goes on between slices."""
    ready: list[AnyEvent | ReadyComment] = []
    for start in range(0, len(events), PREPARE_SLICE):
        if start:
            await asyncio.sleep(0)
        ready.extend(_ready(events[start : start + PREPARE_SLICE]))
    return CountingBatch(ready)


def _ready(events: Sequence[AnyEvent]) -> list[AnyEvent | ReadyComment]:
    return [
        ReadyComment(e.event_id, _row_of(e)) if isinstance(e, CommentSubmitted) else e
        for e in events
    ]


async def apply_events(session: AsyncSession, events: Sequence[AnyEvent]) -> int:
    """Apply a batch once; returns how many events were new."""
    return await apply_batch(session, CountingBatch.of(events))


async def apply_batch(session: AsyncSession, batch: CountingBatch) -> int:
    """Apply a prepared batch once; returns how many events were new.

    Counting only: a new comment is stored without a cluster (``cluster_id`` NULL) and
    ``services.aggregator.clustering`` gives it one a moment later, in its own transaction.
    """
    events = batch.events
    documents = [
        e
        for e in events
        if not isinstance(e, ReadyComment) and isinstance(e.payload, DocumentState)
    ]
    await commenters.lock(session, recount=bool(documents))
    fresh = await claim_new(session, CONSUMER, [e.event_id for e in events])
    deltas = Deltas()
    # One SELECT for the batch's comments instead of one per event, and no ORM object per
    # new comment: their rows go out together (issue 15).
    submitted = [e.row["comment_id"] for e in events if isinstance(e, ReadyComment)]
    known = set(
        (
            await session.execute(
                select(col(AggregatedComment.comment_id)).where(
                    one_of(session, col(AggregatedComment.comment_id), submitted)
                )
            )
        ).scalars()
    )
    new_rows = NewComments()
    for event in events:
        if event.event_id not in fresh:
            continue
        if isinstance(event, ReadyComment):
            _apply_submitted(event.row, deltas, known, new_rows)
            continue
        await new_rows.write(session)  # what follows reads comments: this batch's too
        if isinstance(event.payload, DocumentState):
            if await _apply_document(session, event.payload, event.occurred_at):
                # the tree changed: so did which sections a comment counts in
                await deltas.write(session)
                await commenters.recount(session, event.payload.document_id)
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
    await new_rows.write(session)
    await deltas.write(session)
    return len(fresh)


@dataclass
class Deltas:
    """A batch's changes to the comment counters and to the commenter counts."""

    comments: CountDeltas = field(default_factory=CountDeltas)
    people: CommenterDeltas = field(default_factory=CommenterDeltas)

    async def write(self, session: AsyncSession) -> None:
        await session.flush()
        await self.comments.write(session)
        await self.people.write(session)


@dataclass
class NewComments:
    """A batch's new comment rows, inserted together (PostgreSQL: one COPY)."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    async def write(self, session: AsyncSession) -> None:
        await bulk.copy_rows(session, _COMMENTS, self.rows)
        self.rows = []


_COMMENTS: Table = AggregatedComment.__table__  # type: ignore[attr-defined]


def _count(deltas: Deltas, comment: AggregatedComment, n: int, *, daily: bool = True) -> None:
    deltas.comments.add(
        comment.document_id,
        comment.section_id,
        comment.channel,
        comment.submitted_at,
        n,
        daily=daily,
    )
    deltas.people.add(comment.document_id, comment.section_id, comment.commenter_key, n)


def _row_of(event: CommentSubmitted) -> dict[str, Any]:
    """The comment's row in ``aggregator_comments``, as counting stores it."""
    p = event.payload
    return {
        "comment_id": p.comment_id,
        "document_id": p.document_id,
        "section_id": p.section_id,
        "channel": p.channel,
        "text": p.text,
        "display_name": p.display_name,
        "organisation": p.organisation,
        "status": "active",
        "state_version": p.state_version,
        "submitted_at": p.submitted_at,
        "folded_text": f" {folded_words(p.text)} ",
        "cluster_id": None,  # services.aggregator.clustering's to give
        "commenter_key": p.commenter_key,
    }


def _apply_submitted(
    row: dict[str, Any], deltas: Deltas, known: set[uuid.UUID], new_rows: NewComments
) -> None:
    comment_id = row["comment_id"]
    if comment_id in known:
        return  # the same comment re-sent under a new event id is still one comment
    known.add(comment_id)
    new_rows.rows.append(row)
    document, section = row["document_id"], row["section_id"]
    deltas.comments.add(document, section, row["channel"], row["submitted_at"], +1)
    deltas.people.add(document, section, row["commenter_key"], +1)


async def _apply_document(session: AsyncSession, state: DocumentState, at: datetime) -> bool:
    """Store the document and its sections; True when its tree (sections, parents) changed."""
    document = await session.get(AggregatedDocument, state.document_id)
    if document is not None and document.event_at > at:
        return False
    before = await commenters.tree_of(session, state.document_id)
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
            text=s.text or "",
        )
        for s in state.sections
    )
    await session.flush()
    return before != {s.id: s.parent_id for s in state.sections}


@dataclass
class SectionTally:
    section_id: uuid.UUID
    path: list[str]
    number: str
    title: str
    level: int
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    # people who commented on it or a subsection, each once (services.aggregator.commenters)
    commenters: int = 0


async def get_document(session: AsyncSession, document_id: uuid.UUID) -> AggregatedDocument:
    document = await session.get(AggregatedDocument, document_id)
    if document is None:
        raise NotFound("Không tìm thấy dự thảo.")
    return document


async def tallies(session: AsyncSession, document_id: uuid.UUID) -> list[SectionTally]:
    """Every section in order, zeros included; a section's counts include its subsections."""
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
    for node, people in (await commenters.section_commenters(session, document_id)).items():
        if node in result:
            result[node].commenters = people
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


async def document_commenters(session: AsyncSession, document_id: uuid.UUID) -> int:
    """How many people commented on the document, anywhere in it."""
    people = await commenters.section_commenters(session, document_id)
    return people.get(commenters.EVERYTHING, 0)


async def list_documents(session: AsyncSession) -> Sequence[AggregatedDocument]:
    return (await session.execute(select(AggregatedDocument))).scalars().all()
