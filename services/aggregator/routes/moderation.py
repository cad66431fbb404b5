"""The workspace's moderation form: spam, duplicate, another section, sent to feedback."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from services.aggregator import moderation
from services.aggregator.deps import ReviewerDep, SettingsDep
from shared.security import CsrfProtected
from shared.web import DomainError

router = APIRouter(prefix="/tong-hop/d/{document_id}")


@router.post("/y-kien/{comment_id}/kiem-duyet", dependencies=[CsrfProtected])
async def moderate(
    document_id: uuid.UUID,
    comment_id: uuid.UUID,
    staff: ReviewerDep,
    settings: SettingsDep,
    action: Annotated[str, Form()],
    section_id: Annotated[str, Form()] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Sent to feedback; the page shows the change once its event has come back."""
    try:
        target = uuid.UUID(section_id) if section_id.strip() else None
    except ValueError as exc:
        raise DomainError("Mục được chọn không hợp lệ.", status_code=422) from exc
    await moderation.request_moderation(settings, staff, comment_id, action, target)
    base = f"/tong-hop/d/{document_id}"
    page = back if back.startswith(base) and "//" not in back else base
    separator = "&" if "?" in page else "?"
    return RedirectResponse(f"{page}{separator}da-gui=1#y-kien-{comment_id}", status_code=303)
