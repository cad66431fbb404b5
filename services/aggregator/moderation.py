"""Moderation requests from the workspace to the feedback service, which owns the comment.

The aggregator never changes a comment's status itself: it asks feedback's authenticated
API on the reviewer's behalf (a short-lived token for the same person and roles, so
feedback's audit line names them), and the projection changes when the event comes back.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from services.aggregator.config import AggregatorSettings
from shared.auth import Staff, issue_token
from shared.web import DomainError

ACTIONS = {"spam": "Thư rác", "duplicate": "Trùng lặp", "reassign": "Chuyển mục"}
TOKEN_TTL = timedelta(minutes=2)


def feedback_url(settings: AggregatorSettings) -> str:
    return (settings.feedback_api_url or settings.public_feedback_url).rstrip("/")


async def request_moderation(
    settings: AggregatorSettings,
    staff: Staff,
    comment_id: uuid.UUID,
    action: str,
    section_id: uuid.UUID | None = None,
) -> None:
    """Ask feedback to apply the decision; its refusal comes back as a Vietnamese error."""
    if action not in ACTIONS:
        raise DomainError("Thao tác kiểm duyệt không hợp lệ.", status_code=422)
    token = issue_token(
        settings.signing_keys, staff.subject, sorted(staff.roles), ttl=TOKEN_TTL, name=staff.name
    )
    body = {"action": action, "section_id": str(section_id) if section_id else None}
    try:
        async with httpx.AsyncClient(timeout=settings.feedback_timeout_seconds) as client:
            answer = await client.post(
                f"{feedback_url(settings)}/api/comments/{comment_id}/moderation",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
    except httpx.HTTPError as exc:
        raise DomainError(
            "Không liên lạc được dịch vụ góp ý; vui lòng thử lại sau.", status_code=502
        ) from exc
    if answer.status_code >= 400:
        try:
            detail = str(answer.json().get("detail") or "")
        except ValueError:
            detail = ""
        status = answer.status_code if answer.status_code < 500 else 502
        raise DomainError(detail or "Dịch vụ góp ý không nhận yêu cầu này.", status_code=status)
