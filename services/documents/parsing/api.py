"""Entry points by file type and the JSON records of DESIGN.md section 6."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .docx import parse_docx
from .model import ParsedDocument
from .parser import parse_text
from .pdf import parse_pdf


def parse_file(path: str | Path) -> ParsedDocument:
    """Parse a .txt (UTF-8, BOM tolerated), .docx or .pdf draft chosen by its extension."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        return parse_docx(data)
    if path.suffix.lower() == ".pdf":
        return parse_pdf(data)
    return parse_text(data.decode("utf-8-sig", errors="replace"))


def outline_records(doc: ParsedDocument) -> list[dict[str, Any]]:
    """``[{"line","level","number","title","path"}]`` in document order."""
    return [
        {
            "line": s.line,
            "level": s.level,
            "number": s.number,
            "title": s.title,
            "path": list(s.path),
        }
        for s in doc.sections
    ]


def invitation_record(doc: ParsedDocument) -> dict[str, Any]:
    """``{"emails","postal_addresses","deadline","postage_free"}`` with an ISO deadline."""
    inv = doc.invitation
    return {
        "emails": list(inv.emails),
        "postal_addresses": list(inv.postal_addresses),
        "deadline": inv.deadline.isoformat() if inv.deadline else None,
        "postage_free": inv.postage_free,
    }
