"""Event contracts: one envelope class per past-tense event, parsed by one discriminated union."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from . import topics
from .comments import (
    Channel,
    CommentEvent,
    CommentMarkedDuplicate,
    CommentMarkedSpam,
    CommentRef,
    CommentStatusPayload,
    CommentSubmitted,
    CommentSubmittedPayload,
    CommentWithdrawn,
    SectionReassigned,
    SectionReassignedPayload,
)
from .documents import (
    ConsultationClosed,
    ConsultationOpened,
    DocumentEvent,
    DocumentPublished,
    DocumentState,
    DocumentUpdated,
    SectionInfo,
)
from .envelope import EnvelopeBase, utcnow
from .staff import (
    SessionsRevokedPayload,
    StaffEvent,
    StaffSessionsRevoked,
    StaffTokenRevoked,
    TokenRevokedPayload,
)

AnyEvent = Annotated[DocumentEvent | CommentEvent | StaffEvent, Field(discriminator="type")]
event_adapter: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def parse_event(raw: bytes | str) -> AnyEvent:
    """Parse one message value into its concrete envelope class."""
    return event_adapter.validate_json(raw)


def serialize_event(event: EnvelopeBase) -> bytes:
    """The wire form: compact UTF-8 JSON."""
    return event.model_dump_json().encode("utf-8")


__all__ = [
    "AnyEvent",
    "Channel",
    "CommentEvent",
    "CommentMarkedDuplicate",
    "CommentMarkedSpam",
    "CommentRef",
    "CommentStatusPayload",
    "CommentSubmitted",
    "CommentSubmittedPayload",
    "CommentWithdrawn",
    "ConsultationClosed",
    "ConsultationOpened",
    "DocumentEvent",
    "DocumentPublished",
    "DocumentState",
    "DocumentUpdated",
    "EnvelopeBase",
    "SectionInfo",
    "SectionReassigned",
    "SectionReassignedPayload",
    "SessionsRevokedPayload",
    "StaffEvent",
    "StaffSessionsRevoked",
    "StaffTokenRevoked",
    "TokenRevokedPayload",
    "event_adapter",
    "parse_event",
    "serialize_event",
    "topics",
    "utcnow",
]
