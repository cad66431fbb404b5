"""JSON API of the feedback service (DESIGN.md section 6 fixes the comment shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.feedback import guards, moderation, service
from services.feedback.deps import ReviewerDep, SessionDep
from services.feedback.intake import CommentIntake, Source, idempotency_key
from services.feedback.routes.lean import lean_route, media_type
from services.feedback.schemas import (
    CommentCreate,
    CommentReceipt,
    ModerationRequest,
    ModerationResult,
    ReceiptCode,
    ReceiptStatus,
)
from shared.openapi import refusals

router = APIRouter(prefix="/api")
_MAX_RETRY_KEY = 200


async def create_comment(
    body: CommentCreate,
    request: Request,
    retry_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=_MAX_RETRY_KEY)
    ] = None,
) -> CommentReceipt:
    """The receipt is given only after the commit; a retry with the same key gets the first."""
    # The hottest route: the intake and settings straight from the app, not as dependencies
    # (each dependency FastAPI solves costs a few per cent of a comment, issue 15).
    intake: CommentIntake = request.app.state.intake
    settings = intake.settings
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


async def create_comment_lean(request: Request) -> Response | None:
    """``create_comment`` for a plain JSON body that fits ``CommentCreate`` (``routes.lean``)."""
    if media_type(request) != "application/json":
        return None
    retry_key = request.headers.get("idempotency-key")
    if retry_key is not None and len(retry_key) > _MAX_RETRY_KEY:
        return None
    try:
        body = CommentCreate.model_validate_json(await request.body())
    except ValidationError:
        return None
    receipt = await create_comment(body, request, retry_key)
    return JSONResponse(
        {"comment_id": str(receipt.comment_id), "receipt": receipt.receipt},
        status_code=status.HTTP_201_CREATED,
    )


router.add_api_route(
    "/comments",
    create_comment,
    methods=["POST"],
    response_model=CommentReceipt,
    status_code=status.HTTP_201_CREATED,
    responses=refusals(429, 503),
    route_class_override=lean_route(create_comment_lean),
)


@router.post("/receipts/lookup", response_model=ReceiptStatus, responses=refusals(404))
async def lookup_by_body(body: ReceiptCode, session: SessionDep) -> ReceiptStatus:
    """The same as ``GET /receipts/{code}``, with the code kept out of the (logged) URL."""
    comment = await service.find_by_receipt(session, body.receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.post("/receipts/withdraw", response_model=ReceiptStatus, responses=refusals(404, 409))
async def withdraw_by_body(body: ReceiptCode, session: SessionDep) -> ReceiptStatus:
    """Withdraw, with the code in the body rather than in the (logged) URL."""
    comment = await service.withdraw_comment(session, body.receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.get("/receipts/{receipt}", response_model=ReceiptStatus)
async def receipt_status(receipt: str, session: SessionDep) -> ReceiptStatus:
    comment = await service.find_by_receipt(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.post("/receipts/{receipt}/withdraw", response_model=ReceiptStatus, responses=refusals(409))
async def withdraw_comment(receipt: str, session: SessionDep) -> ReceiptStatus:
    """Knowing the unguessable receipt code is the commenter's proof of authorship."""
    comment = await service.withdraw_comment(session, receipt)
    return ReceiptStatus.model_validate(comment, from_attributes=True)


@router.post("/comments/{comment_id}/moderation", response_model=ModerationResult)
async def moderate_comment(
    comment_id: uuid.UUID, body: ModerationRequest, session: SessionDep, staff: ReviewerDep
) -> ModerationResult:
    """Spam, duplicate or another section: recorded with who and when, then announced."""
    comment = await moderation.moderate_comment(
        session, comment_id, body.action, staff, section_id=body.section_id, reason=body.reason
    )
    return ModerationResult(
        comment_id=comment.id,
        status=comment.status,
        section_id=comment.section_id,
        state_version=comment.state_version,
    )
