"""JSON API of the feedback service."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.feedback import service
from services.feedback.deps import SessionDep, SettingsDep
from services.feedback.schemas import CommentCreate, CommentReceipt, ReceiptStatus

router = APIRouter(prefix="/api")


@router.post("/comments", response_model=CommentReceipt, status_code=status.HTTP_201_CREATED)
async def create_comment(
    body: CommentCreate, session: SessionDep, settings: SettingsDep
) -> CommentReceipt:
    comment = await service.submit_comment(
        session,
        service.CommentDraft(**body.model_dump()),
        channel="web",
        max_chars=settings.max_comment_chars,
    )
    return CommentReceipt(comment_id=comment.id, receipt=comment.receipt)


@router.get("/receipts/{receipt}", response_model=ReceiptStatus)
async def receipt_status(receipt: str, session: SessionDep) -> ReceiptStatus:
    comment = await service.find_by_receipt(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)
