"""HTML pages of the feedback service: the comment form's target and its receipt page.

Every refusal comes back as a page holding what the citizen typed, with the message next
to the field at fault, and a fresh form token so that a second try can succeed.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import acknowledgements, guards, service
from services.feedback.config import FeedbackSettings
from services.feedback.deps import IntakeDep, SessionDep, SettingsDep
from services.feedback.intake import CommentIntake, Source, form_submission_key
from services.feedback.models import CatalogueDocument, CatalogueSection, Comment
from services.feedback.receipt_cookie import receipts_of, remember_receipt
from services.feedback.routes.lean import lean_route, plain_form
from services.feedback.validation import InvalidComment
from services.feedback.views import render
from shared import form_tokens
from shared.deps import runtime_of
from shared.i18n import LANGUAGES, translator
from shared.openapi import refusals
from shared.storage_errors import RETRY_AFTER_SECONDS, StorageFailure, storage_failure
from shared.web import DomainError

router = APIRouter()
# A random id of the browser, only to limit how many comments one browser sends per hour.
BROWSER_COOKIE = "gopy_browser"
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
    page = render(
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
    page.headers.update(error.headers)
    return page


def _not_stored(
    request: Request,
    settings: FeedbackSettings,
    failure: StorageFailure,
    values: dict[str, str],
    form_token: str,
    lang: str | None,
) -> HTMLResponse:
    """The database is out of reach: the form again with what the citizen typed (nothing
    here needs the database), the same token, and when to try again."""
    t = translator(lang or "vi")
    response = render(
        request,
        "feedback/form_error.html",
        status_code=failure.status_code,
        lang=lang,
        error=DomainError(failure.message, status_code=failure.status_code),
        values=values,
        can_resend=True,
        document_id=values["document_id"],
        section_id=values["section_id"],
        token=form_token,
        required=[],
        label=t("form.text_section") if values["section_id"] else t("form.text_whole"),
        max_chars=settings.max_comment_chars,
        where="",
        back=_back(settings, None),
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def submit_form(
    request: Request,
    intake: IntakeDep,
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
) -> Response:
    """Accepted: 303 to the receipt page (a reload never re-sends); refused: the form again."""
    chosen = lang if lang in LANGUAGES else None
    personal = {
        "name": name,
        "organisation": organisation,
        "address": address,
        "email": email,
        "phone": phone,
    }
    values = {
        "document_id": document_id,
        "section_id": section_id,
        "text": text,
        "consent": consent,
        **personal,
    }
    try:
        guards.check_honeypot(website)
        document_uuid = _uuid_or_none(document_id, "document_id")
        if document_uuid is None:
            raise InvalidComment("Liên kết góp ý không hợp lệ.", field="document_id")
        guards.check_form_token(settings, form_token, document_uuid)
        section_uuid = _uuid_or_none(section_id, "section_id")
        draft = service.CommentDraft(
            document_id=document_uuid,
            section_id=section_uuid,
            text=text,
            consent=bool(consent),
            idempotency_key=form_submission_key(form_token, section_uuid, text),
            name=name or None,
            organisation=organisation or None,
            address=address or None,
            email=email or None,
            phone=phone or None,
        )
        browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(16)
        source = Source(
            channel="web",
            address=guards.client_address(request, settings.trusted_proxies),
            page=form_token,
            browser=browser,
        )
        receipt = await intake.accept(draft, source)
    except DomainError as exc:
        # A session only for the refusal page: the intake has its own (the group's), and a
        # per-request session dependency cost about 7 % of an accepted comment (issue 15).
        async with runtime_of(request).sessions() as session:
            return await _refusal(request, session, settings, exc, values, chosen)
    except Exception as exc:
        failure = storage_failure(exc)
        if failure is None:
            raise
        return _not_stored(request, settings, failure, values, form_token, chosen)
    target = f"/comments/received/{receipt.comment_id}"
    if chosen:
        target += f"?lang={chosen}"
    response = RedirectResponse(target, status_code=303)
    remember_receipt(request, response, receipt.code)
    response.set_cookie(
        BROWSER_COOKIE,
        browser,
        max_age=365 * 24 * 3600,
        path="/comments",
        httponly=True,
        samesite="lax",
    )
    return response


FORM_FIELDS = (
    "document_id",
    "section_id",
    "form_token",
    "text",
    "name",
    "organisation",
    "address",
    "email",
    "phone",
    "consent",
    "website",
    "lang",
)


async def submit_form_lean(request: Request) -> Response | None:
    """``submit_form`` for a plain URL-encoded form, read in one pass (``routes.lean``)."""
    values = await plain_form(request, FORM_FIELDS)
    if values is None:
        return None
    intake: CommentIntake = request.app.state.intake
    settings: FeedbackSettings = runtime_of(request).settings  # type: ignore[assignment]
    return await submit_form(request, intake, settings, **values)


router.add_api_route(
    "/comments",
    submit_form,
    methods=["POST"],
    response_class=HTMLResponse,
    responses=refusals(403, 429, 503),
    route_class_override=lean_route(submit_form_lean),
)


@router.get("/comments/received/{comment_id}", response_class=HTMLResponse)
async def receipt_page(
    request: Request, comment_id: uuid.UUID, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The receipt, shown only to the browser that sent the comment (the code is in a cookie)."""
    comment = await session.get(Comment, comment_id)
    if comment is None or comment.receipt not in receipts_of(request):
        return render(request, "feedback/receipt_elsewhere.html", status_code=404)
    document = await session.get(CatalogueDocument, comment.document_id)
    return render(
        request,
        "feedback/receipt.html",
        comment=comment,
        where=await service.place_of_comment(session, comment),
        back=_back(settings, document),
    )
