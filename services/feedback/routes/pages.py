"""HTML pages of the feedback service: the comment form's target, receipt look-up, withdrawal.

Every refusal comes back as a page holding what the citizen typed, with the message next
to the field at fault, and a fresh form token so that a second try can succeed.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import acknowledgements, guards, service
from services.feedback.config import FeedbackSettings
from services.feedback.deps import SessionDep, SettingsDep
from services.feedback.models import CatalogueDocument, CatalogueSection
from services.feedback.validation import InvalidComment
from services.feedback.views import render
from shared import form_tokens
from shared.i18n import LANGUAGES, translator
from shared.web import DomainError

router = APIRouter()
FormText = Annotated[str, Form()]


def _uuid_or_none(value: str, field: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value.strip() else None
    except ValueError as exc:
        raise InvalidComment("Liên kết góp ý không hợp lệ.", field=field) from exc


def _back(settings: FeedbackSettings, document: CatalogueDocument | None) -> str:
    base = settings.public_documents_url.rstrip("/")
    return f"{base}/d/{document.slug}" if document else f"{base}/"


async def _refusal(
    request: Request,
    session: AsyncSession,
    settings: FeedbackSettings,
    error: DomainError,
    values: dict[str, str],
    lang: str | None,
) -> HTMLResponse:
    """The form again, with the citizen's input, the message by its field, a fresh token."""
    document_id = section_id = None
    try:
        document_id = _uuid_or_none(values.get("document_id", ""), "document_id")
        section_id = _uuid_or_none(values.get("section_id", ""), "section_id")
    except InvalidComment:
        pass
    document = await session.get(CatalogueDocument, document_id) if document_id else None
    section = await session.get(CatalogueSection, section_id) if section_id else None
    t = translator(lang or "vi")
    label = t("form.text_section", number=section.number) if section else t("form.text_whole")
    return render(
        request,
        "feedback/form_error.html",
        status_code=error.status_code,
        lang=lang,
        error=error,
        values=values,
        can_resend=document is not None,
        document_id=document.id if document else "",
        section_id=section.id if section else "",
        token=form_tokens.issue(settings.signing_keys, document.id) if document else "",
        required=document.required_fields if document else [],
        label=label,
        max_chars=settings.max_comment_chars,
        where=acknowledgements.place_of(document, section) if section else "",
        back=_back(settings, document),
    )


@router.post("/comments", response_class=HTMLResponse)
async def submit_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    document_id: FormText = "",
    section_id: FormText = "",
    form_token: FormText = "",
    text: FormText = "",
    name: FormText = "",
    organisation: FormText = "",
    address: FormText = "",
    email: FormText = "",
    phone: FormText = "",
    consent: FormText = "",
    website: FormText = "",
    lang: FormText = "",
) -> HTMLResponse:
    chosen = lang if lang in LANGUAGES else None
    personal = {
        "name": name,
        "organisation": organisation,
        "address": address,
        "email": email,
        "phone": phone,
    }
    try:
        guards.check_honeypot(website)
        document_uuid = _uuid_or_none(document_id, "document_id")
        if document_uuid is None:
            raise InvalidComment("Liên kết góp ý không hợp lệ.", field="document_id")
        guards.check_form_token(settings, form_token, document_uuid)
        key = guards.client_key(
            guards.client_address(request, settings.trusted_proxies), settings.signing_keys
        )
        await service.check_rate(session, key, settings.rate_limit_per_hour)
        draft = service.CommentDraft(
            document_id=document_uuid,
            section_id=_uuid_or_none(section_id, "section_id"),
            text=text,
            consent=bool(consent),
            client_key=key,
            **{k: v or None for k, v in personal.items()},
        )
        comment = await service.submit_comment(
            session,
            draft,
            channel="web",
            max_chars=settings.max_comment_chars,
            feedback_url=settings.public_feedback_url,
        )
    except DomainError as exc:
        values = {
            "document_id": document_id,
            "section_id": section_id,
            "text": text,
            "consent": consent,
            **personal,
        }
        return await _refusal(request, session, settings, exc, values, chosen)
    document = await session.get(CatalogueDocument, comment.document_id)
    return render(
        request,
        "feedback/receipt.html",
        status_code=201,
        lang=chosen,
        comment=comment,
        where=await service.place_of_comment(session, comment),
        back=_back(settings, document),
    )


async def _lookup_page(
    request: Request,
    session: AsyncSession,
    settings: FeedbackSettings,
    code: str,
    *,
    done: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        comment = await service.find_by_receipt(session, code)
    except DomainError as exc:
        return render(
            request,
            "feedback/lookup.html",
            status_code=exc.status_code,
            code=code,
            message=exc.message,
        )
    return render(
        request,
        "feedback/lookup.html",
        status_code=status_code,
        code=comment.receipt,
        comment=comment,
        where=await service.place_of_comment(session, comment),
        token=form_tokens.issue(settings.signing_keys, comment.document_id),
        done=done,
    )


@router.get("/receipt", response_class=HTMLResponse)
async def lookup_receipt(
    request: Request, session: SessionDep, settings: SettingsDep, code: str = ""
) -> HTMLResponse:
    if not code.strip():
        return render(request, "feedback/lookup.html")
    return await _lookup_page(request, session, settings, code)


@router.post("/receipt/withdraw", response_class=HTMLResponse)
async def withdraw(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: FormText = "",
    form_token: FormText = "",
) -> HTMLResponse:
    try:
        comment = await service.find_by_receipt(session, code)
        guards.check_form_token(settings, form_token, comment.document_id)
        await service.withdraw_comment(session, code)
    except DomainError as exc:
        return render(
            request,
            "feedback/lookup.html",
            status_code=exc.status_code,
            code=code,
            message=exc.message,
        )
    return await _lookup_page(request, session, settings, code, done=True)
