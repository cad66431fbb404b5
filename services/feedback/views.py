"""Template rendering for the feedback pages, in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.i18n import install_templates, page_context, remember_language
from shared.security import CSRF_FIELD, csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_templates(templates.env)
templates.env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD)  # staff forms


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    lang: str | None = None,
    **context: Any,
) -> HTMLResponse:
    words = page_context(request, lang)
    if request.method != "GET":
        words["switch_url"] = None  # a language link must not re-send a form
    response = templates.TemplateResponse(
        request, template, {**words, **context}, status_code=status_code
    )
    remember_language(request, response)
    return response
