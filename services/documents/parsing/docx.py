"""Read a .docx draft: paragraphs (with Word's automatic numbering) and tables.

Each non-empty paragraph is one logical line; ``line`` counts non-empty paragraphs from 1
as DESIGN.md requires.  Heading styles mark headings even without a printed label, and
automatic numbering is rendered to the label a reader sees so the same rules apply as for
plain text.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from .headings import to_roman
from .lines import LogLine
from .model import ParsedDocument, Table
from .parser import assemble
from .text import clean, nfc

_HEADING_STYLE = re.compile(r"^(?:Heading|Tiêu đề|Title)\s*(\d)?$", re.IGNORECASE)
_HEADER_TABLE = re.compile(r"\bSố\b|CỘNG H(?:OÀ|ÒA)|ĐẢNG CỘNG SẢN", re.IGNORECASE)


def _val(element: Any) -> str | None:
    return None if element is None else element.get(qn("w:val"))


def _format(value: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return to_roman(value)
    if fmt == "lowerRoman":
        return to_roman(value).lower()
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class _Numbering:
    """Counters of Word's automatic numbering, to render each paragraph's label."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, RuntimeError):
            # No numbering part: python-docx raises KeyError, or its RuntimeError subclass
            # for "not implemented", depending on the package's shape.
            return
        abstract: dict[str | None, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl")) or 0)] = (
                    _val(lvl.find(qn("w:numFmt"))) or "decimal",
                    _val(lvl.find(qn("w:lvlText"))) or "",
                    int(_val(lvl.find(qn("w:start"))) or 1),
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = _val(num.find(qn("w:abstractNumId")))
            self.formats[num.get(qn("w:numId")) or ""] = abstract.get(ref, {})

    def label(self, para: DocxParagraph) -> str:
        """The rendered automatic label of ``para`` ("" when not numbered)."""
        num_pr: Any = para._p.pPr.numPr if para._p.pPr is not None else None
        if num_pr is None and para.style is not None:
            style_ppr = para.style.element.pPr
            num_pr = style_ppr.numPr if style_ppr is not None else None
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        levels = self.formats.get(num_id, {})
        if num_id == "0" or ilvl not in levels:
            return ""
        fmt, text, start = levels[ilvl]
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""
        for k in range(ilvl + 1):
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            text = text.replace(f"%{k + 1}", _format(counters.get(k, k_start), k_fmt))
        return text


def _heading_level(para: DocxParagraph) -> int | None:
    name = para.style.name if para.style is not None else ""
    match = _HEADING_STYLE.match(name or "")
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 1


def parse_docx(data: bytes) -> ParsedDocument:
    """Parse a .docx draft into the same structure as its text version."""
    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    logs: list[LogLine] = []
    index = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            para = DocxParagraph(child, document)
            text = clean(nfc(para.text))
            label = numbering.label(para)
            if label and text:
                text = f"{label} {text}"
            if not text:
                continue
            index += 1
            logs.append(LogLine(text, index, style_level=_heading_level(para)))
        elif child.tag == qn("w:tbl"):
            table = DocxTable(child, document)
            rows = [[clean(nfc(cell.text)) for cell in row.cells] for row in table.rows]
            flat = " ".join(" ".join(row) for row in rows)
            if (
                all(log.style_level is None for log in logs)
                and len(logs) < 3
                and (_HEADER_TABLE.search(flat))
            ):
                for cell_text in _header_cells(table):
                    logs.append(LogLine(cell_text, index))
                continue
            logs.append(LogLine("", index + 1, "table", Table(rows)))
    return assemble(logs)


def _header_cells(table: DocxTable) -> list[str]:
    """The paragraphs of a layout table holding the title block, column by column."""
    out: list[str] = []
    # The cell elements themselves, not id(): holding them keeps lxml from freeing a proxy
    # and handing its id to another cell, which skipped cells at random.
    seen: set[Any] = set()
    columns = max((len(row.cells) for row in table.rows), default=0)
    for col in range(columns):
        for row in table.rows:
            if col >= len(row.cells):
                continue
            cell = row.cells[col]
            if cell._tc in seen:  # a merged cell appears once per row it spans
                continue
            seen.add(cell._tc)
            out.extend(t for p in cell.paragraphs if (t := clean(nfc(p.text))))
    return out
