"""Rendering of the account pages, with the CSRF field available to every form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.auth import ROLE_LABELS, ROLES
from shared.client_address import client_address
from shared.security import CSRF_FIELD, csrf_token
from shared.text import vn_datetime

templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
templates.env.globals.update(
    csrf_token=csrf_token, csrf_field=CSRF_FIELD, roles=ROLES, role_labels=ROLE_LABELS
)
templates.env.filters["vn_datetime"] = vn_datetime


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"aggregator/accounts/{name}", context, status_code=status_code
    )


def client_ip(request: Request) -> str:
    """The caller's address, by the rule every service shares (trusted proxies only)."""
    return client_address(request, request.app.state.runtime.settings.trusted_proxies)
