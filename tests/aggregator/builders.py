"""Events with the text, channel and time a test needs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from shared import events as ev


def comment(
    state: ev.DocumentState,
    section_index: int | None,
    text: str,
    channel: str = "web",
    at: datetime | None = None,
    commenter: str | None = None,
) -> ev.CommentSubmitted:
    return ev.CommentSubmitted(
        producer="feedback",
        payload=ev.CommentSubmittedPayload(
            comment_id=uuid.uuid4(),
            document_id=state.document_id,
            section_id=state.sections[section_index].id if section_index is not None else None,
            channel=channel,  # type: ignore[arg-type]
            text=text,
            submitted_at=at or ev.utcnow(),
            commenter_key=commenter,
        ),
    )


def status_change(
    event_class: type[ev.CommentMarkedSpam | ev.CommentMarkedDuplicate | ev.CommentWithdrawn],
    target: ev.CommentSubmitted,
    version: int = 2,
) -> ev.AnyEvent:
    return event_class(  # type: ignore[return-value]
        producer="feedback",
        payload=ev.CommentStatusPayload(
            comment_id=target.payload.comment_id,
            document_id=target.payload.document_id,
            state_version=version,
        ),
    )


def reassigned(
    target: ev.CommentSubmitted, to: uuid.UUID | None, version: int = 2
) -> ev.SectionReassigned:
    return ev.SectionReassigned(
        producer="feedback",
        payload=ev.SectionReassignedPayload(
            comment_id=target.payload.comment_id,
            document_id=target.payload.document_id,
            state_version=version,
            from_section_id=target.payload.section_id,
            to_section_id=to,
        ),
    )


def days_ago(n: float) -> datetime:
    return ev.utcnow() - timedelta(days=n)
