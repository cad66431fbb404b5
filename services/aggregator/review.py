"""The subcommittee's review: dispositions, themes, section assignments, progress.

Every change is written with an audit line (who and when) in the same transaction. A
decision can cover a whole cluster of near-identical comments at once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.models import (
    AggregatedComment,
    AggregatedSection,
    CommentReview,
    SectionAssignment,
)
from services.aggregator.schemas import ReviewUpdate
from shared import audit
from shared.auth import Staff
from shared.events import utcnow
from shared.web import DomainError, NotFound


async def _comment(
    session: AsyncSession, document_id: uuid.UUID, comment_id: uuid.UUID
) -> AggregatedComment:
    comment = await session.get(AggregatedComment, comment_id)
    if comment is None or comment.document_id != document_id:
        raise NotFound("Không tìm thấy ý kiến này.")
    return comment


async def set_review(
    session: AsyncSession,
    staff: Staff,
    document_id: uuid.UUID,
    comment_id: uuid.UUID,
    update: ReviewUpdate,
) -> list[uuid.UUID]:
    """Record a decision on a comment, or on every comment of its cluster; returns their ids."""
    comment = await _comment(session, document_id, comment_id)
    if update.disposition in ("explained", "set_aside") and not update.explanation.strip():
        raise DomainError(
            "Cần ghi lý do giải trình hoặc lý do không tiếp thu.",
            status_code=422,
            field="explanation",
        )
    ids = [comment_id]
    if update.whole_cluster and comment.cluster_id is not None:
        ids = list(
            (
                await session.execute(
                    select(col(AggregatedComment.comment_id)).where(
                        col(AggregatedComment.document_id) == document_id,
                        col(AggregatedComment.cluster_id) == comment.cluster_id,
                    )
                )
            ).scalars()
        )
    existing = {
        r.comment_id: r
        for r in (
            await session.execute(
                select(CommentReview).where(col(CommentReview.comment_id).in_(ids))
            )
        ).scalars()
    }
    now = utcnow()
    themes = sorted({t.strip() for t in update.themes if t.strip()})
    who = staff.name or staff.subject
    for cid in ids:
        review = existing.get(cid) or CommentReview(
            comment_id=cid, document_id=document_id, updated_at=now
        )
        review.disposition = update.disposition
        review.explanation = update.explanation.strip()
        review.themes = themes
        review.updated_by = who
        review.updated_at = now
        session.add(review)
    audit.record(
        session,
        staff,
        "review.set",
        "comment",
        comment_id,
        document_id=str(document_id),
        disposition=update.disposition,
        themes=themes or None,
        cluster=str(comment.cluster_id) if update.whole_cluster else None,
        comments=len(ids),
    )
    await session.flush()
    return ids


async def assign_section(
    session: AsyncSession,
    staff: Staff,
    document_id: uuid.UUID,
    section_id: uuid.UUID,
    reviewer: str,
    reviewer_name: str,
) -> SectionAssignment:
    """Make one reviewer answerable for a section."""
    section = await session.get(AggregatedSection, section_id)
    if section is None or section.document_id != document_id:
        raise NotFound("Không tìm thấy mục này trong dự thảo.")
    row = await session.get(SectionAssignment, section_id) or SectionAssignment(
        section_id=section_id, document_id=document_id, reviewer=reviewer
    )
    row.reviewer, row.reviewer_name = reviewer, reviewer_name
    session.add(row)
    audit.record(
        session,
        staff,
        "review.assign",
        "section",
        section_id,
        document_id=str(document_id),
        reviewer=reviewer,
    )
    await session.flush()
    return row


@dataclass
class SectionProgress:
    section_id: uuid.UUID | None
    comments: int = 0
    reviewed: int = 0
    reviewer: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.comments) if self.comments else 100


async def progress(
    session: AsyncSession, document_id: uuid.UUID
) -> dict[uuid.UUID | None, SectionProgress]:
    """Active comments filed directly on each section and how many have a disposition."""
    rows = await session.execute(
        select(
            col(AggregatedComment.section_id),
            func.count(),
            func.count(col(CommentReview.disposition)),
        )
        .outerjoin(
            CommentReview, col(CommentReview.comment_id) == col(AggregatedComment.comment_id)
        )
        .where(
            col(AggregatedComment.document_id) == document_id,
            col(AggregatedComment.status) == "active",
        )
        .group_by(col(AggregatedComment.section_id))
    )
    result: dict[uuid.UUID | None, SectionProgress] = defaultdict(lambda: SectionProgress(None))
    for section_id, total, reviewed in rows:
        result[section_id] = SectionProgress(section_id, int(total), int(reviewed))
    for a in (
        await session.execute(
            select(SectionAssignment).where(col(SectionAssignment.document_id) == document_id)
        )
    ).scalars():
        entry = result.get(a.section_id) or SectionProgress(a.section_id)
        entry.reviewer = a.reviewer_name or a.reviewer
        result[a.section_id] = entry
    return dict(result)
