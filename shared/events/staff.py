"""Events of ``staff.v1``, keyed by subject: revocations every service must learn of.

The aggregator owns staff accounts and API tokens; the other services never read its
tables, so it tells them here when sessions or tokens stop being valid. No personal
data: a subject is an account id or ``token:<name>``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from .envelope import EnvelopeBase, Payload


class SessionsRevokedPayload(Payload):
    """Every token of ``subject`` whose epoch is below ``session_epoch`` is now refused."""

    subject: str
    session_epoch: int


class TokenRevokedPayload(Payload):
    """One token (session or API) refused from now on; forgotten after it would expire."""

    subject: str
    token_id: str
    expires_at: datetime


class StaffSessionsRevoked(EnvelopeBase):
    type: Literal["staff.sessions_revoked"] = "staff.sessions_revoked"
    payload: SessionsRevokedPayload

    @property
    def key(self) -> str:
        return self.payload.subject


class StaffTokenRevoked(EnvelopeBase):
    type: Literal["staff.token_revoked"] = "staff.token_revoked"
    payload: TokenRevokedPayload

    @property
    def key(self) -> str:
        return self.payload.subject


StaffEvent = StaffSessionsRevoked | StaffTokenRevoked
