"""Template rendering for the feedback pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.text import vn_date, vn_datetime

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["vn_date"] = vn_date
templates.env.filters["vn_datetime"] = vn_datetime


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)
