"""Text of attached letters: Word (.docx, python-docx) and PDF (pypdf), bounded in size."""

from __future__ import annotations

import io
import logging

from .charsets import decode_text
from .text import tidy

log = logging.getLogger(__name__)

DOCX_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PDF_TYPES = {"application/pdf", "application/x-pdf"}
TEXT_TYPES = {"text/plain"}
_READABLE_SUFFIXES = (".docx", ".pdf", ".txt")


def kind_of(content_type: str, filename: str) -> str | None:
    """``docx``, ``pdf`` or ``txt`` for an attachment the reader can take text from."""
    name = filename.lower()
    if content_type in DOCX_TYPES or name.endswith(".docx"):
        return "docx"
    if content_type in PDF_TYPES or name.endswith(".pdf"):
        return "pdf"
    if name.endswith(".txt"):
        return "txt"
    return None


def _docx_text(data: bytes, max_chars: int) -> str:
    from docx import Document  # imported lazily: most messages have no Word file

    document = Document(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        size += len(paragraph.text)
        if size > max_chars:
            break
    for table in document.tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if cell.text not in cells:
                    cells.append(cell.text)
            parts.append(" | ".join(cells))
    return "\n".join(parts)[:max_chars]


def _pdf_text(data: bytes, max_chars: int, max_pages: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    for page in reader.pages[:max_pages]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > max_chars:
            break
    return "\n".join(parts)[:max_chars]


def attachment_text(kind: str, data: bytes, max_chars: int = 100_000, max_pages: int = 30) -> str:
    """Readable text of one attachment, or "" when it cannot be read (it stays in the raw)."""
    try:
        if kind == "docx":
            text = _docx_text(data, max_chars)
        elif kind == "pdf":
            text = _pdf_text(data, max_chars, max_pages)
        else:
            text = decode_text(data[: max_chars * 4], None)[:max_chars]
    except Exception as exc:
        # A damaged or hostile file must not stop the message: the clerk sees the original.
        log.info("attachment unreadable (%s): %s", kind, type(exc).__name__)
        return ""
    return tidy(text)
