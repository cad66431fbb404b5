"""Looking up and withdrawing a comment by its receipt code, never with the code in a URL.

The code is the commenter's proof of authorship, so it travels in POST bodies only
(an address ends up in histories and server logs). Withdrawal cannot be undone, so it
asks first: the button leads to a confirmation, and only the confirmation withdraws.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import guards, service
from services.feedback.config import FeedbackSettings
from services.feedback.deps import SessionDep, SettingsDep
from services.feedback.views import render
from shared import form_tokens
from shared.openapi import refusals
from shared.web import DomainError

router = APIRouter()
FormText = Annotated[str, Form()]


async def _found_page(
    request: Request,
    session: AsyncSession,
    settings: FeedbackSettings,
    code: str,
    *,
    template: str = "feedback/lookup.html",
    done: bool = False,
) -> HTMLResponse:
    try:
        comment = await service.find_by_receipt(session, code)
    except DomainError as exc:
        return _lookup_refused(request, code, exc)
    return render(
        request,
        template,
        code=comment.receipt,
        comment=comment,
        where=await service.place_of_comment(session, comment),
        token=form_tokens.issue(settings.signing_keys, comment.document_id),
        done=done,
    )


def _lookup_refused(request: Request, code: str, error: DomainError) -> HTMLResponse:
    return render(
        request,
        "feedback/lookup.html",
        status_code=error.status_code,
        code=code,
        message=error.message,
    )


@router.get("/receipt", response_class=HTMLResponse, responses=refusals(404))
async def lookup_form(request: Request, code: str = "") -> HTMLResponse:
    """The look-up form; an old link's ``?code=`` only fills the box (it is POSTed from here)."""
    return render(request, "feedback/lookup.html", code=code.strip()[:20])


@router.post("/receipt", response_class=HTMLResponse, responses=refusals(404))
async def lookup(
    request: Request, session: SessionDep, settings: SettingsDep, code: FormText = ""
) -> HTMLResponse:
    if not code.strip():
        return render(request, "feedback/lookup.html")
    return await _found_page(request, session, settings, code)


@router.post("/receipt/withdraw", response_class=HTMLResponse, responses=refusals(404, 409))
async def withdraw(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: FormText = "",
    form_token: FormText = "",
    confirm: FormText = "",
) -> HTMLResponse:
    """First the question (cannot be undone), then, with ``confirm=yes``, the withdrawal."""
    try:
        comment = await service.find_by_receipt(session, code)
        guards.check_form_token(settings, form_token, comment.document_id)
        if confirm != "yes":
            return await _found_page(
                request, session, settings, code, template="feedback/withdraw_confirm.html"
            )
        await service.withdraw_comment(session, code)
    except DomainError as exc:
        return _lookup_refused(request, code, exc)
    return await _found_page(request, session, settings, code, done=True)
