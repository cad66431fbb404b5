"""Page furniture of a PDF and the reading order of what is left.

Running headers and footers repeat at the top or bottom of many pages (digits aside, since
they often carry the page number); page numbers stand alone in those margins ("12",
"- 12 -", "Trang 3/40").  Both go.  The rest is read top to bottom, except that blocks set
side by side (the two columns of the title block) are read one column after the other.
"""

from __future__ import annotations

import re
from collections import Counter

from .pdf_layout import PdfLine, PdfPage

_MARGIN = 0.12
_PAGE_NUMBER = re.compile(
    r"^[-–—\s(\[]*(?:trang\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|trên|of)\s*\d{1,4})?[-–—\s)\]]*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def _zone(line: PdfLine, page: PdfPage) -> str | None:
    """'top' or 'bottom' for lines in the page's margins, None for the body."""
    if line.y0 >= page.height * (1 - _MARGIN):
        return "top"
    if line.y1 <= page.height * _MARGIN:
        return "bottom"
    return None


def _key(line: PdfLine) -> str:
    return _DIGITS.sub("#", line.text.lower())


def drop_furniture(pages: list[PdfPage]) -> None:
    """Remove running headers/footers and page numbers from every page, in place."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        keys = {(zone, _key(ln)) for ln in page.lines if (zone := _zone(ln, page))}
        seen.update(keys)
    repeated = {key for key, count in seen.items() if count >= max(2, 0.3 * len(pages))}
    for page in pages:
        kept = []
        for line in page.lines:
            zone = _zone(line, page)
            if zone and ((zone, _key(line)) in repeated or _is_page_number(line, page)):
                continue
            kept.append(line)
        page.lines = kept


def _is_page_number(line: PdfLine, page: PdfPage) -> bool:
    """A lone number in a margin, alone on its height of the page."""
    if not _PAGE_NUMBER.match(line.text):
        return False
    return not any(
        other is not line and abs(other.middle - line.middle) < line.size * 0.6
        for other in page.lines
    )


def stitch_fragments(lines: list[PdfLine]) -> list[PdfLine]:
    """Rejoin pieces of one printed line that the extractor split (a glyph from another font)."""
    out: list[PdfLine] = []
    for line in sorted(lines, key=lambda ln: (-round(ln.y0), ln.x0)):
        last = out[-1] if out else None
        if (
            last is not None
            and abs(last.y0 - line.y0) < 0.3 * line.size
            and abs(last.size - line.size) < 0.2 * line.size
            and -1.0 < line.x0 - last.x1 < 1.5 * line.size
        ):
            gap = " " if line.x0 - last.x1 > 0.15 * line.size else ""
            chars_last, chars_line = len(last.text), len(line.text)
            last.bold = (last.bold * chars_last + line.bold * chars_line) / (
                chars_last + chars_line
            )
            last.text = last.text + gap + line.text
            last.x1 = line.x1
            last.y1 = max(last.y1, line.y1)
            last.pieces = last.pieces + line.pieces
            continue
        out.append(line)
    return out


def reading_order(lines: list[PdfLine]) -> list[PdfLine]:
    """Top to bottom; side-by-side blocks column by column (left first)."""
    ordered = sorted(lines, key=lambda ln: (-ln.y1, ln.x0))
    rows: list[list[PdfLine]] = []
    for line in ordered:
        if rows and abs(rows[-1][0].middle - line.middle) < 0.5 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    out: list[PdfLine] = []
    i = 0
    while i < len(rows):
        row = sorted(rows[i], key=lambda ln: ln.x0)
        if len(row) < 2:
            out.extend(row)
            i += 1
            continue
        split = (row[0].x1 + row[1].x0) / 2
        band = [row]
        i += 1
        while (
            i < len(rows)
            and band[-1][0].middle - rows[i][0].middle < 3 * rows[i][0].size
            and all(ln.x1 < split or ln.x0 > split for ln in rows[i])
        ):
            band.append(rows[i])
            i += 1
        # The band ends with its right column: short lines below it are the body again.
        while len(band) > 1 and all(ln.x1 < split for ln in band[-1]):
            i -= 1
            band.pop()
        left = [ln for r in band for ln in r if ln.x1 < split]
        right = [ln for r in band for ln in r if ln.x1 >= split]
        for column in (left, right):
            if column:
                column[-1].block_end = True
        out.extend(left + right)
    return out
