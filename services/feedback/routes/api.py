"""JSON API of the feedback service (DESIGN.md section 6 fixes the comment shape)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import guards, service
from services.feedback.deps import CommitterDep, SessionDep, SettingsDep
from services.feedback.models import Comment
from services.feedback.schemas import CommentCreate, CommentReceipt, ReceiptStatus

router = APIRouter(prefix="/api")


@router.post("/comments", response_model=CommentReceipt, status_code=status.HTTP_201_CREATED)
async def create_comment(
    body: CommentCreate, request: Request, committer: CommitterDep, settings: SettingsDep
) -> CommentReceipt:
    """Stored in the next group commit; the receipt is given only after that commit."""
    key = guards.client_key(
        guards.client_address(request, settings.trusted_proxies), settings.signing_keys
    )
    draft = service.CommentDraft(**body.model_dump(), client_key=key)

    async def store(session: AsyncSession) -> Comment:
        await service.check_rate(session, key, settings.rate_limit_per_hour)
        return await service.submit_comment(
            session,
            draft,
            channel="web",
            max_chars=settings.max_comment_chars,
            feedback_url=settings.public_feedback_url,
        )

    comment = await committer.submit(store)
    return CommentReceipt(comment_id=comment.id, receipt=comment.receipt)


@router.get("/receipts/{receipt}", response_model=ReceiptStatus)
async def receipt_status(receipt: str, session: SessionDep) -> ReceiptStatus:
    comment = await service.find_by_receipt(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.post("/receipts/{receipt}/withdraw", response_model=ReceiptStatus)
async def withdraw_comment(receipt: str, session: SessionDep) -> ReceiptStatus:
    """Knowing the unguessable receipt code is the commenter's proof of authorship."""
    comment = await service.withdraw_comment(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)
