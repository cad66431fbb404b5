"""Rebuild ruled tables of a PDF page as rows of cells, from the borders drawn around them.

Word and LibreOffice draw every cell border as a line; the borders' positions give the rows
and columns, and each piece of text goes to the cell its centre falls in.  The indicator
tables of appendices come out as rows, as they do for .txt and .docx drafts.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .pdf_layout import PdfLine, PdfPage, Segment
from .text import clean

_TOUCH = 2.5
_SAME = 2.0


@dataclass
class PdfTable:
    """A table found on a page: its box, rows of cell texts and the lines it took."""

    top: float
    bottom: float
    rows: list[list[str]]
    lines: list[PdfLine]


def _touch(a: Segment, b: Segment) -> bool:
    return (
        a.x0 - _TOUCH <= b.x1
        and b.x0 - _TOUCH <= a.x1
        and a.y0 - _TOUCH <= b.y1
        and b.y0 - _TOUCH <= a.y1
    )


def _groups(segments: list[Segment]) -> list[list[Segment]]:
    """Connected sets of ruling segments (one set per table)."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segments)), key=lambda k: segments[k].x0)
    for pos, i in enumerate(order):
        for j in order[pos + 1 :]:
            if segments[j].x0 - _TOUCH > segments[i].x1:
                break
            if _touch(segments[i], segments[j]):
                parent[find(i)] = find(j)
    out: dict[int, list[Segment]] = {}
    for i, segment in enumerate(segments):
        out.setdefault(find(i), []).append(segment)
    return list(out.values())


def _positions(values: list[float]) -> list[float]:
    """Distinct coordinates, merging those closer than a couple of points."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _SAME:
            out.append(value)
    return out


def join_cell_lines(parts: list[str]) -> str:
    """The lines of one cell as one text; "50.000-" + "55.000" stays one range."""
    out = ""
    for part in parts:
        glue = "" if not out or out.endswith("-") and not out.endswith(" -") else " "
        out = clean(out + glue + part)
    return out


def continues_row(last: list[str], first: list[str]) -> bool:
    """A row broken by a page: no label of its own, text only under the last row's text."""
    if first[0] or len(first) != len(last):
        return False
    filled = [i for i, cell in enumerate(first) if cell]
    return bool(filled) and all(last[i] for i in filled) and len(filled) < sum(map(bool, last))


def find_pdf_tables(page: PdfPage) -> list[PdfTable]:
    """The ruled tables of one page (at least two rows and two columns)."""
    if len(page.segments) > 20_000:
        return []
    tables: list[PdfTable] = []
    for group in _groups(page.segments):
        horizontal = [s for s in group if s.horizontal]
        vertical = [s for s in group if not s.horizontal]
        ys = _positions([(s.y0 + s.y1) / 2 for s in horizontal])
        xs = _positions([(s.x0 + s.x1) / 2 for s in vertical])
        if len(ys) < 2 or len(xs) < 3:
            continue
        table = _fill(page, xs, ys)
        if table is not None:
            tables.append(table)
    return tables


def _fill(page: PdfPage, xs: list[float], ys: list[float]) -> PdfTable | None:
    """Put every text piece inside the grid into its cell."""
    top, bottom = ys[-1], ys[0]
    inside = [ln for ln in page.lines if bottom < ln.middle < top and xs[0] <= ln.x0 + 1]
    inside = [ln for ln in inside if ln.x1 <= xs[-1] + 1]
    if not inside:
        return None
    rows = len(ys) - 1
    columns = len(xs) - 1
    cells: dict[tuple[int, int], list[str]] = {}
    for line in sorted(inside, key=lambda ln: (-ln.middle, ln.x0)):
        row = rows - bisect.bisect(ys, line.middle)
        for piece in line.pieces:
            column = min(max(bisect.bisect(xs, (piece.x0 + piece.x1) / 2) - 1, 0), columns - 1)
            cells.setdefault((row, column), []).append(piece.text)
    table_rows = []
    for row in range(rows):
        values = [join_cell_lines(cells.get((row, col), [])) for col in range(columns)]
        if any(values):
            table_rows.append(values)
    if len(table_rows) < 2:
        return None
    return PdfTable(top, bottom, table_rows, inside)
