"""Parser of draft documents: the section tree citizens comment on, section by section.

Public interface used by the documents service (see DESIGN.md section 6).
"""

from __future__ import annotations

from .api import invitation_record, outline_records, parse_docx, parse_file
from .model import Block, Invitation, Paragraph, ParsedDocument, Section, Table
from .parser import parse_text
from .pdf import parse_pdf, pdf_text
from .pdf_layout import PdfUnreadable

__all__ = [
    "Block",
    "Invitation",
    "Paragraph",
    "ParsedDocument",
    "PdfUnreadable",
    "Section",
    "Table",
    "invitation_record",
    "outline_records",
    "parse_docx",
    "parse_file",
    "parse_pdf",
    "parse_text",
    "pdf_text",
]
