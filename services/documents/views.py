"""Template rendering for the documents pages, with Vietnamese date filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.documents.models import Section
from shared.events import utcnow
from shared.text import vn_date, vn_datetime

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["vn_date"] = vn_date
templates.env.filters["vn_datetime"] = vn_datetime


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


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template, {"now": utcnow(), **context}, status_code=status_code
    )
