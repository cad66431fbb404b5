"""Events of ``comments.v1``, keyed by comment id so one comment's events stay in order.

No personal data here (DESIGN.md section 1): e-mail, phone and address stay in feedback.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, get_args

from pydantic import Field

from .envelope import EnvelopeBase, Payload

# How a comment arrived; tallies count every channel, zeros included.
Channel = Literal["web", "email", "post"]
CHANNELS: tuple[str, ...] = get_args(Channel)
# The longest comment text any channel accepts (the form's maxlength mirrors it).
MAX_COMMENT_CHARS = 20_000


class CommentRef(Payload):
    """What every comment event names: the comment and where it is filed."""

    comment_id: uuid.UUID
    document_id: uuid.UUID
    state_version: int = 1


class CommentSubmittedPayload(CommentRef):
    section_id: uuid.UUID | None = None
    channel: Channel
    text: str
    display_name: str | None = None
    organisation: str | None = None
    submitted_at: datetime
    # Who commented, pseudonymously: a keyed hash (HMAC-SHA256, a secret only feedback holds)
    # of the normalised e-mail, else phone, else a letter's name and address; equal for one
    # person's comments, so the aggregator counts people without seeing who they are. None
    # (no contact given, or an event from before it existed): the comment is its own commenter.
    commenter_key: str | None = Field(default=None, max_length=64)


class SectionReassignedPayload(CommentRef):
    from_section_id: uuid.UUID | None = None
    to_section_id: uuid.UUID | None = None


class CommentStatusPayload(CommentRef):
    reason: str | None = None


class _CommentEnvelope(EnvelopeBase):
    payload: CommentRef

    @property
    def key(self) -> str:
        return str(self.payload.comment_id)


class CommentSubmitted(_CommentEnvelope):
    type: Literal["comment.submitted"] = "comment.submitted"
    payload: CommentSubmittedPayload


class SectionReassigned(_CommentEnvelope):
    type: Literal["comment.section_reassigned"] = "comment.section_reassigned"
    payload: SectionReassignedPayload


class CommentMarkedSpam(_CommentEnvelope):
    type: Literal["comment.marked_spam"] = "comment.marked_spam"
    payload: CommentStatusPayload


class CommentMarkedDuplicate(_CommentEnvelope):
    type: Literal["comment.marked_duplicate"] = "comment.marked_duplicate"
    payload: CommentStatusPayload


class CommentWithdrawn(_CommentEnvelope):
    type: Literal["comment.withdrawn"] = "comment.withdrawn"
    payload: CommentStatusPayload


CommentEvent = (
    CommentSubmitted
    | SectionReassigned
    | CommentMarkedSpam
    | CommentMarkedDuplicate
    | CommentWithdrawn
)
