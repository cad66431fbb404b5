"""The event envelope every topic carries: id, type, version, time, producer, payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.ids import new_id


def utcnow() -> datetime:
    """Timezone-aware now in UTC: events and rows store UTC, pages show local time."""
    return datetime.now(UTC)


class Payload(BaseModel):
    """Base of every payload; frozen so a consumed event cannot be changed by accident."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class EnvelopeBase(BaseModel):
    """Fields every event shares; subclasses pin ``type`` and the payload class."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID = Field(default_factory=new_id)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=utcnow)
    producer: str
    payload: Payload

    @property
    def key(self) -> str:
        """The partition key: events of one aggregate stay in order on one partition.

        Concrete envelopes override it with their aggregate's id.
        """
        return str(self.event_id)
