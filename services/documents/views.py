"""Template rendering for the documents pages: Vietnamese dates, the visitor's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.documents.models import Document, Section
from services.documents.reading import heading_label
from shared.events import utcnow
from shared.i18n import install_templates, page_context, remember_language
from shared.text import cite_section

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_templates(templates.env)

WindowState = Literal["open", "upcoming", "closed", "draft"]


@dataclass
class TocNode:
    section: Section
    children: list[TocNode] = field(default_factory=list)


def section_tree(sections: Sequence[Section]) -> list[TocNode]:
    """Nest the flat, ordered sections by parent for the table of contents."""
    nodes = {s.id: TocNode(s) for s in sections}
    roots: list[TocNode] = []
    for s in sections:
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent.children if parent else roots).append(nodes[s.id])
    return roots


def section_url(document: Document, section: Section, base: str = "") -> str:
    """The public page of one section (``base`` makes it absolute, for the API)."""
    return f"{base.rstrip('/')}/d/{document.slug}/{section.anchor}"


def window_state(document: Document, now: datetime | None = None) -> WindowState:
    """Whether a citizen can comment right now, judged by the clock, not only the status.

    A window whose closing time has passed is closed even before the close event, so the
    page never offers a form the feedback service would refuse.
    """
    now = now or utcnow()
    if document.status == "closed":
        return "closed"
    if document.status != "open":
        return "draft"
    if document.opens_at and now < document.opens_at:
        return "upcoming"
    if document.closes_at and now > document.closes_at:
        return "closed"
    return "open"


def required_fields(document: Document) -> list[str]:
    """The personal fields this consultation requires (an admin setting; none by default)."""
    return list(getattr(document, "required_fields", None) or [])


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        template,
        {
            "now": utcnow(),
            "window_state": window_state,
            "section_url": section_url,
            "heading_label": heading_label,
            "cite_section": cite_section,
            **page_context(request),
            **context,
        },
        status_code=status_code,
    )
    remember_language(request, response)
    return response
