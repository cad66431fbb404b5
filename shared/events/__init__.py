"""Event contracts: one envelope class per past-tense event, parsed by one discriminated union."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from . import topics
from .comments import (
    CHANNELS,
    MAX_COMMENT_CHARS,
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
from .personal import (
    PERSONAL_DATA_MONTHS,
    PERSONAL_FIELD_LABELS,
    PERSONAL_FIELDS,
    PersonalField,
    erase_if_closed_before,
)
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


def serialize_body(body: Mapping[str, Any]) -> bytes:
    """The wire form: compact UTF-8 JSON. The outbox relay sends its stored bodies with it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def serialize_event(event: EnvelopeBase) -> bytes:
    """An envelope in the wire form, exactly as the outbox relay would publish it."""
    return serialize_body(event.model_dump(mode="json"))


__all__ = [
    "CHANNELS",
    "MAX_COMMENT_CHARS",
    "PERSONAL_DATA_MONTHS",
    "PERSONAL_FIELDS",
    "PERSONAL_FIELD_LABELS",
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
    "PersonalField",
    "SectionInfo",
    "SectionReassigned",
    "SectionReassignedPayload",
    "SessionsRevokedPayload",
    "StaffEvent",
    "StaffSessionsRevoked",
    "StaffTokenRevoked",
    "TokenRevokedPayload",
    "erase_if_closed_before",
    "event_adapter",
    "parse_event",
    "serialize_body",
    "serialize_event",
    "topics",
    "utcnow",
]
