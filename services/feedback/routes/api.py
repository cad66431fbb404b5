"""JSON API of the feedback service (DESIGN.md section 6 fixes the comment shape)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, status

from services.feedback import guards, service
from services.feedback.deps import IntakeDep, SessionDep, SettingsDep
from services.feedback.intake import Source, idempotency_key
from services.feedback.schemas import CommentCreate, CommentReceipt, ReceiptStatus

router = APIRouter(prefix="/api")


@router.post("/comments", response_model=CommentReceipt, status_code=status.HTTP_201_CREATED)
async def create_comment(
    body: CommentCreate,
    request: Request,
    intake: IntakeDep,
    settings: SettingsDep,
    retry_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> CommentReceipt:
    """The receipt is given only after the commit; a retry with the same key gets the first."""
    address = guards.client_address(request, settings.trusted_proxies)
    key = None
    if retry_key:
        # Bound to the sender and the content, so one caller's key never names another's comment.
        key = idempotency_key(
            "api", retry_key, address, body.document_id, body.section_id, body.text
        )
    draft = service.CommentDraft(**body.model_dump(), idempotency_key=key)
    receipt = await intake.accept(draft, Source(channel="web", address=address))
    return CommentReceipt(comment_id=receipt.comment_id, receipt=receipt.code)


@router.get("/receipts/{receipt}", response_model=ReceiptStatus)
async def receipt_status(receipt: str, session: SessionDep) -> ReceiptStatus:
    comment = await service.find_by_receipt(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.post("/receipts/{receipt}/withdraw", response_model=ReceiptStatus)
async def withdraw_comment(receipt: str, session: SessionDep) -> ReceiptStatus:
    """Knowing the unguessable receipt code is the commenter's proof of authorship."""
    comment = await service.withdraw_comment(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)
