"""Read a PDF draft: its text layer, reflowed into the same logical lines as a text draft.

The page layout answers what plain text cannot: a line that stops short of the right margin
ended its paragraph, one that was full wrapped (the next word did not fit), an indent or a
wider gap opens a new paragraph.  Those decisions go to the parser's own reflow, which also
keeps footnotes apart and tables whole.  ``line`` counts the lines of the reflowed text
(:func:`pdf_text`), one per paragraph, footnote or table row.
"""

from __future__ import annotations

import re
from statistics import median

from .headings import recognise
from .lines import LogLine, RawLine, mark_footnotes, superscript_value, typical_width
from .model import ParsedDocument, Table
from .parser import assemble
from .pdf_furniture import drop_furniture, reading_order, stitch_fragments
from .pdf_layout import PdfLine, PdfPage, read_pdf
from .pdf_tables import PdfTable, continues_row, find_pdf_tables, join_cell_lines
from .reflow import opens_item, reflow
from .tables import FoundTable, find_tables
from .text import ends_terminal, starts_lower

_NOTE_START = re.compile(r"^\(?\d{1,3}\)?\s*[^\W\d_]")
_HYPHENATED = re.compile(r"(?<=\w)[-\u00ad]$")
_HEADER_TABLE = re.compile(r"\bSố\b|CỘNG H(?:OÀ|ÒA)|ĐẢNG CỘNG SẢN", re.IGNORECASE)
_PLAIN_LETTERS = re.compile(r"[A-Za-z]{2,}")
_PLAIN_LOWER = re.compile(r"[a-z]+(?![^\W\d_])")

Entry = PdfLine | PdfTable


class _Metrics:
    """Margins of each page and the document's usual type size and line pitch."""

    def __init__(self, pages: list[PdfPage]) -> None:
        body = [ln for page in pages for ln in page.lines]
        self.size = median(ln.size for ln in body) if body else 12.0
        # A page's right margin is where its longest regular line ends; on a short page no
        # line may reach it, so it is never taken nearer than the left margin's mirror.
        left = min((ln.x0 for ln in body), default=0.0)
        self.right: dict[int, float] = {}
        for page in pages:
            regular = [ln.x1 for ln in page.lines if abs(ln.size - self.size) < 0.15 * self.size]
            self.right[page.number] = max([*regular, page.width - left])
        gaps = [
            a.y0 - b.y0
            for page in pages
            for a, b in zip(page.lines, page.lines[1:], strict=False)
            if 0 < a.y0 - b.y0 < 3 * self.size and abs(a.size - b.size) < 0.5
        ]
        self.pitch = median(gaps) if gaps else 1.2 * self.size

    def small(self, line: PdfLine) -> bool:
        """Type noticeably smaller than the body's: footnotes."""
        return line.size <= 0.85 * self.size


def _take_tables(page: PdfPage) -> list[PdfTable]:
    """The page's ruled tables, their lines taken out of the running text."""
    tables = find_pdf_tables(page)
    taken = {id(line) for table in tables for line in table.lines}
    page.lines = stitch_fragments([ln for ln in page.lines if id(ln) not in taken])
    return tables


def _entries(page: PdfPage, tables: list[PdfTable]) -> list[Entry]:
    """The page's text lines and tables in reading order."""
    lines = reading_order(page.lines)
    out: list[Entry] = []
    pending = sorted(tables, key=lambda t: -t.top)
    for line in lines:
        while pending and pending[0].top >= line.y1:
            out.append(pending.pop(0))
        out.append(line)
    out.extend(pending)
    return out


def _merge_tables(entries: list[Entry]) -> list[Entry]:
    """A table continued on the next page is one table; a repeated header row goes."""
    out: list[Entry] = []
    for entry in entries:
        last = out[-1] if out else None
        if (
            isinstance(entry, PdfTable)
            and isinstance(last, PdfTable)
            and len(entry.rows[0]) == len(last.rows[0])
        ):
            rows = entry.rows[1:] if entry.rows[0] == last.rows[0] else entry.rows
            if rows and continues_row(last.rows[-1], rows[0]):
                broken = [
                    join_cell_lines([a, b]) for a, b in zip(last.rows[-1], rows[0], strict=True)
                ]
                last.rows[-1] = broken
                rows = rows[1:]
            out[-1] = PdfTable(last.top, entry.bottom, last.rows + rows, last.lines + entry.lines)
            continue
        out.append(entry)
    return out


def _hard_wrapped(entries: list[Entry], metrics: _Metrics) -> bool:
    """Lines broken short of the margin in mid-sentence, again and again: a printed extract.

    A PDF printed from a hard-wrapped text (seed-style extracts) keeps the source's line
    breaks; the text parser's own reflow of such extracts then applies.
    """
    lines = [e for e in entries if isinstance(e, PdfLine) and not metrics.small(e)]
    pairs = list(zip(lines, lines[1:], strict=False))
    broken = sum(
        1
        for prev, cur in pairs
        if not _forced(prev, cur, metrics)
        and not ends_terminal(prev.text)
        and starts_lower(cur.text)
    )
    return len(pairs) >= 20 and broken >= 0.15 * len(pairs)


def _unbox_title_block(entries: list[Entry]) -> list[Entry]:
    """A bordered table holding the title block (issuer, number, motto) is read as lines."""
    for k, entry in enumerate(entries[:4]):
        if isinstance(entry, PdfTable):
            flat = " ".join(" ".join(row) for row in entry.rows)
            if _HEADER_TABLE.search(flat):
                return [*entries[:k], *reading_order(entry.lines), *entries[k + 1 :]]
            break
    return entries


def _forced(prev: PdfLine, cur: PdfLine, metrics: _Metrics) -> bool:
    """The previous line had to wrap: the next line's first word would not have fitted."""
    room = metrics.right[prev.page] - prev.x1
    return room < cur.first_word + 0.25 * cur.size + 0.5


def _fresh(prev: PdfLine, cur: PdfLine, metrics: _Metrics) -> bool:
    """Layout that opens a new paragraph: an indent, a wider gap or another type size."""
    if abs(cur.size - prev.size) > 0.15 * metrics.size:
        return True
    if cur.x0 > prev.x0 + 0.6 * cur.size:
        return True
    return cur.page == prev.page and prev.y0 - cur.y0 > metrics.pitch + 0.3 * cur.size


def _joins(prev: PdfLine, cur: PdfLine, metrics: _Metrics) -> bool:
    """Whether ``cur`` continues the paragraph of ``prev``."""
    if prev.block_end:
        return False
    fresh = _fresh(prev, cur, metrics)
    if _forced(prev, cur, metrics):
        if opens_item(cur.text):
            return not fresh and not ends_terminal(prev.text)
        return starts_lower(cur.text) or not fresh
    # A line that stopped short ends its paragraph, unless a lowercase start says the text
    # itself was broken there; a heading line (or a bold one before regular type) is whole.
    return (
        not ends_terminal(prev.text)
        and starts_lower(cur.text)
        and not opens_item(cur.text)
        and recognise(prev.text) is None
        and not (prev.bold > 0.5 and cur.bold < 0.5)
    )


def _raw_lines(entries: list[Entry], metrics: _Metrics) -> tuple[list[RawLine], list[FoundTable]]:
    """Physical lines for the reflow, with the layout's join decisions filled in."""
    raws: list[RawLine] = []
    found: list[FoundTable] = []
    prev: PdfLine | None = None
    prev_raw: RawLine | None = None
    note: PdfLine | None = None
    note_raw: RawLine | None = None
    for entry in entries:
        no = len(raws) + 1
        if isinstance(entry, PdfTable):
            raws.append(RawLine(no, "", "", in_table=True))
            found.append(FoundTable(no - 1, no, Table(entry.rows)))
            prev = prev_raw = note = note_raw = None
            continue
        raw = RawLine(no, entry.text, entry.text)
        raws.append(raw)
        numbered = bool(superscript_value(entry.text) or _NOTE_START.match(entry.text))
        if metrics.small(entry) and (numbered or note is not None):
            raw.footnote = True
            # A footnote line that the previous one wrapped into continues that note.
            raw.note_start = note is None or (
                numbered and (ends_terminal(note.text) or not _forced(note, entry, metrics))
            )
            if not raw.note_start and note_raw is not None and _HYPHENATED.search(note_raw.text):
                _glue_hyphen(note_raw, raw)
            note, note_raw = entry, raw
            continue
        note = note_raw = None
        if prev is not None and prev_raw is not None:
            raw.joins = _joins(prev, entry, metrics)
            if raw.joins and _HYPHENATED.search(prev_raw.text):
                _glue_hyphen(prev_raw, raw)
        else:
            raw.joins = False
        prev, prev_raw = entry, raw
    return raws, found


def _continue_text_notes(raws: list[RawLine], by_layout: set[int]) -> None:
    """A line wrapped from a footnote found by its text ("29 Chương trình …") continues it.

    Small-type notes are skipped when joins are decided; a body-size note is not, so the
    line it wrapped into was judged against the note itself.
    """
    prev: RawLine | None = None
    for raw in raws:
        if not raw.text or raw.in_table:
            prev = None
            continue
        if (
            prev is not None
            and prev.footnote
            and prev.no not in by_layout
            and raw.joins
            and not raw.footnote
        ):
            raw.footnote, raw.note_start = True, False
        prev = raw


def _glue_hyphen(prev: RawLine, cur: RawLine) -> None:
    """Join a word hyphenated across lines; a soft hyphen (or one inside a plain word) goes.

    Vietnamese syllables are whole words, so "kinh tế-" + "xã hội" keeps its hyphen; only
    a soft hyphen or a split unaccented word ("infra-" + "structure") loses it.
    """
    head = prev.text[:-1].split(" ")[-1].lstrip("(\"“‘'[")
    tail = cur.text.split(" ")[0]
    if prev.text.endswith("\u00ad") or (
        _PLAIN_LETTERS.fullmatch(head) and _PLAIN_LOWER.match(tail)
    ):
        prev.text = prev.text[:-1]
    cur.glue = ""


def logical_lines(data: bytes) -> list[LogLine]:
    """The draft's paragraphs, footnotes and tables, numbered as in :func:`pdf_text`."""
    pages = read_pdf(data)
    tables = [_take_tables(page) for page in pages]
    drop_furniture(pages)
    metrics = _Metrics(pages)
    in_order = [e for page, found in zip(pages, tables, strict=True) for e in _entries(page, found)]
    entries = _unbox_title_block(_merge_tables(in_order))
    raws, found = _raw_lines(entries, metrics)
    hard = _hard_wrapped(entries, metrics)
    if hard:  # a printed text extract: its line breaks are the source's, not the layout's
        for raw in raws:
            raw.joins = None
    by_layout = {raw.no for raw in raws if raw.footnote}
    mark_footnotes(raws, wrapped=hard)
    _continue_text_notes(raws, by_layout)
    if not found:  # no ruled table: try the text reader's flattened-table rebuild
        found = find_tables(raws)
    by_no = {raw.no: entry for raw, entry in zip(raws, entries, strict=True)}
    logs = reflow(raws, found, wrapped=True, width=typical_width(raws))
    number = 1
    for log in logs:
        source = by_no.get(log.line)
        if isinstance(source, PdfLine):
            log.emphasis = source.bold_start or source.size >= 1.1 * metrics.size
        log.line = number
        number += len(log.table.rows) if log.table is not None else 1
    return logs


def parse_pdf(data: bytes) -> ParsedDocument:
    """Parse a PDF draft into the same structure as its text version."""
    return assemble(logical_lines(data))


def pdf_text(data: bytes) -> str:
    """The reflowed text whose lines the outline's ``line`` numbers count."""
    return render_text(logical_lines(data))


def render_text(logs: list[LogLine]) -> str:
    """Logical lines as text: one line per paragraph or footnote, one per table row."""
    out: list[str] = []
    for log in logs:
        if log.table is not None:
            out.extend(" | ".join(row) for row in log.table.rows)
        else:
            out.append(log.text)
    return "\n".join(out) + "\n"
