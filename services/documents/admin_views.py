"""Rendering of the staff pages of the documents service (Vietnamese only, CSRF on forms)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.security import CSRF_FIELD, csrf_token
from shared.text import vn_date, vn_datetime

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD)
templates.env.filters["vn_date"] = vn_date
templates.env.filters["vn_datetime"] = vn_datetime


def render_admin(
    request: Request, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    settings = request.app.state.runtime.settings
    links = {"aggregator_url": settings.public_aggregator_url.rstrip("/")}
    return templates.TemplateResponse(
        request, f"documents/admin/{name}", {**links, **context}, status_code=status_code
    )
