"""Moderation of a comment by the subcommittee's staff: spam, duplicate, another section.

The feedback service owns the comment, so a reviewer working in the aggregator asks here
(``POST /api/comments/{id}/moderation``); the change, its ``comments.v1`` event and the
audit line with who and when are written in one transaction, and the aggregator's
projection follows from the event.
"""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.models import CatalogueSection, Comment
from shared import audit, outbox
from shared.auth import Staff
from shared.events import (
    CommentMarkedDuplicate,
    CommentMarkedSpam,
    CommentStatusPayload,
    SectionReassigned,
    SectionReassignedPayload,
    topics,
)
from shared.web import DomainError, found

PRODUCER = "feedback"
Action = Literal["spam", "duplicate", "reassign"]
STATUS_OF = {"spam": "spam", "duplicate": "duplicate"}


async def moderate_comment(
    session: AsyncSession,
    comment_id: uuid.UUID,
    action: Action,
    actor: Staff,
    *,
    section_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> Comment:
    """Apply one moderation decision and announce it; refusals change nothing."""
    comment = found(
        await session.get(Comment, comment_id, with_for_update=True), "Không tìm thấy ý kiến này."
    )
    if comment.status == "withdrawn":
        raise DomainError("Ý kiến đã được người gửi rút lại.", status_code=409)
    comment.state_version += 1
    if action == "reassign":
        if section_id is not None:
            section = await session.get(CatalogueSection, section_id)
            if section is None or section.document_id != comment.document_id:
                raise DomainError("Mục được chọn không thuộc dự thảo này.", status_code=422)
        if section_id == comment.section_id:
            raise DomainError("Ý kiến đã ở mục này.", status_code=409)
        event: SectionReassigned | CommentMarkedSpam | CommentMarkedDuplicate = SectionReassigned(
            producer=PRODUCER,
            payload=SectionReassignedPayload(
                comment_id=comment.id,
                document_id=comment.document_id,
                state_version=comment.state_version,
                from_section_id=comment.section_id,
                to_section_id=section_id,
            ),
        )
        comment.section_id = section_id
    else:
        if comment.status == STATUS_OF[action]:
            raise DomainError("Ý kiến đã được đánh dấu như vậy.", status_code=409)
        comment.status = STATUS_OF[action]
        kind = CommentMarkedSpam if action == "spam" else CommentMarkedDuplicate
        event = kind(
            producer=PRODUCER,
            payload=CommentStatusPayload(
                comment_id=comment.id,
                document_id=comment.document_id,
                state_version=comment.state_version,
                reason=reason,
            ),
        )
    session.add(comment)
    outbox.add(session, topics.COMMENTS, event)
    audit.record(
        session,
        actor,
        f"comment.{event.type.split('.', 1)[1]}",
        "comment",
        comment.id,
        section=str(section_id) if action == "reassign" else None,
        reason=reason,
    )
    await session.flush()
    return comment
